// rtnetlink route codec against the real kernel: add/replace/delete for IPv4 and IPv6, ECMP with
// weights read back through `ip -j route`, and our dumps agreeing with iproute2.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { AF_INET, AF_INET6, NETLINK_ROUTE } from '../../../src/netlink/constants.js';
import { NetlinkError } from '../../../src/netlink/errors.js';
import { addRoute, applyRouteOps, deleteRoute, dumpAddrs, dumpLinks, dumpRoutes, replaceRoute } from '../../../src/netlink/route/rtnl.js';
import { openNetlink, type NetlinkSocket } from '../../../src/netlink/socket.js';
import { makeNetns, requireRoot, type TestNetns } from './netns-harness.js';

requireRoot();

const P = 201;
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string | number;
  metric?: number;
  nexthops?: { gateway: string; dev: string; weight: number }[];
}

let ns: TestNetns;
let nl: NetlinkSocket;
beforeAll(() => {
  ns = makeNetns();
  ns.ip(['addr', 'add', '10.0.1.1/24', 'dev', ns.dev]); // a second connected subnet
  nl = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name });
});
afterAll(() => {
  nl?.close();
  ns?.cleanup();
});

function show(family: '-4' | '-6', prefix: string): IpRoute | undefined {
  return ns.ipJson<IpRoute[]>([family, 'route', 'show', prefix, 'table', 'main'])[0];
}

