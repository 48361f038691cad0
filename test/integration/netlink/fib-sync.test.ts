// FibSync against the real kernel in namespaces this test creates.

import { afterEach, describe, expect, test } from '@jest/globals';
import { NETLINK_ROUTE } from '../../../src/netlink/constants.js';
import { openNetlink, type NetlinkSocket } from '../../../src/netlink/socket.js';
import { FibSync, openFibSync, type FibLog } from '../../../src/routing/fib/fib-sync.js';
import type { FibRoute } from '../../../src/routing/fib/types.js';
import { makeNetns, requireRoot, type TestNetns } from './netns-harness.js';

requireRoot();

interface IpRoute {
  dst: string;
  gateway?: string;
  protocol?: string | number;
  metric?: number;
  nexthops?: { gateway: string; weight: number }[];
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(opts: { rcvbufMonitor?: number } = {}): { ns: TestNetns; nl: NetlinkSocket; mon: NetlinkSocket; logs: string[]; log: FibLog } {
  const ns = makeNetns();
  cleanups.push(() => ns.cleanup());
  const nl = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name });
  const mon = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name, rcvbuf: opts.rcvbufMonitor });
  cleanups.push(() => {
    nl.close();
    mon.close();
  });
  const logs: string[] = [];
  return { ns, nl, mon, logs, log: (level, msg, fields) => logs.push(`${level} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`) };
}

function fib(s: ReturnType<typeof setup>, extra: Partial<ConstructorParameters<typeof FibSync>[0]> = {}): FibSync {
  const f = new FibSync({ nl: s.nl, monitor: s.mon, log: s.log, deferralMs: 0, resyncIntervalMs: 0, eventDebounceMs: 10, ...extra });
  cleanups.push(() => f.close());
  return f;
}

