// The engine's pure parts: backoff, collision choice, RFC 9003 text, OPEN building/negotiation, the clock.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Backoff, DEFAULT_BACKOFF, jittered } from '../../../../src/bgp/session/backoff.js';
import { ManualClock } from '../../../../src/bgp/session/clock.js';
import { collisionWinner } from '../../../../src/bgp/session/collision.js';
import { buildOpen, negotiate, validateConfig } from '../../../../src/bgp/session/open.js';
import { decodeShutdownCommunication, encodeShutdownCommunication } from '../../../../src/bgp/session/shutdown-communication.js';
import { BgpError } from '../../../../src/bgp/wire/errors.js';
import { caps, LOCAL } from './harness.js';

const ENDS = { localAddress: '192.0.2.1', localPort: 40000, remoteAddress: '192.0.2.2', remotePort: 179 };

describe('Backoff', () => {
  test('doubles per consecutive failure up to the cap', () => {
    const b = new Backoff({ ...DEFAULT_BACKOFF, initialMs: 1000, maxMs: 10_000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(b.failures).toBe(6);
  });
  test('a session that was Established for the stable period starts over; a short one does not', () => {
    const b = new Backoff({ ...DEFAULT_BACKOFF, initialMs: 1000, jitter: 0, stableMs: 60_000 });
    b.next();
    b.next();
    expect(b.next(59_999)).toBe(4000);
    expect(b.next(60_000)).toBe(1000);
  });
  test('jitter stays within [75 %, 100 %] of the nominal wait', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.9999999, noNaN: true }), fc.integer({ min: 1, max: 10 }), (r, n) => {
        const b = new Backoff({ ...DEFAULT_BACKOFF, initialMs: 1000, maxMs: 1e9, jitter: 0.25 }, () => r);
        let d = 0;
        for (let i = 0; i < n; i++) d = b.next();
        const nominal = 1000 * 2 ** (n - 1);
        return d <= nominal && d >= Math.floor(nominal * 0.75);
      }),
    );
    expect(jittered(1000, () => 0.5)).toBe(875);
  });
});

describe('collisionWinner (RFC 4271 §6.8, RFC 6286)', () => {
  test('the higher BGP Identifier keeps its own connection, compared as 32-bit numbers', () => {
    expect(collisionWinner('10.0.0.2', 1, '10.0.0.1', 2)).toBe('local');
    expect(collisionWinner('10.0.0.1', 1, '10.0.0.2', 2)).toBe('remote');
    // Numeric, not textual: 9.x < 10.x although "9" > "1".
    expect(collisionWinner('9.255.255.255', 1, '10.0.0.0', 1)).toBe('remote');
    expect(collisionWinner('200.0.0.1', 1, '100.0.0.1', 1)).toBe('local');
  });
  test('equal identifiers fall back to the larger AS number', () => {
    expect(collisionWinner('10.0.0.1', 65002, '10.0.0.1', 65001)).toBe('local');
    expect(collisionWinner('10.0.0.1', 65001, '10.0.0.1', 65002)).toBe('remote');
  });
  test('both ends reach the same decision', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (a, b, asA, asB) => {
        fc.pre(a !== b || asA !== asB);
        // A keeps its own connection exactly when B keeps the remote (A's) one.
        return (collisionWinner(a, asA, b, asB) === 'local') === (collisionWinner(b, asB, a, asA) === 'remote');
      }),
    );
  });
});

describe('RFC 9003 shutdown communication', () => {
  test('length-prefixed UTF-8 that round-trips', () => {
    const d = encodeShutdownCommunication('maintenance ✓');
    expect(d[0]).toBe(Buffer.byteLength('maintenance ✓'));
    expect(decodeShutdownCommunication(6, 2, d)).toBe('maintenance ✓');
    expect(decodeShutdownCommunication(6, 4, d)).toBe('maintenance ✓');
    expect(decodeShutdownCommunication(6, 3, d)).toBeUndefined();
  });
  test('long text is cut to 255 bytes at a character boundary', () => {
    const d = encodeShutdownCommunication('é'.repeat(200)); // 400 bytes of 2-byte characters
    expect(d[0]).toBe(254);
    expect(decodeShutdownCommunication(6, 2, d)).toBe('é'.repeat(127));
  });
  test('malformed data (length beyond the end, empty) gives no text instead of an error', () => {
    expect(decodeShutdownCommunication(6, 2, Uint8Array.of(10, 65))).toBeUndefined();
    expect(decodeShutdownCommunication(6, 2, new Uint8Array(0))).toBeUndefined();
    expect(decodeShutdownCommunication(6, 2, Uint8Array.of(2, 65, 10))).toBe('A ');
  });
});

