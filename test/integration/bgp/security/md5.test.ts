// TCP MD5 (RFC 2385) against BIRD and FRR, in both directions and over IPv4 and IPv6: podroute
// connects out to the daemon on the IPv4 session (the daemon is passive) and waits for the daemon
// on the IPv6 session (podroute is passive, so the key must be on its listening socket).
// A wrong or missing key keeps both sessions down, and the kernel's TcpExt counters prove that the
// segments were dropped for their signature. Changing the key live resets only the sessions whose
// key changed. A connection from an address that is not a peer is closed at once.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { startDaemon, type BgpDaemon } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';
import { rise, tcpExt } from './netstat.js';

jest.setTimeout(180_000);

const US4 = '10.78.0.1';
const THEM4 = '10.78.0.2';
const STRANGER4 = '10.78.0.9';
const US6 = 'fd78::1';
const THEM6 = 'fd78::2';
const OUR_ASN = 65100;
const THEIR_ASN = 65101;
const KEY = 'Fabric-Key#1';
/** Long enough for several connect attempts and a few hold times (3 s) of the daemons. */
const STAYS_DOWN_MS = 12_000;

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe.each(['bird', 'frr'] as const)('TCP MD5 with %s', (kind) => {
  let lab: Lab;
  let us: Netns;
  let them: Netns;
  let daemon: BgpDaemon;
  let speaker: PodrouteSpeaker;
  const cfg = (key4: string | undefined, key6: string | undefined): PodrouteSpeakerConfig => ({
    asn: OUR_ASN,
    routerId: US4,
    listen: { address: '::' },
    peers: [
      { address: THEM4, asn: THEIR_ASN, holdTime: 3, connectRetryTime: 2, families: ['ipv4-unicast'], ...(key4 ? { password: key4 } : {}) },
      { address: THEM6, asn: THEIR_ASN, holdTime: 3, passive: true, families: ['ipv6-unicast'], ...(key6 ? { password: key6 } : {}) },
    ],
    originate: ['203.0.113.0/24', '2001:db8:100::/48'],
  });

  const states = async (): Promise<string> => (await speaker.peers()).map((p) => `${p.address}=${p.state}`).sort().join(' ');
  const bothUp = async (): Promise<void> => {
    try {
      await waitFor(`${kind}: both MD5 sessions Established`, async () => {
        const peers = await speaker.peers();
        return peers.length === 2 && peers.every((p) => p.state === 'Established');
      }, { timeoutMs: 40_000 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-3000)}\n--- ${kind} ---\n${daemon.logs().slice(-3000)}`);
    }
  };
  /** Neither session reaches Established for `ms`; returns how the kernels counted the drops. */
  const staysDown = async (ms: number): Promise<{ ours: number; theirs: number }> => {
    const [us0, them0] = [await tcpExt(us), await tcpExt(them)];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const peers = await speaker.peers();
      expect(peers.filter((p) => p.state === 'Established').map((p) => p.address)).toEqual([]);
      await new Promise((r) => setTimeout(r, 250));
    }
    const [us1, them1] = [await tcpExt(us), await tcpExt(them)];
    return { ours: rise(us0, us1, 'TCPMD5Failure', 'TCPMD5NotFound'), theirs: rise(them0, them1, 'TCPMD5Failure', 'TCPMD5NotFound') };
  };

  beforeAll(async () => {
    lab = new Lab();
    [us, them] = await lab.pair(US4, THEM4, US6, THEM6);
    await them.addAddress('eth0', `${STRANGER4}/24`);
    daemon = await startDaemon(kind, them, {
      asn: THEIR_ASN, routerId: THEM4,
      neighbors: [
        { address: US4, asn: OUR_ASN, localAddress: THEM4, passive: true, password: KEY, holdTime: 3 },
        { address: US6, asn: OUR_ASN, localAddress: THEM6, password: KEY, holdTime: 3 },
      ],
      originate: [{ prefix: '198.51.100.0/24' }, { prefix: '2001:db8:200::/48' }],
    });
    speaker = await PodrouteSpeaker.start(us, cfg(KEY, KEY));
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  test('right key: Established with podroute active (IPv4) and passive (IPv6), routes both ways', async () => {
    await bothUp();
    await waitFor('routes from the daemon over both MD5 sessions', async () =>
      (await speaker.routes('198.51.100.0/24')).routes.length === 1 && (await speaker.routes('2001:db8:200::/48')).routes.length === 1, { timeoutMs: 20_000 });
    expect(await daemon.neighborState(US4)).toBe('established');
    expect(await daemon.neighborState(US6)).toBe('established');
  });

  test('wrong key on our side: never Established, both kernels count bad signatures', async () => {
    await speaker.reload(cfg('not-the-key', 'not-the-key'));
    const drops = await staysDown(STAYS_DOWN_MS);
    // Outbound (IPv4): the daemon's kernel rejects our SYNs. Inbound (IPv6): ours rejects the daemon's.
    expect(drops.theirs).toBeGreaterThan(0);
    expect(drops.ours).toBeGreaterThan(0);
    expect(await states()).not.toMatch(/Established/);
  });

  test('no key on our side against a peer that requires one: never Established (TCPMD5NotFound)', async () => {
    const them0 = await tcpExt(them);
    await speaker.reload(cfg(undefined, undefined));
    await staysDown(STAYS_DOWN_MS);
    const them1 = await tcpExt(them);
    // Our unsigned SYNs (IPv4) meet a key on the daemon's side.
    expect(rise(them0, them1, 'TCPMD5NotFound')).toBeGreaterThan(0);
  });

  test('the right key set live brings both sessions back', async () => {
    await speaker.reload(cfg(KEY, KEY));
    await bothUp();
  });

  test('changing one peer\'s key resets only that session', async () => {
    const before = await speaker.peers();
    const flaps4 = before.find((p) => p.address === THEM4)!.flaps;
    const flaps6 = before.find((p) => p.address === THEM6)!.flaps;
    await speaker.reload(cfg(KEY, 'another-key'));
    await waitFor('the IPv6 session goes down', async () => (await speaker.peer(THEM6))?.state !== 'Established', { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 4000));
    const after = await speaker.peers();
    expect(after.find((p) => p.address === THEM4)).toMatchObject({ state: 'Established', flaps: flaps4 });
    expect(after.find((p) => p.address === THEM6)!.flaps).toBe(flaps6 + 1);
    expect(after.find((p) => p.address === THEM6)!.state).not.toBe('Established');
    await speaker.reload(cfg(KEY, KEY));
    await bothUp();
  });

  test('a connection from an address that is not a peer is closed before any BGP byte', async () => {
    const script = [
      'import socket',
      `s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(5); s.bind(("${STRANGER4}", 0))`,
      `s.connect(("${US4}", 179))`,
      'try:\n  data = s.recv(100)\nexcept ConnectionResetError:\n  data = b""',
      'print("got", len(data))',
    ].join('\n');
    const { stdout } = await them.exec('python3', ['-c', script]);
    expect(stdout.trim()).toBe('got 0');
    await waitFor('podroute logs the refusal', () => speaker.logs().includes('connection from unconfigured address refused') && speaker.logs().includes(STRANGER4), { timeoutMs: 5000 });
    // The configured sessions did not notice.
    expect(await states()).toBe(`${THEM4}=Established ${THEM6}=Established`);
  });
});
