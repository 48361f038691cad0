// Pure: the ipsets and iptables chains the service proxy needs next to IPVS.
//   masquerade (nat): hairpin (a pod reaching itself through its own Service), traffic from
//     outside the cluster to NodePorts / externalIPs / LoadBalancer IPs with traffic policy Cluster
//     (so replies come back through this node), or every service packet (masqueradeAll);
//   firewall (filter INPUT): on a VIP, only the Service ports are open; everything else is rejected.
// Rules reference sets only, so a Service or endpoint change edits set members, never rules.

import type { DesiredVirtualServer } from './desired.js';
import type { ProxyConfig } from './config.js';
import { familyOf } from '../netlink/ipvs/address.js';

export type Fam = 4 | 6;
export type SetType = 'hash:ip' | 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:net';

export interface SetSpec {
  name: string;
  type: SetType;
  family: Fam;
  members: string[];
}

export interface FamilyRules {
  sets: SetSpec[];
  /** nat table chains → rule bodies. */
  nat: Map<string, string[]>;
  /** filter table chains → rule bodies. */
  filter: Map<string, string[]>;
}

export interface NetfilterSpec {
  v4: FamilyRules;
  v6: FamilyRules;
}

/** Jumps from built-in chains into ours: [table, builtin chain, our chain]. */
export const HOOKS: readonly [string, string, string][] = [
  ['nat', 'PREROUTING', 'PODROUTE-SVC-MARK'],
  ['nat', 'OUTPUT', 'PODROUTE-SVC-MARK'],
  ['nat', 'POSTROUTING', 'PODROUTE-SVC-POSTRT'],
  ['filter', 'INPUT', 'PODROUTE-SVC-FW'],
];

/** Our masquerade mark bit (kube-proxy uses 0x4000; we stay clear of it). */
export const MASQ_MARK = '0x8000';

const sfx = (f: Fam): string => (f === 4 ? 'v4' : 'v6');
export const setName = (what: 'vip' | 'port' | 'ext' | 'hairpin' | 'cluster', f: Fam): string => `podroute-svc-${what}-${sfx(f)}`;

const proto = (p: string): string => p; // ipset spells them tcp/udp/sctp, as IPVS does
const entryIP = (a: string): string => a; // ipset accepts canonical text for both families

export function computeNetfilter(virtualServers: Iterable<DesiredVirtualServer>, cfg: Pick<ProxyConfig, 'masqueradeAll' | 'clusterCidrs'>): NetfilterSpec {
  const all = [...virtualServers];
  const build = (f: Fam): FamilyRules => {
    const vip = new Set<string>(), port = new Set<string>(), ext = new Set<string>(), hairpin = new Set<string>();
    for (const vs of all) {
      const id = vs.service.id;
      if (id.fwmark !== undefined || id.family !== f) continue;
      const ipPort = `${entryIP(id.address)},${proto(id.protocol)}:${id.port}`;
      port.add(ipPort);
      if (vs.kind !== 'NodePort') vip.add(entryIP(id.address));
      // External traffic with policy Local keeps the client address (no masquerade): its
      // destinations are local by construction. Policy Cluster may forward to another node.
      if (vs.kind !== 'ClusterIP' && !vs.localOnly) ext.add(ipPort);
      for (const dst of vs.dests) hairpin.add(`${entryIP(dst.address)},${proto(id.protocol)}:${dst.port},${entryIP(dst.address)}`);
    }
    const clusterCidrs = cfg.clusterCidrs.filter((c) => familyOf(c.split('/')[0]) === f);
    const sets: SetSpec[] = [
      { name: setName('vip', f), type: 'hash:ip', family: f, members: [...vip].sort() },
      { name: setName('port', f), type: 'hash:ip,port', family: f, members: [...port].sort() },
      { name: setName('ext', f), type: 'hash:ip,port', family: f, members: [...ext].sort() },
      { name: setName('hairpin', f), type: 'hash:ip,port,ip', family: f, members: [...hairpin].sort() },
      { name: setName('cluster', f), type: 'hash:net', family: f, members: [...clusterCidrs].sort() },
    ];
    const mark = `-j MARK --set-xmark ${MASQ_MARK}/${MASQ_MARK}`;
    const markRules = cfg.masqueradeAll
      ? [`-m set --match-set ${setName('port', f)} dst,dst ${mark}`]
      : [clusterCidrs.length
          ? `-m set --match-set ${setName('ext', f)} dst,dst -m set ! --match-set ${setName('cluster', f)} src ${mark}`
          : `-m set --match-set ${setName('ext', f)} dst,dst ${mark}`];
    const nat = new Map<string, string[]>([
      ['PODROUTE-SVC-MARK', markRules],
      ['PODROUTE-SVC-POSTRT', [
        // After IPVS rewrote the destination: a pod talking to itself through its Service.
        `-m set --match-set ${setName('hairpin', f)} dst,dst,src -j MASQUERADE`,
        `-m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
        `-j MARK --xor-mark ${MASQ_MARK}`,
        '-j MASQUERADE',
      ]],
    ]);
    const filter = new Map<string, string[]>([
      ['PODROUTE-SVC-FW', [
        `-m set ! --match-set ${setName('vip', f)} dst -j RETURN`,
        `-m set --match-set ${setName('port', f)} dst,dst -j ACCEPT`,
        // Errors and echo keep working on VIPs (PMTU discovery needs ICMP).
        f === 4 ? '-p icmp -j ACCEPT' : '-p ipv6-icmp -j ACCEPT',
        f === 4 ? '-j REJECT --reject-with icmp-port-unreachable' : '-j REJECT --reject-with icmp6-port-unreachable',
      ]],
    ]);
    return { sets, nat, filter };
  };
  return { v4: build(4), v6: build(6) };
}
