// The cleanup planner decides "ours" by name and number alone: these tests pin that podroute's
// objects are all selected and look-alikes never are.
import { describe, expect, test } from '@jest/globals';
import { netfilterStep, planCleanup, planIsEmpty, type CleanupOptions, type Inventory } from '../../../src/cleanup/plan.js';
import { formatPlan } from '../../../src/cleanup/format.js';

const opts: CleanupOptions = { protocol: 201, bridge: 'podroute-br', vipInterface: 'podroute-vip', cniConfDir: '/etc/cni/net.d', ipamDir: '/var/lib/cni/networks/podroute', force: false };

function inv(over: Partial<Inventory> = {}): Inventory {
  return { routes: [], links: [], vipAddresses: [], netfilter: [], ipsets: [], ipvs: { available: true, services: [] }, ownedIpvs: [], existingPaths: [], ...over };
}

const NAT = `-P PREROUTING ACCEPT
-P POSTROUTING ACCEPT
-N FOO-POSTROUTING
-N PODROUTE-POSTROUTING
-N PODROUTE-SVC-MARK
-A PREROUTING -j PODROUTE-SVC-MARK
-A POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING
-A POSTROUTING -j FOO-POSTROUTING
-A FOO-POSTROUTING -s 10.0.0.0/8 -j MASQUERADE
-A PODROUTE-POSTROUTING -s 10.244.1.0/24 -m set --match-set podroute-cluster-v4 dst -m comment --comment "podroute: pod to pod, no NAT" -j RETURN
-A PODROUTE-SVC-MARK -j PODROUTE-POSTROUTING
`;

describe('netfilter', () => {
  test('our chains and the jumps into them go in one --noflush commit; foreign chains and rules stay', () => {
    const s = netfilterStep({ backend: 'nft', family: 4, table: 'nat', listing: NAT })!;
    expect(s.chains).toEqual(['PODROUTE-POSTROUTING', 'PODROUTE-SVC-MARK']);
    expect(s.jumps).toEqual(['-A PREROUTING -j PODROUTE-SVC-MARK', '-A POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING']);
    expect(s.restore).toBe(
      ['*nat', '-D PREROUTING -j PODROUTE-SVC-MARK', '-D POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING',
        ':PODROUTE-POSTROUTING - [0:0]', ':PODROUTE-SVC-MARK - [0:0]', '-X PODROUTE-POSTROUTING', '-X PODROUTE-SVC-MARK', 'COMMIT', ''].join('\n'),
    );
    expect(s.restore).not.toContain('FOO');
    expect(s.restore).not.toContain('MASQUERADE');
  });

  test('a goto into our chain from a foreign chain is removed too (else -X would fail)', () => {
    const s = netfilterStep({ backend: 'legacy', family: 6, table: 'filter', listing: '-N PODROUTE-FW\n-N OTHER\n-A OTHER -g PODROUTE-FW\n' })!;
    expect(s.jumps).toEqual(['-A OTHER -g PODROUTE-FW']);
  });

  test('a chain merely sharing a prefix without the hyphen, or a target name inside a comment, is not ours', () => {
    const listing = '-N PODROUTEX\n-N KUBE-FW\n-A KUBE-FW -m comment --comment "-j PODROUTE-FW is elsewhere" -j ACCEPT\n';
    expect(netfilterStep({ backend: 'nft', family: 4, table: 'filter', listing })).toBeUndefined();
  });

  test('both backends and both families are planned separately; an unlistable one becomes a note', () => {
    const p = planCleanup(inv({
      netfilter: [
        { backend: 'nft', family: 4, table: 'nat', listing: NAT },
        { backend: 'legacy', family: 4, table: 'filter', listing: '-N PODROUTE-FW\n-A FORWARD -j PODROUTE-FW\n' },
        { backend: 'legacy', family: 6, table: 'nat', error: 'ip6tables-legacy: command not found' },
      ],
    }), opts);
    expect(p.netfilter.map((s) => `${s.backend}/${s.family}/${s.table}`)).toEqual(['nft/4/nat', 'legacy/4/filter']);
    expect(p.notes.join()).toContain('legacy IPv6');
  });
});

describe('routes', () => {
  test('only our protocol, in every table; duplicates collapse', () => {
    const r = (prefix: string, protocol: number, table = 254, metric = 0) => ({ prefix, family: prefix.includes(':') ? 10 : 2, table, protocol, metric });
    const p = planCleanup(inv({ routes: [r('10.244.2.0/24', 201), r('10.244.2.0/24', 186), r('10.244.2.0/24', 4), r('fd00:2::/64', 201, 254, 1024), r('10.9.0.0/16', 201, 100), r('10.244.2.0/24', 201)] }), opts);
    expect(p.routes.map((x) => `${x.prefix}@${x.table}/${x.protocol}`)).toEqual(['10.244.2.0/24@254/201', 'fd00:2::/64@254/201', '10.9.0.0/16@100/201']);
  });

  test('--route-protocol changes which routes are ours', () => {
    const p = planCleanup(inv({ routes: [{ prefix: '10.0.0.0/24', family: 2, table: 254, protocol: 201, metric: 0 }, { prefix: '10.0.1.0/24', family: 2, table: 254, protocol: 99, metric: 0 }] }), { ...opts, protocol: 99 });
    expect(p.routes.map((x) => x.prefix)).toEqual(['10.0.1.0/24']);
  });
});

