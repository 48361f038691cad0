// NetlinkWriter: builds netlink messages and their attributes into one growable Buffer.
//
// Why one growable buffer rather than Buffer.concat of small pieces: bulk installs encode ~100k
// messages; writing in place avoids a per-attribute allocation and lets the socket send a
// datagram straight from a slice. (Passing many small iovecs also hit EMSGSIZE around 200
// messages per datagram — see notes/stack.md §2.)
//
// Usage: w.beginMessage(type, flags, seq, pid); write the family header with u8/u16/u32; add
// attributes with attr*/beginNested/endNested; w.endMessage(). Lengths are patched on end.

import { NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, align4 } from './constants.js';

export class NetlinkWriter {
  buf: Buffer;
  /** Bytes written so far. */
  length = 0;
  private msgStart = -1;
  private nests: number[] = [];

  constructor(initial = 4096) {
    this.buf = Buffer.alloc(initial);
  }

  /** Forget the contents (keeps the allocation). */
  reset(): void {
    this.length = 0;
    this.msgStart = -1;
    this.nests.length = 0;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Starts a message; returns its offset in the buffer. */
  beginMessage(type: number, flags: number, seq: number, pid = 0): number {
    if (this.msgStart >= 0) throw new Error('NetlinkWriter: beginMessage inside a message');
    this.ensure(NLMSG_HDRLEN);
    const o = this.length;
    this.buf.writeUInt32LE(0, o);
    this.buf.writeUInt16LE(type, o + 4);
    this.buf.writeUInt16LE(flags, o + 6);
    this.buf.writeUInt32LE(seq >>> 0, o + 8);
    this.buf.writeUInt32LE(pid >>> 0, o + 12);
    this.length += NLMSG_HDRLEN;
    this.msgStart = o;
    return o;
  }

  /** Drops everything from `offset` on (a message whose encoding failed half-way). */
  truncate(offset: number): void {
    this.length = offset;
    this.msgStart = -1;
    this.nests.length = 0;
  }

  /** Ends the current message: patches nlmsg_len and pads to 4 bytes. Returns its offset. */
  endMessage(): number {
    const o = this.msgStart;
    if (o < 0) throw new Error('NetlinkWriter: endMessage without beginMessage');
    if (this.nests.length) throw new Error('NetlinkWriter: unclosed nested attribute');
    this.buf.writeUInt32LE(this.length - o, o);
    this.pad();
    this.msgStart = -1;
    return o;
  }

  private pad(): void {
    const padded = align4(this.length);
    if (padded !== this.length) {
      this.ensure(padded - this.length);
      this.buf.fill(0, this.length, padded);
      this.length = padded;
    }
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.length);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v | 0, this.length);
    this.length += 4;
    return this;
  }
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Attribute with raw bytes as its value. */
  attr(type: number, value: Uint8Array): this {
    this.ensure(NLA_HDRLEN + value.length + 3);
    this.buf.writeUInt16LE(NLA_HDRLEN + value.length, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf.set(value, this.length + NLA_HDRLEN);
    this.length += NLA_HDRLEN + value.length;
    this.pad();
    return this;
  }
  attrU8(type: number, v: number): this {
    this.ensure(8);
    this.buf.writeUInt16LE(5, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf[this.length + 4] = v & 0xff;
    this.length += 5;
    this.pad();
    return this;
  }
  attrU16(type: number, v: number): this {
    this.ensure(8);
    this.buf.writeUInt16LE(6, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf.writeUInt16LE(v & 0xffff, this.length + 4);
    this.length += 6;
    this.pad();
    return this;
  }
  /** u16 in network byte order (e.g. ports in IPVS). */
  attrU16BE(type: number, v: number): this {
    this.ensure(8);
    this.buf.writeUInt16LE(6, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf.writeUInt16BE(v & 0xffff, this.length + 4);
    this.length += 6;
    this.pad();
    return this;
  }
  attrU32(type: number, v: number): this {
    this.ensure(8);
    this.buf.writeUInt16LE(8, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf.writeUInt32LE(v >>> 0, this.length + 4);
    this.length += 8;
    return this;
  }
  attrI32(type: number, v: number): this {
    this.ensure(8);
    this.buf.writeUInt16LE(8, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.buf.writeInt32LE(v | 0, this.length + 4);
    this.length += 8;
    return this;
  }
  /** NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING both accept it). */
  attrString(type: number, s: string): this {
    const b = Buffer.from(s + '\0', 'utf8');
    return this.attr(type, b);
  }
  /** Flag attribute (no payload). */
  attrFlag(type: number): this {
    this.ensure(4);
    this.buf.writeUInt16LE(4, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.length += 4;
    return this;
  }

  /** Opens a nested attribute; `nestedFlag` sets NLA_F_NESTED (generic netlink wants it, rtnetlink tolerates it). */
  beginNested(type: number, nestedFlag = false): this {
    this.ensure(NLA_HDRLEN);
    this.nests.push(this.length);
    this.buf.writeUInt16LE(0, this.length);
    this.buf.writeUInt16LE(nestedFlag ? type | NLA_F_NESTED : type, this.length + 2);
    this.length += NLA_HDRLEN;
    return this;
  }
  endNested(): this {
    const o = this.nests.pop();
    if (o === undefined) throw new Error('NetlinkWriter: endNested without beginNested');
    this.buf.writeUInt16LE(this.length - o, o);
    this.pad();
    return this;
  }

  /** Reserves `n` bytes at the current position and returns their offset (for patch-later fields). */
  reserve(n: number): number {
    this.ensure(n);
    const o = this.length;
    this.buf.fill(0, o, o + n);
    this.length += n;
    return o;
  }
}
