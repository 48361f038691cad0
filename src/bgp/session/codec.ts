// The part of the wire codec the session engine uses, as an interface: the engine is built against
// this shape and gets the real codec from index.ts, so unit tests can also run it against a stub.
import type { BgpMessage, CodecContext, OpenMessage } from '../wire/types.js';

export interface MessageFramer {
  setMaxLength(n: number): void;
  push(chunk: Buffer): void;
  /** The next complete message (header included) or null; throws BgpError on a bad header. */
  next(): Buffer | null;
}

export interface SessionCodec {
  newReader(maxLength?: number): MessageFramer;
  /** Throws BgpError for errors that reset the session. */
  decodeMessage(msg: Buffer, ctx: CodecContext): BgpMessage;
  encodeOpen(m: Omit<OpenMessage, 'type'>): Buffer;
  encodeKeepalive(): Buffer;
  encodeNotification(code: number, subcode: number, data?: Uint8Array): Buffer;
  encodeRouteRefresh(afi: number, safi: number, subtype?: number): Buffer;
}