describe('buildOpen / negotiate', () => {
  test('2-octet local AS goes in My AS as is', () => {
    const o = buildOpen({ ...LOCAL, localAsn: 65001 });
    expect(o.myAsn).toBe(65001);
    expect(o.capabilities.asn4).toBe(65001);
  });
  test('graceful restart and ADD-PATH are advertised as configured', () => {
    const o = buildOpen({
      ...LOCAL,
      families: ['ipv4-unicast'],
      gracefulRestart: { restartTime: 120, restarting: true, forwarding: true },
      addPath: { 'ipv4-unicast': { send: true, receive: false } },
    });
    expect(o.capabilities.gracefulRestart).toEqual({ restartState: true, notification: false, restartTime: 120, families: [{ afi: 1, safi: 1, forwarding: true }] });
    expect(o.capabilities.addPath).toEqual({ families: [{ afi: 1, safi: 1, send: true, receive: false }] });
    expect(o.capabilities.multiprotocol).toEqual([{ afi: 1, safi: 1 }]);
  });
  test('ADD-PATH directions pair our send with their receive and vice versa', () => {
    const cfg = { ...LOCAL, addPath: { 'ipv4-unicast': { send: true, receive: true }, 'ipv6-unicast': { send: true, receive: true } } };
    const peer = { version: 4, myAsn: 65002, holdTime: 90, routerId: '10.0.0.2', capabilities: caps({ addPath: { families: [{ afi: 1, safi: 1, send: true, receive: false }, { afi: 2, safi: 1, send: false, receive: true }] } }) };
    const n = negotiate(cfg, buildOpen(cfg), peer, ENDS);
    expect([...n.codec.addPathReceive]).toEqual(['ipv4-unicast']);
    expect([...n.codec.addPathSend]).toEqual(['ipv6-unicast']);
  });
  test('families are the intersection, in our order', () => {
    const cfg = { ...LOCAL, families: ['ipv6-unicast' as const] };
    const peer = { version: 4, myAsn: 65002, holdTime: 90, routerId: '10.0.0.2', capabilities: caps() };
    expect(negotiate(cfg, buildOpen(cfg), peer, ENDS).families).toEqual(['ipv6-unicast']);
  });
  test('iBGP is marked in the codec context', () => {
    const cfg = { ...LOCAL, peerAsn: LOCAL.localAsn };
    const peer = { version: 4, myAsn: 23456, holdTime: 90, routerId: '10.0.0.2', capabilities: caps({ asn4: LOCAL.localAsn }) };
    expect(negotiate(cfg, buildOpen(cfg), peer, ENDS).codec.ebgp).toBe(false);
  });
  test('errors carry their NOTIFICATION code and subcode', () => {
    const peer = { version: 4, myAsn: 65003, holdTime: 90, routerId: '10.0.0.2', capabilities: caps({ asn4: 65003 }) };
    const e = (() => {
      try {
        negotiate(LOCAL, buildOpen(LOCAL), peer, ENDS);
      } catch (err) {
        return err;
      }
    })() as BgpError;
    expect(e).toBeInstanceOf(BgpError);
    expect([e.code, e.subcode]).toEqual([2, 2]);
    expect(e.message).toMatch(/65003/);
  });
  test('invalid configurations are refused with a message naming the field', () => {
    expect(() => validateConfig({ ...LOCAL, holdTime: 1 })).toThrow(/hold time/);
    expect(() => validateConfig({ ...LOCAL, routerId: '0.0.0.0' })).toThrow(/router id/);
    expect(() => validateConfig({ ...LOCAL, peerAsn: 0 })).toThrow(/peer ASN/);
    expect(() => validateConfig({ ...LOCAL, port: 70000 })).toThrow(/port/);
    expect(() => validateConfig({ ...LOCAL, families: [] })).toThrow(/families/);
  });
});

describe('ManualClock', () => {
  test('fires due timers in order, including ones set while advancing, and not cancelled ones', () => {
    const c = new ManualClock(0);
    const seen: string[] = [];
    c.setTimeout(() => seen.push('b@20'), 20);
    const x = c.setTimeout(() => seen.push('x'), 15);
    c.setTimeout(() => {
      seen.push('a@10');
      c.setTimeout(() => seen.push('c@15'), 5);
    }, 10);
    c.clearTimeout(x);
    c.advance(19);
    expect(seen).toEqual(['a@10', 'c@15']);
    expect(c.now()).toBe(19);
    c.advance(1);
    expect(seen).toEqual(['a@10', 'c@15', 'b@20']);
    expect(c.pending).toBe(0);
  });
});
