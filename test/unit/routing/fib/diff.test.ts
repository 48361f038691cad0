// diffFib and next-hop reachability: table-driven, pure.

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { diffFib, sameRoute } from '../../../../src/routing/fib/diff.js';
import { validateFibRoute } from '../../../../src/routing/fib/validate.js';
import { buildConnectedState, resolveNextHops } from '../../../../src/routing/fib/reachability.js';
import type { FibRoute } from '../../../../src/routing/fib/types.js';
import { addressToBytes } from '../../../../src/netlink/route/address.js';
import type { InterfaceAddress } from '../../../../src/netlink/route/addr.js';
import type { Link } from '../../../../src/netlink/route/link.js';

const r = (prefix: string, ...hops: (string | [string, number?, number?])[]): FibRoute => ({
  prefix,
  table: 254,
  nextHops: hops.map((h) => (typeof h === 'string' ? { gateway: h } : { gateway: h[0], ifindex: h[1], weight: h[2] })),
});
const m = (...routes: FibRoute[]) => new Map(routes.map((x) => [x.prefix, x]));
const names = (d: ReturnType<typeof diffFib>) => ({
  adds: d.adds.map((x) => x.prefix),
  replaces: d.replaces.map((x) => x.prefix),
  deletes: d.deletes.map((x) => x.prefix),
});

describe('diffFib', () => {
  const cases: { name: string; desired: FibRoute[]; current: FibRoute[]; want: { adds: string[]; replaces: string[]; deletes: string[] } }[] = [
    { name: 'empty', desired: [], current: [], want: { adds: [], replaces: [], deletes: [] } },
    { name: 'new route is added', desired: [r('10.1.0.0/24', '10.0.0.2')], current: [], want: { adds: ['10.1.0.0/24'], replaces: [], deletes: [] } },
    { name: 'identical route: nothing', desired: [r('10.1.0.0/24', '10.0.0.2')], current: [r('10.1.0.0/24', '10.0.0.2')], want: { adds: [], replaces: [], deletes: [] } },
    { name: 'gateway change is a replace', desired: [r('10.1.0.0/24', '10.0.0.3')], current: [r('10.1.0.0/24', '10.0.0.2')], want: { adds: [], replaces: ['10.1.0.0/24'], deletes: [] } },
    { name: 'route no longer desired is deleted', desired: [], current: [r('10.1.0.0/24', '10.0.0.2')], want: { adds: [], replaces: [], deletes: ['10.1.0.0/24'] } },
    {
      name: 'next-hop order does not matter',
      desired: [r('10.1.0.0/24', '10.0.0.3', '10.0.0.2')],
      current: [r('10.1.0.0/24', ['10.0.0.2', undefined, 1], ['10.0.0.3', undefined, 1])],
      want: { adds: [], replaces: [], deletes: [] },
    },
    {
      name: 'ECMP weight change is a replace',
      desired: [r('10.1.0.0/24', ['10.0.0.2', 3, 1], ['10.0.0.3', 3, 2])],
      current: [r('10.1.0.0/24', ['10.0.0.2', 3, 1], ['10.0.0.3', 3, 1])],
      want: { adds: [], replaces: ['10.1.0.0/24'], deletes: [] },
    },
    {
      name: 'a lone next hop’s weight is ignored (the kernel keeps none)',
      desired: [r('10.1.0.0/24', ['10.0.0.2', 3, 7])],
      current: [r('10.1.0.0/24', ['10.0.0.2', 3])],
      want: { adds: [], replaces: [], deletes: [] },
    },
    {
      name: 'interface compared when the desired route pins it',
      desired: [r('10.1.0.0/24', ['10.0.0.2', 4])],
      current: [r('10.1.0.0/24', ['10.0.0.2', 3])],
      want: { adds: [], replaces: ['10.1.0.0/24'], deletes: [] },
    },
    {
      name: 'interface ignored when the desired route leaves it to the kernel',
      desired: [r('10.1.0.0/24', '10.0.0.2')],
      current: [r('10.1.0.0/24', ['10.0.0.2', 3])],
      want: { adds: [], replaces: [], deletes: [] },
    },
    {
      name: 'duplicate next hops collapse',
      desired: [r('10.1.0.0/24', '10.0.0.2', '10.0.0.2')],
      current: [r('10.1.0.0/24', '10.0.0.2')],
      want: { adds: [], replaces: [], deletes: [] },
    },
    {
      name: 'a route with no next hops counts as absent',
      desired: [r('10.1.0.0/24')],
      current: [r('10.1.0.0/24', '10.0.0.2')],
      want: { adds: [], replaces: [], deletes: ['10.1.0.0/24'] },
    },
    {
      name: 'table change is delete + add',
      desired: [{ ...r('10.1.0.0/24', '10.0.0.2'), table: 100 }],
      current: [r('10.1.0.0/24', '10.0.0.2')],
      want: { adds: ['10.1.0.0/24'], replaces: [], deletes: ['10.1.0.0/24'] },
    },
    {
      name: 'v4 and v6 mixed',
      desired: [r('2001:db8::/64', 'fd00::2'), r('10.2.0.0/24', '10.0.0.2')],
      current: [r('2001:db8::/64', 'fd00::3'), r('10.3.0.0/24', '10.0.0.2')],
      want: { adds: ['10.2.0.0/24'], replaces: ['2001:db8::/64'], deletes: ['10.3.0.0/24'] },
    },
  ];
  test.each(cases)('$name', ({ desired, current, want }) => {
    expect(names(diffFib(m(...desired), m(...current)))).toEqual(want);
  });

  test('applying the diff to current yields desired (property)', () => {
    const route = fc
      .tuple(fc.integer({ min: 0, max: 15 }), fc.subarray(['10.0.0.2', '10.0.0.3', '10.0.0.4'], { minLength: 1 }))
      .map(([i, gws]) => r(`10.9.${i}.0/24`, ...gws));
    fc.assert(
      fc.property(fc.array(route), fc.array(route), (d, c) => {
        const desired = m(...d);
        const current = m(...c);
        const diff = diffFib(desired, current);
        const after = new Map(current);
        for (const x of diff.deletes) after.delete(x.prefix);
        for (const x of [...diff.adds, ...diff.replaces]) after.set(x.prefix, x);
        expect([...after.keys()].sort()).toEqual([...desired.keys()].sort());
        for (const [k, v] of desired) expect(sameRoute(v, after.get(k)!)).toBe(true);
        // and a second diff is empty
        expect(names(diffFib(desired, after))).toEqual({ adds: [], replaces: [], deletes: [] });
      }),
    );
  });
});

