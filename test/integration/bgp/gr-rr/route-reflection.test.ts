// Route reflection (RFC 4456) with real iBGP peers on one L2 segment, all in AS 65000:
//   podroute (route reflector, clusterId set)
//   ├─ FRR client A, FRR client B       (rrClient: true)
//   ├─ FRR non-client C
//   └─ BIRD non-client D (also sends routes whose CLUSTER_LIST already holds our cluster id)
// Client routes go to the other client and to the non-clients with ORIGINATOR_ID = the client's
// router id, CLUSTER_LIST = [our cluster id] and the next hop unchanged; a non-client's routes go
// to clients only, never to the other non-client and never back; a route carrying our cluster id
// in its CLUSTER_LIST is a loop and is rejected.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { Bird, Frr } from '../../../harness/peers/index.js';
import { PodrouteSpeaker } from '../../../harness/podroute.js';

jest.setTimeout(180_000);

const ASN = 65000;
const RR = '10.79.0.1';
const A = '10.79.0.11';
const B = '10.79.0.12';
const C = '10.79.0.13';
const D = '10.79.0.14';
const CLUSTER = '10.255.255.1';
const PA = '198.51.100.0/24';
const PB = '198.51.101.0/24';
const PC = '198.51.102.0/24';
const PD = '198.51.103.0/24';
const P_LOOP = '198.51.104.0/24'; // from D with CLUSTER_LIST [CLUSTER]: a loop for us
const P_OTHER = '198.51.105.0/24'; // from D with CLUSTER_LIST [another cluster]: fine

