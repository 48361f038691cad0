// ADD-PATH send (RFC 7911) from podroute as a route reflector, with real FRR iBGP clients in AS 65000:
//   podroute (route reflector)
//   ├─ FRR client A, FRR client B   both originate P (next hop = themselves); A with ADD-PATH too
//   ├─ FRR client C                 podroute offers ADD-PATH send; FRR offers receive by default
//   ├─ FRR client D                 no ADD-PATH configured for it on our side
//   ├─ FRR client E                 podroute offers send, but E says `disable-addpath-rx`
//   └─ GoBGP client F               add-paths receive = true in its neighbor afi-safi
// C must hold BOTH paths to P from us (next hops A and B, two path ids); D and E only the best.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { Frr } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';

jest.setTimeout(180_000);

const ASN = 65000;
const RR = '10.84.0.1';
const A = '10.84.0.11';
const B = '10.84.0.12';
const C = '10.84.0.13';
const D = '10.84.0.14';
const E = '10.84.0.15';
const F = '10.84.0.16';
const GOBGP_API = 50190;
const P = '198.51.110.0/24';
const PA = '198.51.111.0/24'; // A only

interface FrrPath {
  nexthops?: { ip: string }[];
  peer?: { peerId?: string };
  addpathRxId?: number;
  originatorId?: string;
}

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe('podroute route reflector with ADD-PATH send toward FRR and GoBGP', () => {
  let lab: Lab;
  let speaker: PodrouteSpeaker;
  let nsF: Netns;
  const frr: Record<string, Frr> = {};
  const send = { 'ipv4-unicast': { send: true, receive: false } };

  beforeAll(async () => {
    lab = new Lab();
    const seg = await lab.segment();
    const node = async (label: string, addr: string): Promise<Netns> => {
      const ns = await lab.netns(label);
      await seg.attach(ns);
      await ns.addAddress('eth0', `${addr}/24`);
      return ns;
    };
    const nsRr = await node('rr', RR);
    for (const [name, addr, originate] of [['a', A, [P, PA]], ['b', B, [P]], ['c', C, []], ['d', D, []], ['e', E, []]] as const) {
      frr[name] = await Frr.start(await node(name, addr), {
        asn: ASN, routerId: addr, neighbors: [{ address: RR, asn: ASN }], originate: originate.map((prefix) => ({ prefix })),
      });
    }
    // F: gobgpd with ADD-PATH receive (the harness adapter has no knob for it: our own config).
    nsF = await node('f', F);
    const toml = join(lab.dir, 'gobgpd-addpath.toml');
    writeFileSync(toml, [
      '[global.config]', `  as = ${ASN}`, `  router-id = "${F}"`, '  port = -1',
      '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = "${RR}"`, `    peer-as = ${ASN}`,
      '  [neighbors.timers.config]', '    hold-time = 9', '    keepalive-interval = 3', '    connect-retry = 1',
      '  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', '      afi-safi-name = "ipv4-unicast"',
      '    [neighbors.afi-safis.add-paths.config]', '      receive = true', '',
    ].join('\n'));
    nsF.spawn('gobgpd-addpath', '/usr/bin/gobgpd', ['-f', toml, '-t', 'toml', '--api-hosts', `127.0.0.1:${GOBGP_API}`, '--pprof-disable']);
    // E: no ADD-PATH receive capability (FRR offers receive unless told not to).
    await frr.e.cli('configure terminal', `router bgp ${ASN}`, 'address-family ipv4 unicast', `neighbor ${RR} disable-addpath-rx`);
    const peer = (address: string, extra: object = {}) => ({ address, asn: ASN, holdTime: 9, connectRetryTime: 1, rrClient: true, ...extra });
    // The harness type predates ADD-PATH; the YAML it writes passes every key through.
    const config = {
      asn: ASN, routerId: RR, listen: { address: RR },
      peers: [peer(A, { addPath: send }), peer(B), peer(C, { addPath: send }), peer(D), peer(E, { addPath: send }), peer(F, { addPath: send })],
    } as PodrouteSpeakerConfig;
    speaker = await PodrouteSpeaker.start(nsRr, config);
    try {
      await waitFor('all six sessions Established and both paths to P in', async () => {
        const peers = await speaker.peers();
        if (peers.length !== 6 || !peers.every((p) => p.state === 'Established')) return false;
        return (await speaker.routes(P)).routes.find((r) => r.prefix === P)?.paths.length === 2;
      }, { timeoutMs: 60_000 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-3000)}`);
    }
  });
  afterAll(async () => lab?.dispose());

  const fromRr = async (f: Frr, prefix: string): Promise<FrrPath[]> =>
    ((JSON.parse(await f.cli(`show bgp ipv4 unicast ${prefix} json`)) as { paths?: FrrPath[] }).paths ?? []).filter((p) => p.peer?.peerId === RR);
  const nextHops = (paths: FrrPath[]): string[] => paths.map((p) => p.nexthops?.[0]?.ip ?? '?').sort();

  test('the ADD-PATH client holds both paths from us: next hops A and B, distinct path ids', async () => {
    const paths = await waitFor('two paths to P at C', async () => {
      const ps = await fromRr(frr.c, P);
      return ps.length === 2 ? ps : undefined;
    }, { timeoutMs: 30_000 });
    expect(nextHops(paths)).toEqual([A, B]);
    expect(paths.map((p) => p.originatorId).sort()).toEqual([A, B]);
    const ids = paths.map((p) => p.addpathRxId);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(2);
    // Our Adj-RIB-Out toward C counts paths: two for P, one for PA.
    expect((await speaker.peer(C))?.prefixesAdvertised).toBe(3);
  });

  test('GoBGP with add-paths receive holds both paths from us', async () => {
    interface GobgpPath { attrs?: { type: number; nexthop?: string }[]; 'neighbor-ip'?: string; id?: number }
    const rib = async (): Promise<GobgpPath[]> => {
      const out = (await nsF.exec('/usr/bin/gobgp', ['-p', String(GOBGP_API), '-u', '127.0.0.1', 'global', 'rib', '-a', 'ipv4', '-j'])).stdout.trim();
      return ((out ? JSON.parse(out) : {}) as Record<string, GobgpPath[]>)[P] ?? [];
    };
    const paths = await waitFor('two paths to P at GoBGP', async () => {
      const ps = await rib();
      return ps.length === 2 ? ps : undefined;
    }, { timeoutMs: 30_000 });
    expect(paths.every((p) => p['neighbor-ip'] === RR)).toBe(true);
    expect(paths.map((p) => p.attrs?.find((a) => a.type === 3)?.nexthop).sort()).toEqual([A, B]);
    expect((await speaker.peer(F))?.prefixesAdvertised).toBe(3);
  });

  test('a client without ADD-PATH, and one that cannot receive it, get the best path only', async () => {
    for (const f of [frr.d, frr.e]) {
      const one = await waitFor('P at the client', async () => {
        const ps = await fromRr(f, P);
        return ps.length >= 1 ? ps : undefined;
      }, { timeoutMs: 30_000 });
      expect(one).toHaveLength(1);
    }
    expect((await speaker.peer(D))?.prefixesAdvertised).toBe(2);
    expect((await speaker.peer(E))?.prefixesAdvertised).toBe(2);
  });

  test('split horizon per path: A (ADD-PATH too) gets B\'s path to P, never its own', async () => {
    const atA = await waitFor('B\'s path at A', async () => {
      const ps = await fromRr(frr.a, P);
      return ps.length >= 1 ? ps : undefined;
    }, { timeoutMs: 30_000 });
    expect(nextHops(atA)).toEqual([B]);
    expect((await speaker.peer(A))?.prefixesAdvertised).toBe(1);
  });

  test('a path that goes away is withdrawn by its id; the other path stays at C', async () => {
    const before = await fromRr(frr.c, P);
    const idOfA = before.find((p) => p.nexthops?.[0]?.ip === A)?.addpathRxId;
    const idOfB = before.find((p) => p.nexthops?.[0]?.ip === B)?.addpathRxId;
    await frr.b.withdraw(P);
    const after = await waitFor('B\'s path gone at C', async () => {
      const ps = await fromRr(frr.c, P);
      return ps.length === 1 ? ps : undefined;
    }, { timeoutMs: 30_000 });
    expect(nextHops(after)).toEqual([A]);
    expect(after[0].addpathRxId).toBe(idOfA); // A's path kept its id
    // Back again: both paths, A's id unchanged.
    await frr.b.announce(P);
    const again = await waitFor('two paths again at C', async () => {
      const ps = await fromRr(frr.c, P);
      return ps.length === 2 ? ps : undefined;
    }, { timeoutMs: 30_000 });
    expect(nextHops(again)).toEqual([A, B]);
    expect(again.find((p) => p.nexthops?.[0]?.ip === A)?.addpathRxId).toBe(idOfA);
    expect(idOfB).toBeDefined();
  });
});
