// BFD against BIRD (`protocol bfd` + `bfd on`) and FRR (bfdd + `neighbor X bfd`), podroute's
// standalone speaker in one namespace and the daemon in the other. For each: BFD comes Up on both
// sides with the BGP session Established; then every packet between the two is dropped in the
// daemon's namespace (netfilter, both directions) and our BGP session must go down within the BFD
// detection time (3 × 300 ms) rather than the 30 s hold time; when the drop is lifted both come back.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';
import type { PeerStatus } from '../../../../src/observe/status.js';
import { BfdBird, BfdFrr, type BfdPeerSetup } from './daemons.js';

jest.setTimeout(120_000);

const US4 = '10.79.0.1';
const THEM4 = '10.79.0.2';
const US6 = 'fd79::1';
const THEM6 = 'fd79::2';
const OUR_ASN = 65000;
const THEIR_ASN = 65001;
const HOLD = 30;
const BFD = { minTx: 300, minRx: 300, multiplier: 3 };
/** The detection time is 900 ms; the bound leaves room for scheduling and the status poll, and is far below the hold time. */
const BOUND_MS = 3000;

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('BFD tests run the built CLI: `npm run build` first');
});

describe.each([
  ['bird', 'IPv4', BfdBird.start], ['frr', 'IPv4', BfdFrr.start], ['bird', 'IPv6', BfdBird.start], ['frr', 'IPv6', BfdFrr.start],
] as const)('%s over %s', (kind, fam, start) => {
  const US = fam === 'IPv4' ? US4 : US6;
  const THEM = fam === 'IPv4' ? THEM4 : THEM6;
  const iptables = fam === 'IPv4' ? 'iptables' : 'ip6tables';
  let lab: Lab;
  let us: Netns;
  let them: Netns;
  let daemon: Awaited<ReturnType<typeof start>>;
  let speaker: PodrouteSpeaker;

  const peer = async (): Promise<PeerStatus | undefined> => (await speaker.peers()).find((p) => p.address === THEM);
  const context = (): string => `\n--- podroute ---\n${speaker?.logs().slice(-4000)}\n--- ${kind} ---\n${daemon?.logs()}`;
  const cut = (op: '-A' | '-D') => Promise.all([
    them.exec(iptables, [op, 'INPUT', '-s', US, '-j', 'DROP']),
    them.exec(iptables, [op, 'OUTPUT', '-d', US, '-j', 'DROP']),
  ]);

  beforeAll(async () => {
    lab = new Lab();
    [us, them] = await lab.pair(US4, THEM4, US6, THEM6);
    const setup: BfdPeerSetup = { asn: THEIR_ASN, routerId: THEM4, local: THEM, neighbor: US, neighborAsn: OUR_ASN, holdTime: HOLD, bfd: BFD };
    daemon = await start(them, setup);
    // `bfd` passes through the harness to the YAML the speaker reads.
    const peers = [{ address: THEM, asn: THEIR_ASN, holdTime: HOLD, localAddress: US, connectRetryTime: 1, bfd: BFD }];
    const families = [fam === 'IPv4' ? 'ipv4-unicast' : 'ipv6-unicast'];
    const cfg: PodrouteSpeakerConfig = { asn: OUR_ASN, routerId: US4, listen: { address: US }, peers: peers.map((p) => ({ ...p, families })) };
    speaker = await PodrouteSpeaker.start(us, cfg);
  });
  afterAll(async () => {
    await daemon?.stop();
    await speaker?.stop();
    await lab?.dispose();
  });

  test('BFD Up on both sides, BGP Established, negotiated 300 ms / 900 ms', async () => {
    try {
      await waitFor(`${kind}: BFD Up and BGP Established on both sides`, async () => {
        const p = await peer();
        return p?.state === 'Established' && p.bfd?.state === 'Up' && !!p.bfd.detectionTimeMs && p.bfd.detectionTimeMs <= 900
          && /^up$/i.test(await daemon.bfdState()) && /^established$/i.test(await daemon.bgpState());
      }, { timeoutMs: 40_000, intervalMs: 250 });
    } catch (err) {
      throw new Error(`${(err as Error).message}${context()}`);
    }
    const p = (await peer())!;
    expect(p.bfd).toMatchObject({ state: 'Up', remoteState: 'Up', txIntervalMs: 300, detectionTimeMs: 900, minTx: 300, minRx: 300, multiplier: 3 });
    expect(p.holdTime).toBe(HOLD);
  });

  test('the path fails: BGP goes down within the BFD detection time, not the hold time', async () => {
    const t0 = Date.now();
    await cut('-A');
    let downAt = 0;
    try {
      await waitFor('our BGP session down', async () => {
        const p = await peer();
        if (p && p.state !== 'Established') downAt = Date.now();
        return downAt > 0;
      }, { timeoutMs: 10_000, intervalMs: 25 });
    } catch (err) {
      throw new Error(`${(err as Error).message}${context()}`);
    }
    const elapsed = downAt - t0;
    const p = (await peer())!;
    expect(p.bfd).toMatchObject({ state: 'Down', diag: 1 }); // control detection time expired
    expect(p.lastError).toMatch(/BFD session down/);
    expect(elapsed).toBeLessThan(BOUND_MS);
    expect(elapsed).toBeLessThan(HOLD * 1000 / 10);
    // The daemon's own BFD sees the silence too.
    await waitFor(`${kind} BFD down`, async () => !/^up$/i.test(await daemon.bfdState()), { timeoutMs: 5000, intervalMs: 100 });
  });

  test('the path returns: BFD Up and BGP Established again', async () => {
    await cut('-D');
    try {
      await waitFor(`${kind}: back up`, async () => {
        const p = await peer();
        return p?.state === 'Established' && p.bfd?.state === 'Up' && /^up$/i.test(await daemon.bfdState());
      }, { timeoutMs: 60_000, intervalMs: 250 });
    } catch (err) {
      throw new Error(`${(err as Error).message}${context()}`);
    }
  });
});


