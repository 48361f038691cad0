// One scenario run against any pair of real daemons: two fresh namespaces on a veth link, an IPv4
// session (and an IPv6 session carrying IPv6 routes as MP-BGP), routes originated from config with
// communities, runtime announce + withdraw in the other direction, and a restart.
import { expect } from '@jest/globals';
import { Lab, waitFor } from '../../harness/netns.js';
import { startDaemon, type BgpDaemon, type DaemonConfig, type DaemonKind, type Route } from '../../harness/peers/index.js';

export interface PairOptions { a: DaemonKind; b: DaemonKind; asA: number; asB: number; ipv6: boolean }

const A4 = '10.0.0.1';
const B4 = '10.0.0.2';
const A6 = 'fd00::1';
const B6 = 'fd00::2';

function config(asn: number, routerId: string, me4: string, peer4: string, me6: string, peer6: string, peerAs: number, ipv6: boolean): DaemonConfig {
  const neighbors = [{ address: peer4, asn: peerAs, localAddress: me4 }];
  if (ipv6) neighbors.push({ address: peer6, asn: peerAs, localAddress: me6 });
  return { asn, routerId, neighbors };
}

async function established(d: BgpDaemon, addr: string): Promise<void> {
  await waitFor(`${d.kind} session to ${addr} Established`, async () => (await d.neighborState(addr)) === 'established', { timeoutMs: 60_000, intervalMs: 250 })
    .catch((e: Error) => { throw new Error(`${e.message}\n${d.kind} logs:\n${d.logs().slice(-3000)}`); });
}

async function route(d: BgpDaemon, prefix: string): Promise<Route> {
  return waitFor(`${prefix} in ${d.kind}'s RIB`, async () => (await d.routes()).find((r) => r.prefix === prefix), { timeoutMs: 30_000, intervalMs: 250 })
    .catch((e: Error) => { throw new Error(`${e.message}\n${d.kind} logs:\n${d.logs().slice(-3000)}`); });
}

export async function runPair(o: PairOptions): Promise<void> {
  const lab = new Lab();
  try {
    const [nsA, nsB] = await lab.pair(A4, B4, A6, B6);
    const cfgA = config(o.asA, '1.1.1.1', A4, B4, A6, B6, o.asB, o.ipv6);
    cfgA.originate = [{ prefix: '10.1.0.0/24', communities: ['65000:100'], largeCommunities: ['4200000001:7:8'] }];
    if (o.ipv6) cfgA.originate.push({ prefix: 'fd01::/64', communities: ['65000:106'] });
    const cfgB = config(o.asB, '2.2.2.2', B4, A4, B6, A6, o.asA, o.ipv6);
    const [a, b] = await Promise.all([startDaemon(o.a, nsA, cfgA), startDaemon(o.b, nsB, cfgB)]);
    const ebgp = o.asA !== o.asB;

    await Promise.all([established(a, B4), established(b, A4)]);
    if (o.ipv6) await Promise.all([established(a, B6), established(b, A6)]);

    // A's configured routes reach B with their attributes.
    const r4 = await route(b, '10.1.0.0/24');
    expect(r4.nextHop).toBe(A4);
    expect(r4.asPath).toEqual(ebgp ? [o.asA] : []);
    expect(r4.origin).toBe('igp');
    expect(r4.communities).toContain('65000:100');
    expect(r4.largeCommunities).toContain('4200000001:7:8');
    if (o.ipv6) {
      const r6 = await route(b, 'fd01::/64');
      expect(r6.nextHop).toBe(A6);
      expect(r6.communities).toContain('65000:106');
      expect((await b.routes('ipv4')).some((r) => r.prefix.includes(':'))).toBe(false);
    }

    // B announces at runtime, A sees it; B withdraws, A forgets it.
    await b.announce('10.2.0.0/24', { communities: ['65000:200'] });
    const back = await route(a, '10.2.0.0/24');
    expect(back.asPath).toEqual(ebgp ? [o.asB] : []);
    expect(back.communities).toContain('65000:200');
    if (o.ipv6) await b.announce('fd02::/64');
    if (o.ipv6) expect((await route(a, 'fd02::/64')).nextHop).toBe(B6);
    await b.withdraw('10.2.0.0/24');
    await waitFor('10.2.0.0/24 withdrawn from A', async () => !(await a.routes('ipv4')).some((r) => r.prefix === '10.2.0.0/24'), { timeoutMs: 30_000 });

    // A restarts: the session comes back and A's routes are relearned by B.
    await a.restart();
    await Promise.all([established(a, B4), established(b, A4)]);
    await route(b, '10.1.0.0/24');
  } finally {
    await lab.dispose();
  }
}
