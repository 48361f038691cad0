// Writing one path attribute TLV (RFC 4271 §4.3): the extended-length bit only when needed.

import type { ByteWriter } from '../writer.js';
import { FLAG_EXTENDED_LENGTH } from '../codes.js';

export function writeAttr(w: ByteWriter, flags: number, code: number, value: Uint8Array): void {
  if (value.length > 0xffff) throw new Error(`path attribute ${code} is ${value.length} bytes, more than 65535`);
  if (value.length > 255) w.u8((flags & 0xe0) | FLAG_EXTENDED_LENGTH).u8(code).u16(value.length);
  else w.u8(flags & 0xe0).u8(code).u8(value.length);
  w.bytes(value);
}

export function u32Bytes(values: readonly number[]): Uint8Array {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeUInt32BE(values[i] >>> 0, i * 4);
  return out;
}

export function readU32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}
