// The bgp-receive benchmark's own encoder and prefix set (pure; lives here with the bench harness):
// the numbers notes/bgp-baselines.md quotes must hold, or the benchmark measures something else.
import { expect, test } from '@jest/globals';
import { endOfRib, keepalive, open, updates } from '../../../bench/bgp-receive/encoder.js';
import { generatePrefixes } from '../../../bench/bgp-receive/prefixes.js';

test('1M prefixes: distinct, half /24, the rest /25–/32', () => {
  const ps = generatePrefixes(1_000_000);
  expect(ps).toHaveLength(1_000_000);
  expect(new Set(ps.map((p) => `${p.address}/${p.length}`)).size).toBe(1_000_000);
  expect(ps.filter((p) => p.length === 24)).toHaveLength(500_000);
  for (let len = 25; len <= 32; len++) expect(ps.filter((p) => p.length === len).length).toBeGreaterThan(62_000);
  // Host bits are zero: receivers would otherwise reject or normalise them.
  for (const p of ps.slice(0, 5000)) expect(p.address % 2 ** (32 - p.length)).toBe(0);
});

test('UPDATEs: ≤ 4096 bytes, one attribute set, ~900 NLRI each; 1M = 1,112 UPDATEs ≈ 4.55 MB', () => {
  const ps = generatePrefixes(1_000_000);
  const { data, count } = updates(ps, 65001, '10.255.0.1');
  expect(count).toBe(1112);
  expect(data.length / 1e6).toBeCloseTo(4.55, 1);
  let off = 0;
  let nlri = 0;
  let messages = 0;
  while (off < data.length) {
    const len = data.readUInt16BE(off + 16);
    expect(data.subarray(off, off + 16).every((b) => b === 0xff)).toBe(true);
    expect(data[off + 18]).toBe(2);
    expect(len).toBeLessThanOrEqual(4096);
    const attrLen = data.readUInt16BE(off + 21);
    expect(data.readUInt16BE(off + 19)).toBe(0);
    // ORIGIN IGP, AS_PATH [65001] as a 4-octet AS, NEXT_HOP 10.255.0.1.
    expect([...data.subarray(off + 23, off + 23 + attrLen)]).toEqual([0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9, 0x40, 3, 4, 10, 255, 0, 1]);
    for (let p = off + 23 + attrLen; p < off + len; p += 1 + ((data[p] + 7) >> 3)) nlri++;
    off += len;
    messages++;
  }
  expect(off).toBe(data.length);
  expect(messages).toBe(count);
  expect(nlri).toBe(1_000_000);
});

test('OPEN carries MP IPv4 unicast, route-refresh and the 4-octet AS; KEEPALIVE and End-of-RIB are bare', () => {
  const o = open(65001, 180, '10.255.0.1');
  expect(o.readUInt16BE(16)).toBe(o.length);
  expect(o[18]).toBe(1);
  expect(o.readUInt16BE(20)).toBe(65001);
  expect(o.readUInt16BE(22)).toBe(180);
  expect([...o.subarray(29)]).toEqual([2, 14, 1, 4, 0, 1, 0, 1, 2, 0, 65, 4, 0, 0, 0xfd, 0xe9]);
  expect(open(4200000001, 90, '1.2.3.4').readUInt16BE(20)).toBe(23456);
  expect([...keepalive().subarray(16)]).toEqual([0, 19, 4]);
  expect([...endOfRib().subarray(16)]).toEqual([0, 23, 2, 0, 0, 0, 0]);
});
