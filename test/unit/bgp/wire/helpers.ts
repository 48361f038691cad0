// Shared test helpers for the wire codec tests.
import { DEFAULT_CODEC_CONTEXT, type CodecContext, type Family } from '../../../../src/bgp/wire/index.js';

export function ctx(over: Partial<CodecContext> = {}): CodecContext {
  return { ...DEFAULT_CODEC_CONTEXT, ...over };
}

export function fams(...f: Family[]): ReadonlySet<Family> {
  return new Set(f);
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/[^0-9a-fA-F]/g, ''), 'hex');
}

export const MARKER = 'ff'.repeat(16);

/** A whole message: marker + length + type + body (hex). */
export function msg(type: number, bodyHex: string): Buffer {
  const body = hex(bodyHex);
  const b = Buffer.alloc(19 + body.length, 0xff);
  b.writeUInt16BE(19 + body.length, 16);
  b[18] = type;
  body.copy(b, 19);
  return b;
}

/** An UPDATE from its three sections (hex). */
export function update(withdrawnHex: string, attrsHex: string, nlriHex: string): Buffer {
  const w = hex(withdrawnHex);
  const a = hex(attrsHex);
  const n = hex(nlriHex);
  const body = Buffer.concat([u16(w.length), w, u16(a.length), a, n]);
  return msg(2, body.toString('hex'));
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
