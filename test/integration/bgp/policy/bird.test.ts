// Import and export policies against BIRD 2: an export policy changes what BIRD receives (MED, a
// community and a prepend on one prefix, another rejected), an import policy sets LOCAL_PREF and
// rejects a prefix BIRD sends (seen in our status API), and a SIGHUP with changed policies takes
// effect — exports re-evaluated, imports re-filtered after a route refresh — without a session reset.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor } from '../../../harness/netns.js';
import { startDaemon, type BgpDaemon, type Route } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';

jest.setTimeout(120_000);

const US4 = '10.78.0.1';
const THEM4 = '10.78.0.2';
const US6 = 'fd78::1';
const THEM6 = 'fd78::2';
const OUR_ASN = 65000;
const THEIR_ASN = 65001;

type WithPolicies = PodrouteSpeakerConfig & {
  policies: Record<string, unknown>;
  peers: (PodrouteSpeakerConfig['peers'][number] & { importPolicy?: string; exportPolicy?: string })[];
};

const base = (policies: Record<string, unknown>): WithPolicies => ({
  asn: OUR_ASN,
  routerId: US4,
  listen: { address: '::' },
  peers: [
    { address: THEM4, asn: THEIR_ASN, holdTime: 9, families: ['ipv4-unicast'], importPolicy: 'from-bird', exportPolicy: 'to-bird' },
    { address: THEM6, asn: THEIR_ASN, holdTime: 9, families: ['ipv6-unicast'], importPolicy: 'from-bird', exportPolicy: 'to-bird' },
  ],
  originate: ['203.0.113.0/24', '198.18.5.0/24', '192.0.2.0/24', '2001:db8:100::/48', '2001:db8:1ff::/48'],
  policies,
});

const FIRST = base({
  'to-bird': {
    default: 'accept',
    rules: [
      { name: 'tag', match: { prefix: ['203.0.113.0/24'] }, set: { med: 77, communities: { add: ['65000:100'] }, largeCommunities: { add: ['65000:1:2'] }, prepend: 2 } },
      { name: 'no-benchmarking', match: { prefix: ['198.18.0.0/15 le 24'] }, action: 'reject' },
      { match: { family: 'ipv6-unicast', prefix: ['2001:db8:100::/44 ge 48 le 48'], peerAddress: [THEM6] }, set: { communities: { add: ['65000:6'] } } },
    ],
  },
  'from-bird': {
    default: 'accept',
    rules: [
      { match: { prefix: ['198.51.101.0/24'] }, action: 'reject' },
      { match: { community: ['65001:7'] }, set: { localPref: 250 } },
      { match: { family: 'ipv6-unicast', asPath: { origin: [THEIR_ASN] } }, set: { localPref: 260 } },
    ],
  },
});

const SECOND = base({
  'to-bird': {
    default: 'accept',
    rules: [{ match: { prefix: ['203.0.113.0/24'] }, set: { med: 88 } }],
  },
  'from-bird': {
    default: 'accept',
    rules: [
      { match: { prefix: ['198.51.100.0/24'] }, action: 'reject' },
      { match: { prefix: ['198.51.96.0/21 le 24'], asPath: { regex: `^${THEIR_ASN}$` } }, set: { localPref: 300 } },
    ],
  },
});

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('policy interop tests run the built CLI: `npm run build` first');
});

