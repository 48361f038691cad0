// What one UPDATE's attribute decoders share: the attributes decoded so far and the RFC 7606
// outcome collected along the way (treat-as-withdraw reason, attribute-discard reasons). Decoders
// that must reset the session throw BgpError instead.

import type { Aggregator, AsPathSegment, CodecContext, PathAttributes } from '../types.js';

export class AttrDecodeState {
  readonly attrs: PathAttributes = {};
  withdrawReason: string | null = null;
  discards: string[] | null = null;
  /** RFC 6793 attributes from a 2-octet-AS peer, merged once every attribute is read. */
  as4Path: AsPathSegment[] | null = null;
  as4Aggregator: Aggregator | null = null;

  constructor(
    readonly ctx: CodecContext,
    /** The classic NLRI field is non-empty (NEXT_HOP matters only then, RFC 4760 §3). */
    readonly hasClassicNlri: boolean,
  ) {}

  /** RFC 7606 treat-as-withdraw: the first reason is kept. */
  withdraw(reason: string): void {
    if (this.withdrawReason === null) this.withdrawReason = reason;
  }

  /** RFC 7606 attribute discard. */
  discard(reason: string): void {
    (this.discards ??= []).push(reason);
  }
}

/** Decodes one attribute's value `b[start..start+len)`; `tlv` is the whole attribute, for error data. */
export type AttrDecoder = (b: Buffer, start: number, len: number, st: AttrDecodeState, tlv: () => Uint8Array) => void;
