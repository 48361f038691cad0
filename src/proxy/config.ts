// Service proxy configuration (flags / config file), with the defaults kube-router users expect.

import type { IpvsScheduler } from '../netlink/ipvs/types.js';

export interface ProxyConfig {
  /** This node's name (for traffic policy Local and health checks). */
  nodeName: string;
  /**
   * Which addresses NodePorts answer on: 'node' = this node's InternalIPs and ExternalIPs from the
   * NodeView; 'all' = every local address (`localAddresses`); or an explicit list.
   */
  nodePortAddresses: 'node' | 'all' | string[];
  /** Every address configured on this node's interfaces (filled by the shell for 'all'). */
  localAddresses: string[];
  defaultScheduler: IpvsScheduler;
  /** VIPs inside these CIDRs are never programmed, and IPVS services there are never touched. */
  excludedCidrs: string[];
  /** Seconds a removed endpoint keeps weight 0 before it is deleted (unless its connections reach 0 first). */
  gracefulTerminationSeconds: number;
  /** Masquerade every service packet (not only hairpin and NodePort from outside). */
  masqueradeAll: boolean;
  /** The pod CIDRs of the cluster, for "from outside" masquerade decisions. */
  clusterCidrs: string[];
  /** Dummy interface that holds the VIPs. */
  vipInterface: string;
}

export function defaultProxyConfig(nodeName: string): ProxyConfig {
  return {
    nodeName,
    nodePortAddresses: 'node',
    localAddresses: [],
    defaultScheduler: 'rr',
    excludedCidrs: [],
    gracefulTerminationSeconds: 30,
    masqueradeAll: false,
    clusterCidrs: [],
    vipInterface: 'podroute-vip',
  };
}
