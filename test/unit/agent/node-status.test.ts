// The bgp-status annotation's shape, and the publisher's timing: on change, at most every
// minIntervalMs, at least every maxIntervalMs, failures retried without blocking.
import { describe, expect, test } from '@jest/globals';
import { shapeBgpStatus } from '../../../src/agent/node-status.js';
import { StatusPublisher } from '../../../src/agent/status-publisher.js';
import type { PeerStatus } from '../../../src/observe/status.js';
import { silentLogger } from '../../../src/util/log.js';

function peer(p: Partial<PeerStatus> & { address: string }): PeerStatus {
  return {
    asn: 64512, localAsn: 64512, state: 'Established', uptimeSeconds: 42, flaps: 0, prefixesReceived: 3, prefixesAccepted: 2, prefixesAdvertised: 1,
    messagesReceived: 10, messagesSent: 10, updatesReceived: 1, updatesSent: 1, families: ['ipv4-unicast'], ...p,
  } as PeerStatus;
}

describe('shapeBgpStatus', () => {
  test('peers sorted by address with state, since, prefixes in/out; node asn, router id, FIB', () => {
    const s = shapeBgpStatus({
      asn: 64512, routerId: '10.0.0.1',
      peers: [
        peer({ address: '10.0.0.3', description: 'node-3', establishedSince: '2026-01-01T00:00:00.000Z' }),
        peer({ address: '10.0.0.250', asn: 64600, state: 'Active', prefixesAccepted: 0, prefixesAdvertised: 0, lastError: 'connection refused', establishedSince: undefined }),
        peer({ address: '10.0.0.2', description: 'node-2', establishedSince: '2026-01-01T00:00:01.000Z' }),
      ],
      fib: { installed: 4, pending: 0, errors: 1, skipped: [] },
    });
    expect(s).toEqual({
      asn: 64512, routerId: '10.0.0.1', established: 2,
      peers: [
        { address: '10.0.0.2', asn: 64512, name: 'node-2', state: 'Established', since: '2026-01-01T00:00:01.000Z', in: 2, out: 1 },
        { address: '10.0.0.250', asn: 64600, state: 'Active', in: 0, out: 0, lastError: 'connection refused' },
        { address: '10.0.0.3', asn: 64512, name: 'node-3', state: 'Established', since: '2026-01-01T00:00:00.000Z', in: 2, out: 1 },
      ],
      fib: { installed: 4, errors: 1 },
    });
  });
  test('uptime is not part of it: the same sessions a minute later give the same text', () => {
    const a = shapeBgpStatus({ asn: 1, routerId: '1.1.1.1', peers: [peer({ address: '10.0.0.2', uptimeSeconds: 1 })] });
    const b = shapeBgpStatus({ asn: 1, routerId: '1.1.1.1', peers: [peer({ address: '10.0.0.2', uptimeSeconds: 61 })] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.fib).toBeUndefined();
  });
});

describe('StatusPublisher', () => {
  function rig(opts: { fail?: () => boolean } = {}) {
    let now = 1_000_000;
    let doc: object | undefined = { v: 1 };
    const writes: { at: number; text: string }[] = [];
    const p = new StatusPublisher({
      compute: () => doc,
      write: async (text) => {
        if (opts.fail?.()) throw new Error('503');
        writes.push({ at: now, text });
      },
      log: silentLogger, minIntervalMs: 5000, maxIntervalMs: 60_000, now: () => now,
    });
    return { p, writes, advance: (ms: number) => (now += ms), set: (d: object | undefined) => (doc = d) };
  }

  test('first tick writes; unchanged content is not rewritten before the max interval', async () => {
    const r = rig();
    expect(await r.p.tick()).toBe(true);
    expect(JSON.parse(r.writes[0].text)).toEqual({ v: 1, updatedAt: new Date(1_000_000).toISOString() });
    r.advance(30_000);
    expect(await r.p.tick()).toBe(false);
    r.advance(30_000);
    expect(await r.p.tick()).toBe(true); // heartbeat at 60 s, with a fresh updatedAt
    expect(JSON.parse(r.writes[1].text).updatedAt).toBe(new Date(1_060_000).toISOString());
  });

  test('a change is written at most once per 5 s, and the latest content wins', async () => {
    const r = rig();
    await r.p.tick();
    r.set({ v: 2 });
    r.advance(1000);
    expect(await r.p.tick()).toBe(false);
    r.set({ v: 3 });
    r.advance(3999);
    expect(await r.p.tick()).toBe(false);
    r.advance(1);
    expect(await r.p.tick()).toBe(true);
    expect(r.writes.map((w) => JSON.parse(w.text).v)).toEqual([1, 3]);
  });

  test('nothing is written before there is something true to say', async () => {
    const r = rig();
    r.set(undefined);
    expect(await r.p.tick()).toBe(false);
    expect(r.writes).toEqual([]);
  });

  test('a failed write is retried at the same bounded rate, then succeeds', async () => {
    let failing = true;
    const r = rig({ fail: () => failing });
    expect(await r.p.tick()).toBe(false);
    r.advance(1000);
    expect(await r.p.tick()).toBe(false); // not hammering a failing API server
    expect(r.writes).toEqual([]);
    failing = false;
    r.advance(4000);
    expect(await r.p.tick()).toBe(true);
    expect(r.writes).toHaveLength(1);
  });
});
