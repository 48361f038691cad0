// MULTI_EXIT_DISC (type 4) and LOCAL_PREF (type 5): the two 32-bit preference values.
// RFC 7606 §7.4: MED length ≠ 4 → treat-as-withdraw.
// RFC 7606 §7.5: LOCAL_PREF from an external neighbor is discarded; from an internal neighbor,
// length ≠ 4 → treat-as-withdraw.

import type { PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { ATTR_LOCAL_PREF, ATTR_MED, FLAG_OPTIONAL, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { readU32, u32Bytes, writeAttr } from './encode-helpers.js';

export const decodeMed: AttrDecoder = (b, start, len, st) => {
  if (len !== 4) return st.withdraw(`MULTI_EXIT_DISC length ${len} is not 4`);
  st.attrs.med = readU32(b, start);
};

export const decodeLocalPref: AttrDecoder = (b, start, len, st) => {
  if (st.ctx.ebgp) return st.discard('LOCAL_PREF from an external peer discarded');
  if (len !== 4) return st.withdraw(`LOCAL_PREF length ${len} is not 4`);
  st.attrs.localPref = readU32(b, start);
};

export function encodeMed(a: PathAttributes, w: ByteWriter): void {
  if (a.med !== undefined) writeAttr(w, FLAG_OPTIONAL, ATTR_MED, u32Bytes([a.med]));
}

export function encodeLocalPref(a: PathAttributes, w: ByteWriter): void {
  if (a.localPref !== undefined) writeAttr(w, FLAG_TRANSITIVE, ATTR_LOCAL_PREF, u32Bytes([a.localPref]));
}