interface FrrPath {
  originatorId?: string;
  clusterList?: { list?: string[] };
  nexthops?: { ip: string }[];
  peer?: { peerId?: string; routerId?: string };
}

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe('podroute as route reflector for FRR clients', () => {
  let lab: Lab;
  let speaker: PodrouteSpeaker;
  const frr: Record<string, Frr> = {};
  let bird: Bird;

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
    for (const [name, addr, prefix] of [['a', A, PA], ['b', B, PB], ['c', C, PC]] as const) {
      frr[name] = await Frr.start(await node(name, addr), {
        asn: ASN, routerId: addr, neighbors: [{ address: RR, asn: ASN }], originate: [{ prefix }],
      });
    }
    bird = await Bird.start(await node('d', D), {
      asn: ASN, routerId: D, neighbors: [{ address: RR, asn: ASN }],
      originate: [{ prefix: PD }, { prefix: P_LOOP, clusterList: [CLUSTER] }, { prefix: P_OTHER, clusterList: ['10.255.255.99'] }],
    });
    speaker = await PodrouteSpeaker.start(nsRr, {
      asn: ASN, routerId: RR, clusterId: CLUSTER, listen: { address: RR },
      peers: [
        { address: A, asn: ASN, holdTime: 9, connectRetryTime: 1, rrClient: true },
        { address: B, asn: ASN, holdTime: 9, connectRetryTime: 1, rrClient: true },
        { address: C, asn: ASN, holdTime: 9, connectRetryTime: 1 },
        { address: D, asn: ASN, holdTime: 9, connectRetryTime: 1 },
      ],
    });
    try {
      await waitFor('all four sessions Established and every peer\'s routes in', async () => {
        const peers = await speaker.peers();
        if (peers.length !== 4 || !peers.every((p) => p.state === 'Established')) return false;
        for (const p of [PA, PB, PC, PD, P_OTHER]) if ((await speaker.routes(p)).routes.length !== 1) return false;
        return true;
      }, { timeoutMs: 60_000 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-3000)}\n--- bird ---\n${bird.logs().slice(-2000)}`);
    }
  });
  afterAll(async () => lab?.dispose());

  const frrPaths = async (f: Frr, prefix: string): Promise<FrrPath[]> =>
    ((JSON.parse(await f.cli(`show bgp ipv4 unicast ${prefix} json`)) as { paths?: FrrPath[] }).paths ?? []);
  const frrHas = async (f: Frr, prefix: string): Promise<boolean> => (await frrPaths(f, prefix)).some((p) => p.peer?.peerId === RR);
  const waitReflected = (f: Frr, prefix: string): Promise<FrrPath> => waitFor(`${prefix} reflected`, async () =>
    (await frrPaths(f, prefix)).find((p) => p.peer?.peerId === RR), { timeoutMs: 30_000 });

  test('each client gets the other client\'s prefix with ORIGINATOR_ID, our CLUSTER_LIST and the next hop unchanged', async () => {
    const atA = await waitReflected(frr.a, PB);
    expect(atA.originatorId).toBe(B);
    expect(atA.clusterList?.list).toEqual([CLUSTER]);
    expect(atA.nexthops?.[0]?.ip).toBe(B);
    const atB = await waitReflected(frr.b, PA);
    expect(atB.originatorId).toBe(A);
    expect(atB.clusterList?.list).toEqual([CLUSTER]);
    expect(atB.nexthops?.[0]?.ip).toBe(A);
  });

  test('non-client C gets client routes (reflected), not its own back, not non-client D\'s', async () => {
    const a = await waitReflected(frr.c, PA);
    expect(a.originatorId).toBe(A);
    expect(a.clusterList?.list).toEqual([CLUSTER]);
    expect(a.nexthops?.[0]?.ip).toBe(A);
    const b = await waitReflected(frr.c, PB);
    expect(b.originatorId).toBe(B);
    // What we send C is exactly the two client routes (our Adj-RIB-Out count), so what it lacks
    // below was never sent: its own prefix is not sent back, D's (non-client to non-client) not reflected.
    expect((await speaker.peer(C))?.prefixesAdvertised).toBe(2);
    expect((await speaker.peer(D))?.prefixesAdvertised).toBe(2);
    expect(await frrHas(frr.c, PC)).toBe(false);
    expect(await frrHas(frr.c, PD)).toBe(false);
    // BIRD (non-client D) likewise: client routes yes, C's no.
    const atD = await waitFor('client routes at D', async () => {
      const r = await bird.routes('ipv4');
      return r.some((x) => x.prefix === PA) && r.some((x) => x.prefix === PB) ? r : undefined;
    }, { timeoutMs: 30_000 });
    expect(atD.some((x) => x.prefix === PC)).toBe(false);
    expect(atD.some((x) => x.prefix === PD)).toBe(false);
  });

  test('clients get non-client routes reflected, with the non-client as originator', async () => {
    const c = await waitReflected(frr.a, PC);
    expect(c.originatorId).toBe(C);
    expect(c.clusterList?.list).toEqual([CLUSTER]);
    expect(c.nexthops?.[0]?.ip).toBe(C);
    const d = await waitReflected(frr.b, PD);
    expect(d.originatorId).toBe(D);
    // A route that already passed another cluster is reflected with ours in front.
    const other = await waitReflected(frr.a, P_OTHER);
    expect(other.clusterList?.list).toEqual([CLUSTER, '10.255.255.99']);
    // A gets everything but its own: B, C, D and D's foreign-cluster route.
    expect((await speaker.peer(A))?.prefixesAdvertised).toBe(4);
  });

  test('a route whose CLUSTER_LIST already has our cluster id is rejected as a loop', async () => {
    // D sent three prefixes; P_OTHER (a foreign cluster) is accepted, P_LOOP is not.
    const d = await waitFor('D counted', async () => {
      const p = await speaker.peer(D);
      return p && p.prefixesReceived === 3 ? p : undefined;
    }, { timeoutMs: 20_000 });
    expect(d.prefixesAccepted).toBe(2);
    expect((await speaker.routes(P_LOOP)).routes.filter((r) => r.prefix === P_LOOP)).toEqual([]);
    expect((await speaker.routes(P_OTHER)).routes).toHaveLength(1);
    // …and so it reaches no client.
    expect(await frrHas(frr.a, P_LOOP)).toBe(false);
    expect(await frrHas(frr.b, P_LOOP)).toBe(false);
  });
});