describe('ipsets', () => {
  test('"podroute-" with its hyphen; podrouter-x, kube sets and bare "podroute" stay', () => {
    const p = planCleanup(inv({ ipsets: ['podroute-cluster-v4', 'podroute-cluster-v4-tmp', 'podrouter-x', 'podroute', 'KUBE-CLUSTER-IP', 'podroute-svc-vip-v6'] }), opts);
    expect(p.ipsets).toEqual(['podroute-cluster-v4', 'podroute-cluster-v4-tmp', 'podroute-svc-vip-v6']);
  });

  test('ipset missing: a note, nothing planned', () => {
    const p = planCleanup(inv({ ipsets: undefined }), opts);
    expect(p.ipsets).toEqual([]);
    expect(p.notes.join()).toContain('ipset not available');
  });
});

describe('links and files', () => {
  const links = [{ name: 'podroute-br', kind: 'bridge' }, { name: 'podroute-vip', kind: 'dummy' }, { name: 'cni0', kind: 'bridge' }, { name: 'eth0' }];
  const paths = ['/etc/cni/net.d/10-podroute.conflist', '/var/lib/cni/networks/podroute'];

  test('no pod attached: bridge, VIP dummy, CNI config and IPAM store go; another bridge stays', () => {
    const p = planCleanup(inv({ links, existingPaths: paths }), opts);
    expect(p.links.sort()).toEqual(['podroute-br', 'podroute-vip']);
    expect(p.files).toEqual(['/etc/cni/net.d/10-podroute.conflist']);
    expect(p.dirs).toEqual(['/var/lib/cni/networks/podroute']);
    expect(p.kept).toEqual([]);
  });

  test('a pod attached keeps the bridge, the CNI config and the IPAM store, and says why', () => {
    const p = planCleanup(inv({ links: [...links, { name: 'veth1234', kind: 'veth', master: 'podroute-br' }], existingPaths: paths }), opts);
    expect(p.links).toEqual(['podroute-vip']);
    expect(p.files).toEqual([]);
    expect(p.dirs).toEqual([]);
    expect(p.kept.map((k) => k.what)).toEqual(['bridge podroute-br', ...paths]);
    expect(p.kept[0].reason).toContain('veth1234');
  });

  test('--force removes them anyway', () => {
    const p = planCleanup(inv({ links: [...links, { name: 'veth1234', kind: 'veth', master: 'podroute-br' }], existingPaths: paths }), { ...opts, force: true });
    expect(p.links.sort()).toEqual(['podroute-br', 'podroute-vip']);
    expect(p.files).toHaveLength(1);
  });

  test('a device with our name but the wrong kind is left alone', () => {
    const p = planCleanup(inv({ links: [{ name: 'podroute-br', kind: 'dummy' }, { name: 'podroute-vip', kind: 'bridge' }] }), opts);
    expect(p.links).toEqual([]);
    expect(p.kept).toHaveLength(2);
  });

  test('no CNI dir configured: no file is considered', () => {
    const p = planCleanup(inv({ existingPaths: paths }), { ...opts, cniConfDir: undefined, ipamDir: undefined });
    expect(p.files).toEqual([]);
    expect(p.dirs).toEqual([]);
  });
});

describe('IPVS', () => {
  const svc = (address: string, port = 80) => ({ family: (address.includes(':') ? 6 : 4) as 4 | 6, protocol: 'tcp' as const, address, port });

  test('services on our VIP interface or in the ownership file; others stay', () => {
    const p = planCleanup(inv({
      vipAddresses: ['10.96.0.10', 'fd00:96::a'],
      ipvs: { available: true, services: [svc('10.96.0.10'), svc('fd00:96:0::a', 53), svc('192.168.1.5', 30080), svc('192.168.1.5', 31000), { family: 4, fwmark: 7 }] },
      ownedIpvs: ['tcp/192.168.1.5/30080'],
    }), opts);
    expect(p.ipvs.map((s) => s.key)).toEqual(['tcp/10.96.0.10/80', 'tcp/[fd00:96::a]/53', 'tcp/192.168.1.5/30080']);
  });

  test('IPVS not available is reported, not an error', () => {
    const p = planCleanup(inv({ ipvs: { available: false, reason: 'generic netlink family "IPVS" not found' } }), opts);
    expect(p.ipvs).toEqual([]);
    expect(p.notes[0]).toMatch(/^IPVS not available \(generic netlink family "IPVS" not found\)/);
  });
});

test('an empty node plans nothing and says so', () => {
  const p = planCleanup(inv({ links: [{ name: 'eth0' }], ipsets: ['KUBE-X'], netfilter: [{ backend: 'nft', family: 4, table: 'nat', listing: '-P POSTROUTING ACCEPT\n' }] }), opts);
  expect(planIsEmpty(p)).toBe(true);
  expect(formatPlan(p)).toBe("nothing of podroute's found\n");
});

test('the printed plan names every object and the reasons for what is kept', () => {
  const p = planCleanup(inv({
    routes: [{ prefix: '10.244.2.0/24', family: 2, table: 254, protocol: 201, metric: 0 }],
    ipsets: ['podroute-cluster-v4'],
    links: [{ name: 'podroute-br', kind: 'bridge' }, { name: 'v1', master: 'podroute-br' }],
    netfilter: [{ backend: 'nft', family: 4, table: 'nat', listing: NAT }],
    ipvs: { available: false, reason: 'no IPVS' },
  }), opts);
  const text = formatPlan(p, 'would remove');
  expect(text).toContain('would remove 10.244.2.0/24 table 254 proto 201');
  expect(text).toContain('would remove chain PODROUTE-POSTROUTING');
  expect(text).toContain('would remove rule -A POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING');
  expect(text).toContain('would remove podroute-cluster-v4');
  expect(text).toContain('kept bridge podroute-br: 1 port(s) attached');
  expect(text).toContain('note: IPVS not available (no IPVS)');
});
