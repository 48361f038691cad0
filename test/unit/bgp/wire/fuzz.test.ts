// Bounded fuzzing with a fixed seed: random bytes and mutations of valid messages. decodeMessage
// (and MessageReader) may only return a message or throw BgpError — never any other exception.
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  BgpError, decodeMessage, encodeOpen, encodeUpdate, encodeRouteRefresh, encodeNotification, MessageReader,
  type CodecContext,
} from '../../../../src/bgp/wire/index.js';
import { capabilities, contexts, nlriList, pathAttributes, v6addr } from './arbitraries.js';

/** mulberry32: a tiny deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixLength(b: Buffer): Buffer {
  if (b.length >= 18) b.writeUInt16BE(Math.min(b.length, 0xffff), 16);
  return b;
}

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const op = Math.floor(r() * 5);
    const at = 19 + Math.floor(r() * Math.max(1, b.length - 19));
    if (op === 0 && b.length > 19) b[at % b.length] = Math.floor(r() * 256); // overwrite a byte
    else if (op === 1 && b.length > 19) b[at % b.length] ^= 1 << Math.floor(r() * 8); // flip a bit
    else if (op === 2) b = b.subarray(0, Math.max(19, at)); // truncate
    else if (op === 3) b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]); // insert
    else if (b.length > at + 1) b.writeUInt16BE(Math.floor(r() * 0x10000), at); // smash a 16-bit length-like field
  }
  // Mostly keep the header consistent so the mutation reaches the body decoders.
  return r() < 0.9 ? fixLength(b) : b;
}

function check(b: Buffer, c: CodecContext): void {
  try {
    const m = decodeMessage(b, c);
    expect(typeof m.type).toBe('number');
  } catch (e) {
    if (!(e instanceof BgpError)) throw new Error(`non-BgpError for ${b.toString('hex')}: ${(e as Error)?.stack ?? e}`);
    expect(e.code).toBeGreaterThanOrEqual(1);
    expect(e.code).toBeLessThanOrEqual(7);
  }
}

// Valid seeds of every type, from the round-trip generators.
const seedArb = contexts.chain((c) => fc.tuple(
  fc.constant(c),
  pathAttributes(c),
  nlriList('ipv4-unicast', c.addPathSend.has('ipv4-unicast'), 30),
  nlriList('ipv6-unicast', c.addPathSend.has('ipv6-unicast'), 10),
  v6addr,
  capabilities,
));
const seeds = fc.sample(seedArb, { numRuns: 60, seed: 1234 }).map(([c, attrs, v4, v6, nh, caps]) => ({
  c,
  msgs: [
    encodeUpdate({ withdrawn: v4, attributes: { ...attrs, mpReach: { afi: 2, safi: 1, nextHop: nh, nlri: v6 } }, nlri: v4 }, c),
    encodeUpdate({ withdrawn: { prefixes: [] }, attributes: { ...attrs, mpUnreach: { afi: 2, safi: 1, withdrawn: v6 } }, nlri: v4 }, c),
    encodeOpen({ version: 4, myAsn: 65001, holdTime: 90, routerId: '10.0.0.1', capabilities: caps }),
    encodeRouteRefresh(1, 1, 1),
    encodeNotification(6, 2, Buffer.from('bye')),
  ],
}));

test('mutations of valid messages: only messages or BgpError (6000 cases)', () => {
  const r = rng(0xb6b);
  let count = 0;
  for (let i = 0; i < 20; i++) {
    for (const s of seeds) {
      for (const m of s.msgs) {
        check(mutate(m, r), s.c);
        count++;
      }
    }
  }
  expect(count).toBe(6000);
});

test('random bodies behind a valid header: only messages or BgpError (3000 cases)', () => {
  const r = rng(42);
  const cs = fc.sample(contexts, { numRuns: 10, seed: 3 });
  for (let i = 0; i < 3000; i++) {
    const len = 19 + Math.floor(r() * 200);
    const b = Buffer.alloc(len);
    for (let k = 19; k < len; k++) b[k] = Math.floor(r() * 256);
    b.fill(0xff, 0, 16);
    b.writeUInt16BE(len, 16);
    b[18] = 1 + Math.floor(r() * 5);
    check(b, cs[i % cs.length]);
  }
});

test('random byte streams through MessageReader: only Buffers, null or BgpError (1000 streams)', () => {
  const r = rng(7);
  for (let i = 0; i < 1000; i++) {
    const reader = new MessageReader();
    const b = Buffer.alloc(Math.floor(r() * 300));
    for (let k = 0; k < b.length; k++) b[k] = r() < 0.7 ? 0xff : Math.floor(r() * 256);
    try {
      reader.push(b);
      for (let m = reader.next(); m !== null; m = reader.next()) expect(Buffer.isBuffer(m)).toBe(true);
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
    }
  }
});