describe('next-hop reachability', () => {
  const link = (index: number, name: string, up = true): Link => ({ index, name, flags: up ? 0x10041 : 0, up });
  const addr = (ifindex: number, cidr: string, tentative = false): InterfaceAddress => {
    const [a, len] = cidr.split('/');
    return { family: a.includes(':') ? 10 : 2, ifindex, address: a, prefixLen: Number(len), network: addressToBytes(a), flags: 0, scope: 0, tentative };
  };
  const state = buildConnectedState(
    [link(1, 'lo'), link(3, 'eth0'), link(4, 'eth1', false)],
    [addr(3, '10.0.0.1/24'), addr(3, 'fd00::1/64'), addr(4, '10.9.0.1/24'), addr(3, 'fd01::1/64', true)],
  );
  const cases: { gw: string; ifindex?: number; want: number | RegExp }[] = [
    { gw: '10.0.0.2', want: 3 },
    { gw: 'fd00::2', want: 3 },
    { gw: '10.0.0.2', ifindex: 3, want: 3 },
    { gw: '192.168.1.1', want: /not on a connected subnet/ },
    { gw: '10.9.0.2', want: /eth1 .*is down/ },
    { gw: '10.0.0.2', ifindex: 4, want: /eth1 is down/ },
    { gw: '10.0.0.2', ifindex: 99, want: /does not exist/ },
    { gw: 'fd01::2', want: /not on a connected subnet/ }, // only a tentative address there
    { gw: 'fe80::1', ifindex: 3, want: 3 },
    { gw: 'fe80::1', want: /link-local/ },
    { gw: '10.0.0.1', want: /local address/ },
    { gw: 'not-an-ip', want: /invalid gateway/ },
  ];
  test.each(cases)('$gw (ifindex $ifindex)', ({ gw, ifindex, want }) => {
    const res = resolveNextHops([{ gateway: gw, ifindex }], state);
    if (typeof want === 'number') {
      expect(res.reachable).toEqual([{ gateway: gw, ifindex: want }]);
    } else {
      expect(res.reachable).toEqual([]);
      expect(res.unreachable[0].reason).toMatch(want);
    }
  });
});

describe('validateFibRoute', () => {
  const cases: { name: string; route: FibRoute; want: string | RegExp }[] = [
    { name: 'canonical v4', route: r('10.1.0.0/24', '10.0.0.2'), want: '10.1.0.0/24' },
    { name: 'IPv6 is canonicalised', route: r('2001:DB8:0::/48', 'fd00::2'), want: '2001:db8::/48' },
    { name: 'host bits', route: r('10.1.0.1/24', '10.0.0.2'), want: /invalid prefix.*host bits/ },
    { name: 'bad gateway', route: r('10.1.0.0/24', '10.0.0.256'), want: /invalid gateway/ },
    { name: 'v4 gateway for v6 prefix', route: r('2001:db8::/48', '10.0.0.2'), want: /IPv4 gateway/ },
    { name: 'v6 gateway for v4 prefix is allowed (RFC 5549)', route: r('10.1.0.0/24', 'fe80::1'), want: '10.1.0.0/24' },
    { name: 'weight 0', route: r('10.1.0.0/24', ['10.0.0.2', 3, 0], ['10.0.0.3', 3, 1]), want: /weight 0/ },
    { name: 'weight 257', route: r('10.1.0.0/24', ['10.0.0.2', 3, 257]), want: /outside 1..256/ },
  ];
  test.each(cases)('$name', ({ route, want }) => {
    const v = validateFibRoute(route.prefix, route);
    if (typeof want === 'string') expect(v).toEqual({ ok: true, prefix: want });
    else expect(v.ok ? 'ok' : v.reason).toMatch(want);
  });
});
