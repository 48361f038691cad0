// GTSM (RFC 5082) against BIRD and FRR. The IPv4 session is a direct GTSM peer on both sides
// (BIRD `ttl security on`, FRR `ttl-security hops 1`): it comes up, so our packets leave with TTL
// 255. The IPv6 session stands for a peer further away: the daemon sends with TTL 2 (eBGP multihop
// 2), which is what a peer two routers away would deliver with TTL 64. podroute requires TTL ≥ 254
// from both, so the kernel drops the far peer's segments (TcpExt TCPMinTTLDrop):
// - podroute passive, every peer on the listener GTSM: IP_MINTTL on the listening socket, the SYN
//   is dropped;
// - one non-GTSM peer added to the listener: IP_MINTTL only on the accepted socket;
// - podroute active: our connecting socket drops the far peer's answers.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { startDaemon, type BgpDaemon } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';
import { rise, tcpExt } from './netstat.js';

jest.setTimeout(180_000);

const US4 = '10.79.0.1';
const THEM4 = '10.79.0.2';
const US6 = 'fd79::1';
const THEM6 = 'fd79::2';
const OUR_ASN = 65200;
const THEIR_ASN = 65201;
const STAYS_DOWN_MS = 10_000;

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe.each(['bird', 'frr'] as const)('GTSM with %s', (kind) => {
  let lab: Lab;
  let us: Netns;
  let daemon: BgpDaemon;
  let speaker: PodrouteSpeaker;
  const cfg = (o: { farPassive: boolean; extraPeer?: boolean }): PodrouteSpeakerConfig => ({
    asn: OUR_ASN,
    routerId: US4,
    listen: { address: '::' },
    peers: [
      { address: THEM4, asn: THEIR_ASN, holdTime: 3, connectRetryTime: 2, families: ['ipv4-unicast'], ttlSecurity: true },
      { address: THEM6, asn: THEIR_ASN, holdTime: 3, connectRetryTime: 2, passive: o.farPassive, families: ['ipv6-unicast'], ttlSecurity: true },
      // A plain eBGP peer that never answers: it only makes the listener serve a non-GTSM peer.
      ...(o.extraPeer ? [{ address: '10.79.0.50', asn: 65250, passive: true }] : []),
    ],
    originate: ['203.0.113.0/24'],
  });

  /** The far session stays down for `ms`; returns how many segments our kernel dropped for their TTL. */
  const farStaysDown = async (ms: number): Promise<number> => {
    const before = await tcpExt(us);
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      expect((await speaker.peer(THEM6))?.state).not.toBe('Established');
      await new Promise((r) => setTimeout(r, 250));
    }
    return rise(before, await tcpExt(us), 'TCPMinTTLDrop');
  };

  beforeAll(async () => {
    lab = new Lab();
    let them: Netns;
    [us, them] = await lab.pair(US4, THEM4, US6, THEM6);
    daemon = await startDaemon(kind, them, {
      asn: THEIR_ASN, routerId: THEM4,
      neighbors: [
        { address: US4, asn: OUR_ASN, localAddress: THEM4, ttlSecurity: true, holdTime: 3 },
        { address: US6, asn: OUR_ASN, localAddress: THEM6, multihop: 2, holdTime: 3 },
      ],
      originate: [{ prefix: '198.51.100.0/24' }],
    });
    speaker = await PodrouteSpeaker.start(us, cfg({ farPassive: true }));
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  test('a directly connected GTSM peer comes up', async () => {
    try {
      await waitFor(`${kind}: GTSM session Established`, async () => (await speaker.peer(THEM4))?.state === 'Established', { timeoutMs: 40_000 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-3000)}\n--- ${kind} ---\n${daemon.logs().slice(-3000)}`);
    }
    expect(await daemon.neighborState(US4)).toBe('established');
    await waitFor('routes over the GTSM session', async () => (await speaker.routes('198.51.100.0/24')).routes.length === 1, { timeoutMs: 20_000 });
  });

  test('a far peer connecting in is dropped by the listener (every peer on it is GTSM)', async () => {
    expect(await farStaysDown(STAYS_DOWN_MS)).toBeGreaterThan(0);
  });

  test('with a non-GTSM peer on the same listener, the accepted socket still drops the far peer', async () => {
    await speaker.reload(cfg({ farPassive: true, extraPeer: true }));
    expect(await farStaysDown(STAYS_DOWN_MS)).toBeGreaterThan(0);
    expect((await speaker.peer(THEM4))?.state).toBe('Established');
  });

  test('connecting out to the far peer: our socket drops its answers', async () => {
    await speaker.reload(cfg({ farPassive: false }));
    expect(await farStaysDown(STAYS_DOWN_MS)).toBeGreaterThan(0);
    expect((await speaker.peer(THEM4))?.state).toBe('Established');
  });
});
