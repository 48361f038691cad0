// Pod networking on the node, as kube-router sets it up: the CNI bridge config over the podCIDR,
// IP forwarding, and SNAT for pod traffic leaving the cluster. Desired state is derived from the
// view each sync; applying is idempotent and only rewrites what changed.
import type { ClusterView } from '../../cluster/view.js';
import type { Logger } from '../../util/log.js';
import type { RoutingDesired } from '../desired.js';
import { cniConflist } from './cni.js';
import { applySnat, enableForwarding, writeCniConfig } from './apply.js';
import { snatPlan } from './snat.js';

export interface PodNetworkOptions {
  log: Logger;
  /** Where the CNI config goes (kubelet's --cni-conf-dir); undefined = do not write one. */
  cniConfDir?: string;
  bridge: string;
  mtu?: number;
  ipamDataDir?: string;
  /** Masquerade pod traffic to destinations outside the cluster CIDRs. */
  snat: boolean;
  /** Extra destinations never NATed (service CIDR, other clusters). */
  extraClusterCIDRs: string[];
  forwarding: boolean;
}

export class PodNetwork {
  private lastSnat?: string;
  private forwardingDone = false;
  constructor(private readonly opts: PodNetworkOptions) {}

  async apply(view: ClusterView, desired: RoutingDesired): Promise<void> {
    const own = desired.originate;
    const families = [...new Set(own.map((c) => (c.includes(':') ? 6 : 4)))] as (4 | 6)[];
    if (this.opts.forwarding && !this.forwardingDone) {
      await enableForwarding(families.length ? families : [4]);
      this.forwardingDone = true;
    }
    if (this.opts.cniConfDir && own.length) {
      await writeCniConfig(this.opts.cniConfDir, cniConflist({ podCIDRs: own, bridge: this.opts.bridge, mtu: this.opts.mtu, ipamDataDir: this.opts.ipamDataDir }), this.opts.log);
    }
    if (this.opts.snat && own.length) {
      const cluster = new Set<string>(this.opts.extraClusterCIDRs);
      for (const n of view.nodes.values()) for (const c of n.podCIDRs) cluster.add(c);
      for (const c of own) cluster.add(c);
      const plan = snatPlan({ localPodCIDRs: own, clusterCIDRs: [...cluster].sort() });
      const key = JSON.stringify(plan);
      if (key !== this.lastSnat) {
        await applySnat(plan, families);
        this.lastSnat = key;
        this.opts.log.info('pod SNAT rules applied', { localPodCIDRs: own, clusterCIDRs: cluster.size });
      }
    }
  }
}
