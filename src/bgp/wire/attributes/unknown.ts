// Attributes we do not interpret (RFC 4271 §5, §9): optional ones are kept byte-exact; an optional
// transitive one is passed on with the Partial bit set, an optional non-transitive one is not passed
// on. A well-known attribute we do not recognize resets the session (RFC 4271 §6.3, 3/2).

import type { PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { BgpError, ERR_UPDATE, UPD_UNRECOGNIZED_WELLKNOWN } from '../errors.js';
import { FLAG_OPTIONAL, FLAG_PARTIAL, FLAG_TRANSITIVE } from '../codes.js';
import { writeAttr } from './encode-helpers.js';
import type { AttrDecodeState } from './state.js';

export function decodeUnknown(flags: number, code: number, b: Buffer, start: number, len: number, st: AttrDecodeState, tlv: () => Uint8Array): void {
  if ((flags & FLAG_OPTIONAL) === 0) {
    throw new BgpError(ERR_UPDATE, UPD_UNRECOGNIZED_WELLKNOWN, `unrecognized well-known attribute ${code}`, tlv());
  }
  (st.attrs.unknown ??= []).push({ flags: flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE | FLAG_PARTIAL), code, value: new Uint8Array(b.subarray(start, start + len)) });
}

export function encodeUnknown(a: PathAttributes, w: ByteWriter): void {
  if (a.unknown === undefined) return;
  for (const u of a.unknown) {
    if ((u.flags & FLAG_OPTIONAL) === 0) throw new Error(`cannot pass on unrecognized well-known attribute ${u.code}`);
    if ((u.flags & FLAG_TRANSITIVE) === 0) continue;
    writeAttr(w, u.flags | FLAG_PARTIAL, u.code, u.value);
  }
}
