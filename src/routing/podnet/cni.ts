// The CNI network config podroute writes for the node, as kube-router does: the standard `bridge`
// plugin (pods on one Linux bridge whose address is the pod gateway) with `host-local` IPAM over
// the node's podCIDR(s). The kubelet/containerd picks it up from the CNI config dir. The routes
// between nodes come from BGP, so pod traffic leaves the node un-NATed.
import { isIP } from 'node:net';
import { parsePrefix } from '../../bgp/wire/index.js';

export interface CniOptions {
  podCIDRs: string[];
  bridge: string;
  mtu?: number;
  /** host-local's allocation store; default is /var/lib/cni/networks/<name>. */
  ipamDataDir?: string;
  networkName?: string;
}

export const CNI_VERSION = '0.3.1';
export const CNI_FILE_NAME = '10-podroute.conflist';

export function cniConflist(o: CniOptions): Record<string, unknown> {
  if (o.podCIDRs.length === 0) throw new Error('no podCIDR for this node: cannot write a CNI config');
  for (const c of o.podCIDRs) parsePrefix(c); // throws a clear error on a malformed CIDR
  const name = o.networkName ?? 'podroute';
  return {
    cniVersion: CNI_VERSION,
    name,
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge,
        isDefaultGateway: true,
        hairpinMode: true,
        ...(o.mtu ? { mtu: o.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: o.podCIDRs.map((subnet) => [{ subnet }]),
          ...(o.ipamDataDir ? { dataDir: o.ipamDataDir } : {}),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** The bridge's own address: the first host address of each podCIDR (what host-local gives as gateway). */
export function gatewayAddresses(podCIDRs: string[]): string[] {
  return podCIDRs.map((c) => {
    const p = parsePrefix(c);
    const b = Uint8Array.from(p.bytes);
    b[b.length - 1] += 1;
    if (p.afi === 1) return `${[...b].join('.')}/${p.len}`;
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16));
    const text = words.join(':');
    return `${isIP(text) ? text : text}/${p.len}`;
  });
}
