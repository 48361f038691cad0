// IPVS counters. The kernel sends both IPVS_*_ATTR_STATS (32-bit rates/packets) and STATS64;
// we prefer STATS64 because the 32-bit packet counters wrap on a busy VIP within hours.

import { AttrWriter, parseAttrs } from './attr.js';
import { StatsAttr } from './constants.js';
import type { IpvsStats } from './types.js';

const FIELDS: [keyof IpvsStats, number, 32 | 64][] = [
  ['conns', StatsAttr.CONNS, 32],
  ['inPkts', StatsAttr.INPKTS, 32],
  ['outPkts', StatsAttr.OUTPKTS, 32],
  ['inBytes', StatsAttr.INBYTES, 64],
  ['outBytes', StatsAttr.OUTBYTES, 64],
  ['cps', StatsAttr.CPS, 32],
  ['inPps', StatsAttr.INPPS, 32],
  ['outPps', StatsAttr.OUTPPS, 32],
  ['inBps', StatsAttr.INBPS, 32],
  ['outBps', StatsAttr.OUTBPS, 32],
];

export function zeroStats(): IpvsStats {
  return { conns: 0n, inPkts: 0n, outPkts: 0n, inBytes: 0n, outBytes: 0n, cps: 0n, inPps: 0n, outPps: 0n, inBps: 0n, outBps: 0n };
}

/** Decodes a nested stats attribute. `wide` = STATS64 (every field u64). Missing fields read 0. */
export function decodeStats(buf: Buffer, wide: boolean): IpvsStats {
  const m = parseAttrs(buf);
  const s = zeroStats();
  for (const [k, t, w] of FIELDS) {
    const v = m.get(t);
    if (!v) continue;
    if (wide || w === 64) s[k] = v.length >= 8 ? v.readBigUInt64LE(0) : 0n;
    else s[k] = v.length >= 4 ? BigInt(v.readUInt32LE(0)) : 0n;
  }
  return s;
}

/** Encodes stats as the kernel does (used by tests and fakes to build dump replies). */
export function encodeStats(s: IpvsStats, wide: boolean): AttrWriter {
  const w = new AttrWriter();
  for (const [k, t, width] of FIELDS) {
    if (wide || width === 64) {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(s[k], 0);
      w.raw(t, b);
    } else w.u32(t, Number(s[k] & 0xffffffffn));
  }
  return w;
}
