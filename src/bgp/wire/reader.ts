// Splits a TCP byte stream into whole BGP messages. Messages are returned as views into the
// received chunks (no copy) — chunks are never written to, so the views stay valid.

import { checkHeader } from './header.js';
import { HEADER_LEN, MAX_MESSAGE_LEN } from './types.js';

const EMPTY = Buffer.alloc(0);

export class MessageReader {
  private buf: Buffer = EMPTY;
  private off = 0;
  private maxLength: number;

  constructor(maxLength: number = MAX_MESSAGE_LEN) {
    this.maxLength = maxLength;
  }

  /** Raises the limit once RFC 8654 extended messages are negotiated (65535). */
  setMaxLength(n: number): void {
    this.maxLength = n;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.off >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.off), chunk]);
    }
    this.off = 0;
  }

  /** The next whole message (header included), or null until more bytes arrive. Throws BgpError. */
  next(): Buffer | null {
    const avail = this.buf.length - this.off;
    if (avail < HEADER_LEN) return null;
    const len = checkHeader(this.buf, this.off, this.maxLength);
    if (avail < len) return null;
    const msg = this.buf.subarray(this.off, this.off + len);
    this.off += len;
    if (this.off === this.buf.length) {
      this.buf = EMPTY;
      this.off = 0;
    }
    return msg;
  }

  /** Bytes received but not yet returned as a message. */
  get buffered(): number {
    return this.buf.length - this.off;
  }
}
