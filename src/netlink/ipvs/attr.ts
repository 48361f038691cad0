// Netlink attributes (struct nlattr: u16 len, u16 type, value, padded to 4). A tiny writer and a
// flat reader; nested attributes are just a reader over a value. Host byte order is little-endian
// on every platform podroute runs on (x86_64, arm64), so "u32" below means LE and "be16" means BE.

import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Builds a sequence of attributes into one growing buffer. Values are written in place (no
 * per-attribute allocation): a full sync encodes ~60,000 requests, and under the IPVS VM's
 * emulation every allocation and copy shows.
 */
export class AttrWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 128) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Writes an attribute header for a value of `len` bytes; returns the value offset. */
  private header(type: number, len: number): number {
    const total = align4(4 + len);
    this.room(total);
    this.buf.writeUInt16LE(4 + len, this.pos);
    this.buf.writeUInt16LE(type, this.pos + 2);
    const at = this.pos + 4;
    // Zero the padding now; the value is written over the rest.
    this.buf.fill(0, at + len, this.pos + total);
    this.pos += total;
    return at;
  }

  raw(type: number, value: Uint8Array): this {
    const at = this.header(type, value.length);
    this.buf.set(value, at);
    return this;
  }
  u8(type: number, v: number): this {
    this.buf.writeUInt8(v & 0xff, this.header(type, 1));
    return this;
  }
  u16(type: number, v: number): this {
    this.buf.writeUInt16LE(v, this.header(type, 2));
    return this;
  }
  be16(type: number, v: number): this {
    this.buf.writeUInt16BE(v, this.header(type, 2));
    return this;
  }
  u32(type: number, v: number): this {
    this.buf.writeUInt32LE(v >>> 0, this.header(type, 4));
    return this;
  }
  /** NUL-terminated string, as the kernel's NLA_NUL_STRING policy expects. */
  str(type: number, s: string): this {
    const at = this.header(type, s.length + 1);
    this.buf.write(s, at, 'latin1');
    this.buf[at + s.length] = 0;
    return this;
  }
  /** Nested attribute. The flag is harmless for IPVS (it parses with nla_parse_nested_deprecated). */
  nested(type: number, inner: AttrWriter): this {
    const at = this.header(type | NLA_F_NESTED, inner.pos);
    inner.buf.copy(this.buf, at, 0, inner.pos);
    return this;
  }
  get length(): number {
    return this.pos;
  }
  /** The bytes written (a view: do not keep writing after taking it). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
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