describe('policies with BIRD', () => {
  let lab: Lab;
  let bird: BgpDaemon;
  let speaker: PodrouteSpeaker;

  beforeAll(async () => {
    lab = new Lab();
    const [us, them] = await lab.pair(US4, THEM4, US6, THEM6);
    bird = await startDaemon('bird', them, {
      asn: THEIR_ASN, routerId: THEM4,
      neighbors: [{ address: US4, asn: OUR_ASN, localAddress: THEM4 }, { address: US6, asn: OUR_ASN, localAddress: THEM6 }],
      originate: [
        { prefix: '198.51.100.0/24', communities: ['65001:7'] },
        { prefix: '198.51.101.0/24', communities: ['65001:7'] },
        { prefix: '198.51.102.0/24' },
        { prefix: '2001:db8:200::/48' },
      ],
    });
    speaker = await PodrouteSpeaker.start(us, FIRST);
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  const birdRoute = async (prefix: string): Promise<Route | undefined> => (await bird.routes(prefix.includes(':') ? 'ipv6' : 'ipv4')).find((r) => r.prefix === prefix);
  const ourPath = async (prefix: string) => (await speaker.routes(prefix)).routes.find((r) => r.prefix === prefix)?.paths[0];
  const diag = (err: unknown): Error => new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-4000)}\n--- bird ---\n${bird.logs().slice(-2000)}`);

  test('session up', async () => {
    await waitFor('Established both sides', async () =>
      (await speaker.peers()).every((p) => p.state === 'Established')
      && (await bird.neighborState(US4)) === 'established' && (await bird.neighborState(US6)) === 'established', { timeoutMs: 40_000 }).catch((e) => { throw diag(e); });
  });

  test('export policy: BIRD gets MED, community, large community and prepend on one prefix, not the rejected one', async () => {
    await waitFor('BIRD has our accepted prefixes', async () => (await birdRoute('203.0.113.0/24')) && (await birdRoute('192.0.2.0/24')), { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    const tagged = (await birdRoute('203.0.113.0/24'))!;
    expect(tagged.med).toBe(77);
    expect(tagged.communities).toContain('65000:100');
    expect(tagged.largeCommunities).toContain('65000:1:2');
    expect(tagged.asPath).toEqual([OUR_ASN, OUR_ASN, OUR_ASN]);
    const plain = (await birdRoute('192.0.2.0/24'))!;
    expect(plain.med).toBeUndefined();
    expect(plain.communities).toEqual([]);
    expect(plain.asPath).toEqual([OUR_ASN]);
    expect(await birdRoute('198.18.5.0/24')).toBeUndefined();
    expect((await speaker.peer(THEM4))!.prefixesAdvertised).toBe(2);
  });

  test('export policy over IPv6: family, ge/le and peer matches tag one prefix only', async () => {
    await waitFor('BIRD has our IPv6 prefixes', async () => (await birdRoute('2001:db8:100::/48')) && (await birdRoute('2001:db8:1ff::/48')), { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    expect((await birdRoute('2001:db8:100::/48'))!.communities).toEqual(['65000:6']);
    // outside 2001:db8:100::/44 (the /44 ends at 2001:db8:10f::), so untagged
    expect((await birdRoute('2001:db8:1ff::/48'))!.communities).toEqual([]);
    expect((await speaker.peer(THEM6))!.prefixesAdvertised).toBe(2);
  });

  test('import policy over IPv6: LOCAL_PREF by origin AS', async () => {
    await waitFor('their IPv6 route in our RIB', async () => (await ourPath('2001:db8:200::/48')) !== undefined, { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    expect(await ourPath('2001:db8:200::/48')).toMatchObject({ localPref: 260, peer: THEM6 });
  });

  test('import policy: LOCAL_PREF set by community, one prefix rejected (received, not accepted)', async () => {
    await waitFor('their routes in our RIB', async () => (await ourPath('198.51.100.0/24')) && (await ourPath('198.51.102.0/24')), { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    expect(await ourPath('198.51.100.0/24')).toMatchObject({ localPref: 250, best: true, peer: THEM4 });
    expect((await ourPath('198.51.102.0/24'))!.localPref).toBeUndefined();
    expect(await ourPath('198.51.101.0/24')).toBeUndefined();
    const p = (await speaker.peer(THEM4))!;
    expect(p.prefixesReceived).toBe(3);
    expect(p.prefixesAccepted).toBe(2);
  });

  test('SIGHUP with changed policies applies both directions without resetting the session', async () => {
    const before = (await speaker.peer(THEM4))!;
    expect(before.flaps).toBe(0);
    await speaker.reload(SECOND);
    // export: MED 88, no community, single AS; the benchmarking prefix is no longer rejected
    await waitFor('BIRD sees the new export policy', async () => {
      const t = await birdRoute('203.0.113.0/24');
      return t?.med === 88 && t.communities.length === 0 && (await birdRoute('198.18.5.0/24')) !== undefined;
    }, { timeoutMs: 20_000 }).catch((e) => { throw diag(e); });
    expect((await birdRoute('203.0.113.0/24'))!.asPath).toEqual([OUR_ASN]);
    expect((await birdRoute('203.0.113.0/24'))!.largeCommunities).toEqual([]);
    // import: after our route refresh, 100 is rejected, 101 accepted with LOCAL_PREF 300
    await waitFor('our RIB re-filtered', async () =>
      (await ourPath('198.51.100.0/24')) === undefined && (await ourPath('198.51.101.0/24'))?.localPref === 300, { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    expect((await ourPath('198.51.102.0/24'))!.localPref).toBe(300);
    await waitFor('IPv6 policy effects gone too', async () =>
      (await birdRoute('2001:db8:100::/48'))?.communities.length === 0 && (await ourPath('2001:db8:200::/48'))?.localPref === undefined, { timeoutMs: 20_000 })
      .catch((e) => { throw diag(e); });
    expect((await speaker.peer(THEM6))!.flaps).toBe(0);
    const after = (await speaker.peer(THEM4))!;
    expect(after.state).toBe('Established');
    expect(after.flaps).toBe(0);
    expect(after.uptimeSeconds).toBeGreaterThanOrEqual(before.uptimeSeconds);
    expect(after.prefixesAccepted).toBe(2);
    expect(after.prefixesAdvertised).toBe(3);
    expect(await bird.neighborState(US4)).toBe('established');
    expect(speaker.logs()).toContain('import policy changed: route refresh requested');
  });

  test('a reload with a broken policy is refused and the running policies stay', async () => {
    const bad = base({ 'to-bird': { rules: [{ match: { prefix: ['203.0.113.0/24 le 40'] } }] }, 'from-bird': {} });
    await speaker.reload(bad);
    await waitFor('reload rejected', async () => speaker.logs().includes('policies.to-bird.rules[0].match.prefix[0]: le 40 must be 24..32'), { timeoutMs: 10_000 });
    expect((await birdRoute('203.0.113.0/24'))!.med).toBe(88);
    expect((await speaker.peer(THEM4))!.flaps).toBe(0);
  });
});
