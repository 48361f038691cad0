// Netlink attributes (struct nlattr: u16 len, u16 type, value, padded to 4). A tiny writer and a
// flat reader; nested attributes are just a reader over a value. Host byte order is little-endian
// on every platform podroute runs on (x86_64, arm64), so "u32" below means LE and "be16" means BE.

import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

const align4 = (n: number): number => (n + 3) & ~3;

/** Builds a sequence of attributes into one buffer. */
export class AttrWriter {
  private parts: Buffer[] = [];
  private length = 0;

  raw(type: number, value: Buffer): this {
    const hdr = Buffer.alloc(4);
    hdr.writeUInt16LE(4 + value.length, 0);
    hdr.writeUInt16LE(type, 2);
    this.parts.push(hdr, value);
    const pad = align4(value.length) - value.length;
    if (pad) this.parts.push(Buffer.alloc(pad));
    this.length += 4 + align4(value.length);
    return this;
  }
  u8(type: number, v: number): this {
    return this.raw(type, Buffer.from([v & 0xff]));
  }
  u16(type: number, v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v, 0);
    return this.raw(type, b);
  }
  be16(type: number, v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v, 0);
    return this.raw(type, b);
  }
  u32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0, 0);
    return this.raw(type, b);
  }
  /** NUL-terminated string, as the kernel's NLA_NUL_STRING policy expects. */
  str(type: number, s: string): this {
    return this.raw(type, Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(1)]));
  }
  /** Nested attribute. The flag is harmless for IPVS (it parses with nla_parse_nested_deprecated). */
  nested(type: number, inner: AttrWriter): this {
    return this.raw(type | NLA_F_NESTED, inner.toBuffer());
  }
  toBuffer(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
  }
}

export class AttrError extends Error {
  override name = 'AttrError';
}

/** Parses one level of attributes into type → value (subarrays, no copy). Later duplicates win. */
export function parseAttrs(buf: Buffer): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  let o = 0;
  while (o + 4 <= buf.length) {
    const len = buf.readUInt16LE(o);
    const type = buf.readUInt16LE(o + 2) & NLA_TYPE_MASK;
    if (len < 4 || o + len > buf.length) throw new AttrError(`bad attribute length ${len} at offset ${o} of ${buf.length}`);
    m.set(type, buf.subarray(o + 4, o + len));
    o += align4(len);
  }
  return m;
}

/** Typed getters that fail with the attribute name when the kernel sent something short. */
export function need(m: Map<number, Buffer>, type: number, what: string, min: number): Buffer {
  const v = m.get(type);
  if (!v) throw new AttrError(`missing ${what}`);
  if (v.length < min) throw new AttrError(`${what}: ${v.length} bytes, want ${min}`);
  return v;
}
export const getU8 = (m: Map<number, Buffer>, t: number, what: string): number => need(m, t, what, 1).readUInt8(0);
export const getU16 = (m: Map<number, Buffer>, t: number, what: string): number => need(m, t, what, 2).readUInt16LE(0);
export const getBe16 = (m: Map<number, Buffer>, t: number, what: string): number => need(m, t, what, 2).readUInt16BE(0);
export const getU32 = (m: Map<number, Buffer>, t: number, what: string): number => need(m, t, what, 4).readUInt32LE(0);
export const getU64 = (m: Map<number, Buffer>, t: number, what: string): bigint => need(m, t, what, 8).readBigUInt64LE(0);
export function getStr(m: Map<number, Buffer>, t: number, what: string): string {
  const v = need(m, t, what, 0);
  const nul = v.indexOf(0);
  return v.subarray(0, nul < 0 ? v.length : nul).toString('latin1');
}
