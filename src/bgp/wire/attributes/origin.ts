// ORIGIN (type 1, well-known mandatory). RFC 7606 §7.1: length ≠ 1 or an undefined value is
// malformed → treat-as-withdraw.

import type { Origin, PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { ATTR_ORIGIN, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { writeAttr } from './encode-helpers.js';

export const decodeOrigin: AttrDecoder = (b, start, len, st) => {
  if (len !== 1) return st.withdraw(`ORIGIN length ${len} is not 1`);
  const v = b[start];
  if (v > 2) return st.withdraw(`ORIGIN value ${v} is undefined`);
  st.attrs.origin = v as Origin;
};

export function encodeOrigin(a: PathAttributes, w: ByteWriter): void {
  if (a.origin === undefined) return;
  writeAttr(w, FLAG_TRANSITIVE, ATTR_ORIGIN, Uint8Array.of(a.origin));
}
