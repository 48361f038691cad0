// The speaker's BFD rules with two in-process speakers on loopback (real BGP over TCP) and BFD
// packets carried by an in-memory wire that the test can cut without touching TCP:
// - BFD Up → Down (detection time expired) closes the BGP session at once;
// - BGP comes up (again) while BFD is Down: BFD never holds BGP back;
// - the peer setting its BFD session AdminDown (BFD removed from its config) leaves BGP up.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Speaker } from '../../../../src/bgp/speaker/speaker.js';
import type { BfdSocketFactory } from '../../../../src/bgp/bfd/manager.js';
import type { PeerConfig } from '../../../../src/bgp/speaker/peer-config.js';
import { silentLogger } from '../../../../src/util/log.js';
import { waitFor } from '../../../harness/netns.js';

jest.setTimeout(60_000);

const A = '127.0.0.1';
const B = '127.0.0.2';
const PORT = 20000 + Math.floor(Math.random() * 20000);
const BFD = { minTx: 100, minRx: 100, multiplier: 3 };

/** BFD datagrams between in-process managers, keyed by local address; `up = false` drops them all. */
function memoryWire() {
  const handlers = new Map<string, (buf: Buffer, from: string) => void>();
  const wire = { up: true, sockets: undefined as unknown as BfdSocketFactory };
  wire.sockets = {
    receiver: async (_family, local, onPacket) => {
      handlers.set(local!, onPacket);
      return { close: () => handlers.delete(local!) };
    },
    sender: async (_family, local, peer) => ({
      send: (pkt: Buffer) => { if (wire.up) setImmediate(() => handlers.get(peer)?.(Buffer.from(pkt), local!)); },
      close: () => {},
    }),
  };
  return wire;
}

const speakers: Speaker[] = [];
afterEach(async () => { await Promise.all(speakers.splice(0).map((s) => s.stop())); });

async function pairOfSpeakers(wire: ReturnType<typeof memoryWire>) {
  const mk = (addr: string, asn: number) => {
    const s = new Speaker({ asn, routerId: addr, listen: [{ address: addr, port: PORT }] }, { log: silentLogger, bfdSockets: wire.sockets });
    speakers.push(s);
    return s;
  };
  const a = mk(A, 65000);
  const b = mk(B, 65001);
  const pa: PeerConfig = { address: B, asn: 65001, port: PORT, localAddress: A, holdTime: 30, connectRetryTime: 1, bfd: BFD };
  const pb: PeerConfig = { address: A, asn: 65000, port: PORT, localAddress: B, holdTime: 30, passive: true, bfd: BFD };
  a.addPeer(pa);
  b.addPeer(pb);
  await b.start();
  await a.start();
  const view = (s: Speaker) => s.peerViews()[0];
  await waitFor('BGP Established and BFD Up on both', () => [a, b].every((s) => view(s).state === 'Established' && view(s).bfd?.state === 'Up'), { timeoutMs: 20_000, intervalMs: 50 });
  return { a, b, pa, pb, view };
}

describe('speaker and BFD', () => {
  test('BFD Down after Up closes the BGP session at once; BGP comes back while BFD stays Down', async () => {
    const wire = memoryWire();
    const { a, view } = await pairOfSpeakers(wire);
    const downs: number[] = [];
    a.on('peerState', (_p, state, prev) => { if (prev === 'Established' && state !== 'Established') downs.push(Date.now()); });
    const t0 = Date.now();
    wire.up = false; // BFD packets only: TCP keeps working
    await waitFor('A\'s BGP session down', () => downs.length > 0, { timeoutMs: 5000, intervalMs: 10 });
    expect(downs[0] - t0).toBeLessThan(1000); // detection time 300 ms; hold time 30 s
    expect(view(a).bfd).toMatchObject({ state: 'Down', diag: 1 });
    expect(view(a).lastDown?.text).toMatch(/BFD session down/);
    // BGP is not held back by BFD: TCP works, so the session is re-established with BFD still Down.
    await waitFor('A Established again without BFD', () => view(a).state === 'Established', { timeoutMs: 15_000, intervalMs: 50 });
    expect(view(a).bfd?.state).not.toBe('Up');
    wire.up = true;
    await waitFor('BFD Up again', () => view(a).bfd?.state === 'Up', { timeoutMs: 10_000, intervalMs: 50 });
    expect(view(a).state).toBe('Established');
  });

  test('the peer turning BFD off (AdminDown) leaves the BGP session up', async () => {
    const wire = memoryWire();
    const { a, b, pb, view } = await pairOfSpeakers(wire);
    const flaps = view(a).stats.flaps;
    const { bfd: _off, ...noBfd } = pb;
    b.updatePeer(noBfd);
    await waitFor('A\'s BFD Down (neighbor signalled)', () => view(a).bfd?.state === 'Down', { timeoutMs: 5000, intervalMs: 10 });
    expect(view(a).bfd).toMatchObject({ diag: 3, remoteState: 'AdminDown' });
    await new Promise((r) => setTimeout(r, 500));
    expect(view(a).state).toBe('Established');
    expect(view(a).stats.flaps).toBe(flaps);
    expect(view(b).bfd).toBeUndefined();
  });
});
