import { describe, expect, test } from '@jest/globals';
import { BgpError, MessageReader, encodeKeepalive, encodeUpdate, encodeRouteRefresh } from '../../../../src/bgp/wire/index.js';
import { ctx } from './helpers.js';

const big = () => encodeUpdate({
  withdrawn: { prefixes: [] }, attributes: { origin: 0, asPath: [], nextHop: '10.0.0.1' },
  nlri: { prefixes: Array.from({ length: 1500 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`) },
}, ctx({ extendedMessage: true }));

describe('MessageReader', () => {
  test('reassembles messages split at every byte boundary', () => {
    const stream = Buffer.concat([encodeKeepalive(), encodeRouteRefresh(1, 1), encodeKeepalive()]);
    const r = new MessageReader();
    const out: string[] = [];
    for (const byte of stream) {
      r.push(Buffer.of(byte));
      for (let m = r.next(); m !== null; m = r.next()) out.push(m.toString('hex'));
    }
    expect(out).toEqual([encodeKeepalive(), encodeRouteRefresh(1, 1), encodeKeepalive()].map((b) => b.toString('hex')));
    expect(r.buffered).toBe(0);
  });
  test('returns several messages from one chunk and keeps a partial tail', () => {
    const r = new MessageReader();
    const ka = encodeKeepalive();
    r.push(Buffer.concat([ka, ka, ka.subarray(0, 5)]));
    expect(r.next()).toEqual(ka);
    expect(r.next()).toEqual(ka);
    expect(r.next()).toBeNull();
    expect(r.buffered).toBe(5);
    r.push(ka.subarray(5));
    expect(r.next()).toEqual(ka);
  });
  test('waits for a whole header before checking it', () => {
    const r = new MessageReader();
    r.push(Buffer.alloc(18, 0xff));
    expect(r.next()).toBeNull();
  });
  test('4096 limit until setMaxLength(65535)', () => {
    const b = big();
    const r = new MessageReader();
    r.push(b);
    expect(() => r.next()).toThrow(BgpError);
    const r2 = new MessageReader();
    r2.setMaxLength(65535);
    r2.push(b.subarray(0, 1000));
    expect(r2.next()).toBeNull();
    r2.push(b.subarray(1000));
    expect(r2.next()!.length).toBe(b.length);
  });
  test('bad marker is (1,1)', () => {
    const r = new MessageReader();
    r.push(Buffer.alloc(19, 0));
    try { r.next(); throw new Error('no throw'); } catch (e) {
      expect(e).toBeInstanceOf(BgpError);
      expect([(e as BgpError).code, (e as BgpError).subcode]).toEqual([1, 1]);
    }
  });
});
