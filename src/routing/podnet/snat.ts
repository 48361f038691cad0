// SNAT for pod traffic that leaves the cluster, never between pods: the Kubernetes network model
// says a pod sees the other pod's real address. Rules live in our own nat chain, written with
// `iptables-restore --noflush` so nothing else in the nat table is touched.
//
//   -A POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING     (jump, added once)
//   :PODROUTE-POSTROUTING                                                      (flushed and rewritten)
//   -A PODROUTE-POSTROUTING -s <podCIDR> -m set --match-set podroute-cluster-v4 dst -j RETURN
//   -A PODROUTE-POSTROUTING -s <podCIDR> -j MASQUERADE
// The ipset holds every node's podCIDR (and extra cluster CIDRs), so pod → any pod is never NATed.

export const SNAT_CHAIN = 'PODROUTE-POSTROUTING';
export const CLUSTER_SET = { 4: 'podroute-cluster-v4', 6: 'podroute-cluster-v6' } as const;

export interface SnatInput {
  /** This node's podCIDRs: sources to masquerade. */
  localPodCIDRs: string[];
  /** Every pod CIDR in the cluster (and service CIDRs): destinations never masqueraded. */
  clusterCIDRs: string[];
}

export interface SnatPlan {
  ipsetRestore: string;
  iptablesRestore: { 4: string; 6: string };
}

const fam = (cidr: string): 4 | 6 => (cidr.includes(':') ? 6 : 4);

export function snatPlan(input: SnatInput): SnatPlan {
  const sets: string[] = [];
  for (const f of [4, 6] as const) {
    const name = CLUSTER_SET[f];
    const tmp = `${name}-tmp`;
    const family = f === 4 ? 'inet' : 'inet6';
    // Build into a temporary set and swap, so the live set is never empty mid-update.
    sets.push(`create ${name} hash:net family ${family} -exist`);
    sets.push(`create ${tmp} hash:net family ${family} -exist`);
    sets.push(`flush ${tmp}`);
    for (const c of input.clusterCIDRs.filter((c) => fam(c) === f)) sets.push(`add ${tmp} ${c} -exist`);
    sets.push(`swap ${tmp} ${name}`);
    sets.push(`destroy ${tmp}`);
  }
  const rules = (f: 4 | 6): string => {
    const lines = ['*nat', `:${SNAT_CHAIN} - [0:0]`];
    for (const c of input.localPodCIDRs.filter((c) => fam(c) === f)) {
      lines.push(`-A ${SNAT_CHAIN} -s ${c} -m set --match-set ${CLUSTER_SET[f]} dst -m comment --comment "podroute: pod to pod, no NAT" -j RETURN`);
      lines.push(`-A ${SNAT_CHAIN} -s ${c} -m comment --comment "podroute: pod to outside the cluster" -j MASQUERADE`);
    }
    lines.push('COMMIT', '');
    return lines.join('\n');
  };
  return { ipsetRestore: sets.join('\n') + '\n', iptablesRestore: { 4: rules(4), 6: rules(6) } };
}
