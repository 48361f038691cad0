// Netlink attribute (TLV) parsing: struct nlattr { u16 nla_len; u16 nla_type; } + value, 4-aligned.
// Writing lives in writer.ts. Values are returned as views (no copy): decode them before the
// underlying receive buffer is reused.

import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';

/** Calls `fn(type, value)` for every attribute in `buf[start, end)`; type has the NESTED/BYTEORDER bits masked off. */
export function forEachAttribute(
  buf: Buffer,
  start: number,
  end: number,
  fn: (type: number, value: Buffer) => void,
): void {
  let o = start;
  while (o + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(o);
    if (len < NLA_HDRLEN || o + len > end) break; // truncated or corrupt: stop rather than throw
    fn(buf.readUInt16LE(o + 2) & NLA_TYPE_MASK, buf.subarray(o + NLA_HDRLEN, o + len));
    o += align4(len);
  }
}

/** All attributes of `buf[start, end)` by type (the last one wins for repeated types). */
export function parseAttributes(buf: Buffer, start = 0, end = buf.length): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  forEachAttribute(buf, start, end, (t, v) => m.set(t, v));
  return m;
}

/** All attributes of `buf[start, end)` in order, keeping repeats (for arrays of nested items). */
export function listAttributes(buf: Buffer, start = 0, end = buf.length): { type: number; value: Buffer }[] {
  const out: { type: number; value: Buffer }[] = [];
  forEachAttribute(buf, start, end, (type, value) => out.push({ type, value }));
  return out;
}

export function attrU8(v: Buffer | undefined): number | undefined {
  return v && v.length >= 1 ? v[0] : undefined;
}
export function attrU16(v: Buffer | undefined): number | undefined {
  return v && v.length >= 2 ? v.readUInt16LE(0) : undefined;
}
export function attrU32(v: Buffer | undefined): number | undefined {
  return v && v.length >= 4 ? v.readUInt32LE(0) : undefined;
}
export function attrI32(v: Buffer | undefined): number | undefined {
  return v && v.length >= 4 ? v.readInt32LE(0) : undefined;
}
/** String attribute without its trailing NUL(s). */
export function attrString(v: Buffer | undefined): string | undefined {
  if (!v) return undefined;
  let end = v.length;
  while (end > 0 && v[end - 1] === 0) end--;
  return v.toString('utf8', 0, end);
}