const routes = (...rs: FibRoute[]) => new Map(rs.map((r) => [r.prefix, r]));
const ours = (ns: TestNetns, fam: '-4' | '-6' = '-4') => ns.ipJson<IpRoute[]>([fam, 'route', 'show', 'proto', '201']);

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('FibSync', () => {
  test('installs, replaces and deletes v4, v6 and weighted ECMP routes', async () => {
    const s = setup();
    s.ns.ip(['addr', 'add', '10.0.1.1/24', 'dev', s.ns.dev]);
    const f = fib(s);
    await f.start();
    f.setDesired(
      routes(
        { prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
        { prefix: '10.244.2.0/24', nextHops: [{ gateway: '10.0.0.2', weight: 1 }, { gateway: '10.0.1.2', weight: 3 }] },
        { prefix: '2001:db8:1::/64', nextHops: [{ gateway: 'fd00::2' }] },
        { prefix: '2001:db8:2::/64', nextHops: [{ gateway: 'fd00::2', weight: 2 }, { gateway: 'fd00::3', weight: 1 }] },
      ),
    );
    await f.idle();
    expect(f.status()).toMatchObject({ installed: 4, pending: 0, errors: 0, skipped: [] });
    const v4 = ours(s.ns);
    expect(v4.find((r) => r.dst === '10.244.1.0/24')).toMatchObject({ gateway: '10.0.0.2', metric: 20 });
    expect(v4.find((r) => r.dst === '10.244.2.0/24')!.nexthops!.map((h) => [h.gateway, h.weight])).toEqual([
      ['10.0.0.2', 1],
      ['10.0.1.2', 3],
    ]);
    const v6 = ours(s.ns, '-6');
    expect(v6.find((r) => r.dst === '2001:db8:2::/64')!.nexthops!.map((h) => [h.gateway, h.weight])).toEqual([
      ['fd00::2', 2],
      ['fd00::3', 1],
    ]);
    // replace one, drop two
    f.update(
      new Map<string, FibRoute | null>([
        ['10.244.1.0/24', { prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.1.2' }] }],
        ['10.244.2.0/24', null],
        ['2001:db8:2::/64', null],
      ]),
    );
    await f.idle();
    expect(ours(s.ns).map((r) => [r.dst, r.gateway])).toEqual([['10.244.1.0/24', '10.0.1.2']]);
    expect(ours(s.ns, '-6').map((r) => r.dst)).toEqual(['2001:db8:1::/64']);
    expect(f.status().installed).toBe(2);
    // a second pass changes nothing
    await f.resync();
    expect(s.logs.filter((l) => l.includes('applied'))).toHaveLength(2);
  });

  test('other protocols: other prefixes survive a full reconcile; same prefix at our metric is skipped, at another metric ours goes alongside', async () => {
    const s = setup();
    s.ns.ip(['route', 'add', '192.0.2.0/24', 'via', '10.0.0.2', 'proto', 'static']);
    s.ns.ip(['route', 'add', '198.51.100.0/24', 'via', '10.0.0.2', 'proto', 'bird', 'metric', '20']);
    s.ns.ip(['route', 'add', '203.0.113.0/24', 'via', '10.0.0.2', 'proto', 'bird', 'metric', '100']);
    const f = fib(s);
    await f.start();
    f.setDesired(
      routes(
        { prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
        { prefix: '203.0.113.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
      ),
    );
    await f.idle();
    await f.resync();
    const all = s.ns.ipJson<IpRoute[]>(['-4', 'route', 'show']);
    const got = all.map((r) => `${r.dst} ${r.protocol} ${r.metric ?? 0}`).sort();
    expect(got).toEqual(
      ['10.0.0.0/24 kernel 0', '192.0.2.0/24 static 0', '198.51.100.0/24 bird 20', '203.0.113.0/24 201 20', '203.0.113.0/24 bird 100'].sort(),
    );
    expect(f.status().skipped).toEqual([{ prefix: '198.51.100.0/24', reason: expect.stringMatching(/protocol 12 already has 198.51.100.0\/24 at metric 20/) }]);
    f.setDesired(new Map());
    await f.idle();
    const after = s.ns.ipJson<IpRoute[]>(['-4', 'route', 'show']).map((r) => `${r.dst} ${r.protocol}`).sort();
    expect(after).toEqual(['10.0.0.0/24 kernel', '192.0.2.0/24 static', '198.51.100.0/24 bird', '203.0.113.0/24 bird'].sort());
  });

  test('malformed desired routes are skipped with a reason and do not block the others', async () => {
    const s = setup();
    const f = fib(s);
    await f.start();
    f.setDesired(
      routes(
        { prefix: '10.244.1.1/24', nextHops: [{ gateway: '10.0.0.2' }] },
        { prefix: '10.244.2.0/24', nextHops: [{ gateway: '10.0.0.2', weight: 0 }, { gateway: '10.0.0.3' }] },
        { prefix: '2001:DB8:5::/64', nextHops: [{ gateway: 'fd00::2', weight: 2 }, { gateway: 'fd00::3', weight: 1 }] },
        { prefix: '10.244.3.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
      ),
    );
    await f.idle();
    expect(f.status().skipped.map((x) => x.prefix).sort()).toEqual(['10.244.1.1/24', '10.244.2.0/24']);
    expect(ours(s.ns).map((r) => r.dst)).toEqual(['10.244.3.0/24']);
    // the non-canonical IPv6 key is installed under its canonical text and stays stable
    expect(ours(s.ns, '-6').map((r) => r.dst)).toEqual(['2001:db8:5::/64']);
    // IPv6 ECMP weights replaced in place
    f.update(new Map([['2001:DB8:5::/64', { prefix: '2001:DB8:5::/64', nextHops: [{ gateway: 'fd00::2', weight: 1 }, { gateway: 'fd00::3', weight: 4 }] }]]));
    await f.idle();
    expect(ours(s.ns, '-6')[0].nexthops!.map((h) => [h.gateway, h.weight])).toEqual([
      ['fd00::2', 1],
      ['fd00::3', 4],
    ]);
    await f.resync();
    expect(f.status()).toMatchObject({ installed: 2, pending: 0, errors: 0 });
  });

  test('unreachable next hop is skipped with a reason, then installed once the address appears', async () => {
    const s = setup();
    const f = fib(s);
    await f.start();
    f.setDesired(routes({ prefix: '10.244.9.0/24', nextHops: [{ gateway: '172.20.0.2' }] }));
    await f.idle();
    expect(f.status().skipped).toEqual([{ prefix: '10.244.9.0/24', reason: expect.stringContaining('not on a connected subnet') }]);
    expect(s.logs.some((l) => l.startsWith('warn fib: skipping 10.244.9.0/24'))).toBe(true);
    expect(ours(s.ns)).toEqual([]);
    s.ns.ip(['addr', 'add', '172.20.0.1/24', 'dev', s.ns.dev]); // the monitor sees RTM_NEWADDR
    await until(() => ours(s.ns).length === 1);
    expect(ours(s.ns)[0]).toMatchObject({ dst: '10.244.9.0/24', gateway: '172.20.0.2' });
    await f.idle();
    expect(f.status().skipped).toEqual([]);
  });

  test('adopts our routes on start, keeps stale ones through the deferral, then removes them', async () => {
    const s = setup();
    for (const p of ['10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24']) s.ns.ip(['route', 'add', p, 'via', '10.0.0.2', 'proto', '201', 'metric', '20']);
    const f = fib(s, { deferralMs: 400 });
    f.setDesired(routes({ prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] }, { prefix: '10.244.4.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.start();
    expect(s.logs.some((l) => l.includes('adopted 3 routes'))).toBe(true);
    expect(ours(s.ns).map((r) => r.dst).sort()).toEqual(['10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24', '10.244.4.0/24']);
    expect(f.status()).toMatchObject({ deferring: true, installed: 4, pending: 2 });
    await until(() => ours(s.ns).length === 2);
    await f.idle();
    expect(ours(s.ns).map((r) => r.dst).sort()).toEqual(['10.244.1.0/24', '10.244.4.0/24']);
    expect(f.status()).toMatchObject({ deferring: false, installed: 2, pending: 0 });
  });

  test('drift (our route deleted or changed behind our back) is repaired by resync', async () => {
    const s = setup();
    const f = fib(s);
    await f.start();
    f.setDesired(routes({ prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] }, { prefix: '10.244.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.idle();
    s.ns.ip(['route', 'del', '10.244.1.0/24', 'proto', '201']);
    s.ns.ip(['route', 'replace', '10.244.2.0/24', 'via', '10.0.0.3', 'proto', '201', 'metric', '20']);
    await f.resync();
    expect(ours(s.ns).map((r) => [r.dst, r.gateway])).toEqual([
      ['10.244.1.0/24', '10.0.0.2'],
      ['10.244.2.0/24', '10.0.0.2'],
    ]);
  });

  test('a lagging link/address subscriber (ENOBUFS) triggers a re-dump, never a crash', async () => {
    const s = setup({ rcvbufMonitor: 4096 });
    const f = fib(s);
    await f.start();
    f.setDesired(routes({ prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.idle();
    const before = f.status().resyncs;
    // 600 address events while our event loop is blocked: the 4 KiB monitor buffer overflows.
    const lines = Array.from({ length: 600 }, (_, i) => `addr add 10.77.${i >> 8}.${i & 255}/32 dev ${s.ns.dev}`).join('\n');
    s.ns.ip(['-batch', '-'], lines);
    await until(() => f.status().resyncs > before);
    await f.idle();
    expect(s.logs.some((l) => l.includes('replies lost'))).toBe(true);
    expect(ours(s.ns).map((r) => r.dst)).toEqual(['10.244.1.0/24']);
  });

  test('openFibSync owns its sockets in a namespace', async () => {
    const ns = makeNetns();
    cleanups.push(() => ns.cleanup());
    const f = openFibSync({ netns: ns.name, deferralMs: 0, resyncIntervalMs: 0 });
    await f.start();
    f.setDesired(routes({ prefix: '10.244.7.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.idle();
    expect(ours(ns).map((r) => r.dst)).toEqual(['10.244.7.0/24']);
    await f.close();
    expect(ours(ns).map((r) => r.dst)).toEqual(['10.244.7.0/24']); // kept for the next start to adopt
  });

  test('watchRoutes: our route removed or overwritten by someone else is repaired without waiting for a resync', async () => {
    const ns = makeNetns();
    cleanups.push(() => ns.cleanup());
    const logs: string[] = [];
    const f = openFibSync({ netns: ns.name, deferralMs: 0, resyncIntervalMs: 0, eventDebounceMs: 10, watchRoutes: true, log: (_l, m) => logs.push(m) });
    cleanups.push(() => f.close());
    await f.start();
    f.setDesired(routes({ prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] }, { prefix: '10.244.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.idle();
    const resyncs = f.status().resyncs;
    expect(logs.some((l) => l.includes('by someone else'))).toBe(false); // our own changes are not "someone else"
    ns.ip(['route', 'del', '10.244.1.0/24', 'proto', '201']);
    ns.ip(['route', 'replace', '10.244.2.0/24', 'via', '10.0.0.3', 'proto', '201', 'metric', '20']);
    await until(() => ours(ns).map((r) => `${r.dst} ${r.gateway}`).join(',') === '10.244.1.0/24 10.0.0.2,10.244.2.0/24 10.0.0.2');
    expect(f.status().resyncs).toBeGreaterThan(resyncs);
    expect(logs.some((l) => l.includes('removal of 10.244.1.0/24 (protocol 201) by someone else'))).toBe(true);
  });

  test('a socket closed under it stops the sync quietly instead of retrying forever', async () => {
    const s = setup();
    const f = fib(s);
    await f.start();
    s.nl.close();
    f.setDesired(routes({ prefix: '10.244.1.0/24', nextHops: [{ gateway: '10.0.0.2' }] }));
    await f.idle();
    const n = s.logs.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(s.logs.length).toBe(n);
    expect(s.logs.some((l) => l.includes('FIB sync stopped'))).toBe(true);
    await f.close();
  });

  test('100,000 routes installed and verified, then removed on close({ removeRoutes })', async () => {
    const s = setup();
    const f = fib(s);
    await f.start();
    const want = new Map<string, FibRoute>();
    for (let i = 0; i < 100_000; i++) {
      const p = `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
      want.set(p, { prefix: p, nextHops: [{ gateway: '10.0.0.2' }] });
    }
    const t0 = Date.now();
    f.setDesired(want);
    await f.idle();
    const ms = Date.now() - t0;
    expect(f.status()).toMatchObject({ installed: 100_000, pending: 0, errors: 0 });
    const count = s.ns.ip(['-4', 'route', 'show', 'proto', '201']).trim().split('\n').length;
    expect(count).toBe(100_000);
    process.stdout.write(`FibSync: 100k routes reconciled in ${ms} ms\n`);
    if (process.env.FIB_DEBUG) process.stdout.write(s.logs.join("\n") + "\n");
    await f.close({ removeRoutes: true });
    expect(s.ns.ip(['-4', 'route', 'show', 'proto', '201']).trim()).toBe('');
  }, 60_000);
});