describe('routes in a namespace', () => {
  test('IPv4 add, duplicate refused, replace, delete', async () => {
    await addRoute(nl, { prefix: '192.0.2.0/24', protocol: P, metric: 20, nextHops: [{ gateway: '10.0.0.2' }] });
    expect(show('-4', '192.0.2.0/24')).toMatchObject({ dst: '192.0.2.0/24', gateway: '10.0.0.2', dev: ns.dev, metric: 20 });
    await expect(addRoute(nl, { prefix: '192.0.2.0/24', protocol: P, metric: 20, nextHops: [{ gateway: '10.0.0.2' }] })).rejects.toMatchObject({ code: 'EEXIST' });
    await replaceRoute(nl, { prefix: '192.0.2.0/24', protocol: P, metric: 20, nextHops: [{ gateway: '10.0.1.2' }] });
    expect(show('-4', '192.0.2.0/24')).toMatchObject({ gateway: '10.0.1.2' });
    await deleteRoute(nl, { prefix: '192.0.2.0/24', protocol: P, metric: 20 });
    expect(show('-4', '192.0.2.0/24')).toBeUndefined();
  });

  test('IPv6 add, replace, delete', async () => {
    await addRoute(nl, { prefix: '2001:db8:1::/48', protocol: P, metric: 20, nextHops: [{ gateway: 'fd00::2', ifindex: ns.ifindex }] });
    expect(show('-6', '2001:db8:1::/48')).toMatchObject({ gateway: 'fd00::2', dev: ns.dev, metric: 20 });
    await replaceRoute(nl, { prefix: '2001:db8:1::/48', protocol: P, metric: 20, nextHops: [{ gateway: 'fd00::3', ifindex: ns.ifindex }] });
    expect(show('-6', '2001:db8:1::/48')).toMatchObject({ gateway: 'fd00::3' });
    await deleteRoute(nl, { prefix: '2001:db8:1::/48', protocol: P, metric: 20 });
    expect(show('-6', '2001:db8:1::/48')).toBeUndefined();
  });

  test('ECMP with weights, v4 and v6, read back via ip -j route and our own dump', async () => {
    await addRoute(nl, {
      prefix: '198.51.100.0/24',
      protocol: P,
      metric: 20,
      nextHops: [
        { gateway: '10.0.0.2', ifindex: ns.ifindex, weight: 1 },
        { gateway: '10.0.1.2', ifindex: ns.ifindex, weight: 3 },
      ],
    });
    const v4 = show('-4', '198.51.100.0/24')!;
    expect(v4.nexthops!.map((h) => [h.gateway, h.dev, h.weight])).toEqual([
      ['10.0.0.2', ns.dev, 1],
      ['10.0.1.2', ns.dev, 3],
    ]);
    await addRoute(nl, {
      prefix: '2001:db8:2::/48',
      protocol: P,
      metric: 20,
      nextHops: [
        { gateway: 'fd00::2', ifindex: ns.ifindex, weight: 2 },
        { gateway: 'fd00::3', ifindex: ns.ifindex, weight: 5 },
      ],
    });
    const v6 = show('-6', '2001:db8:2::/48')!;
    expect(v6.nexthops!.map((h) => [h.gateway, h.weight])).toEqual([
      ['fd00::2', 2],
      ['fd00::3', 5],
    ]);
    const ours = await dumpRoutes(nl, AF_INET6, (r) => r.protocol === P);
    expect(ours.map((r) => [r.prefix, r.metric, r.nextHops.map((h) => [h.gateway, h.ifindex, h.weight])])).toEqual([
      ['2001:db8:2::/48', 20, [['fd00::2', ns.ifindex, 2], ['fd00::3', ns.ifindex, 5]]],
    ]);
    const ours4 = await dumpRoutes(nl, AF_INET, (r) => r.protocol === P);
    expect(ours4[0].nextHops.map((h) => h.weight)).toEqual([1, 3]);
    await deleteRoute(nl, { prefix: '198.51.100.0/24', protocol: P, metric: 20 });
    await deleteRoute(nl, { prefix: '2001:db8:2::/48', protocol: P, metric: 20 });
  });

  test('delete matches our protocol only: another protocol’s identical route stays', async () => {
    ns.ip(['route', 'add', '203.0.113.0/24', 'via', '10.0.0.2', 'metric', '20', 'proto', 'static']);
    const err = (await deleteRoute(nl, { prefix: '203.0.113.0/24', protocol: P, metric: 20 }).catch((e: unknown) => e)) as NetlinkError;
    expect(err.code).toBe('ESRCH');
    expect(show('-4', '203.0.113.0/24')).toMatchObject({ protocol: 'static' });
    ns.ip(['route', 'del', '203.0.113.0/24', 'proto', 'static']);
  });

  test('batched ops give per-op results', async () => {
    const r = await applyRouteOps(nl, [
      { op: 'add', route: { prefix: '10.50.0.0/16', protocol: P, metric: 20, nextHops: [{ gateway: '10.0.0.2' }] } },
      { op: 'add', route: { prefix: '10.51.0.0/16', protocol: P, metric: 20, nextHops: [{ gateway: '172.16.0.1' }] } },
      { op: 'replace', route: { prefix: '10.50.0.0/16', protocol: P, metric: 20, nextHops: [{ gateway: '10.0.1.2' }] } },
      { op: 'delete', route: { prefix: '10.52.0.0/16', protocol: P, metric: 20 } },
    ]);
    expect(r.ok).toBe(2);
    expect([...r.errors].map(([i, e]) => [i, e.code])).toEqual([
      [1, 'ENETUNREACH'],
      [3, 'ESRCH'],
    ]);
    expect(show('-4', '10.50.0.0/16')).toMatchObject({ gateway: '10.0.1.2' });
    await deleteRoute(nl, { prefix: '10.50.0.0/16', protocol: P, metric: 20 });
  });

  test('link and address dumps', async () => {
    const links = await dumpLinks(nl);
    const veth = links.find((l) => l.index === ns.ifindex)!;
    expect(veth).toMatchObject({ name: ns.dev, up: true });
    const addrs = await dumpAddrs(nl);
    const mine = addrs.filter((a) => a.ifindex === ns.ifindex).map((a) => `${a.address}/${a.prefixLen}`);
    expect(mine).toEqual(expect.arrayContaining(['10.0.0.1/24', '10.0.1.1/24', 'fd00::1/64']));
  });
});
