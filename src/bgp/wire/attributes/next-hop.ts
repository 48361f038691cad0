// NEXT_HOP (type 3). RFC 7606 §7.3: length ≠ 4 → treat-as-withdraw. RFC 4271 §6.3: a semantically
// bad next hop (0.0.0.0, multicast, broadcast) means the routes are ignored, with no NOTIFICATION —
// which is treat-as-withdraw too. RFC 4760 §3: when the UPDATE has no classic NLRI, NEXT_HOP is to be
// ignored, so its errors only discard it then.

import type { PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { formatIpv4, parseIpv4 } from '../address.js';
import { ATTR_NEXT_HOP, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { writeAttr } from './encode-helpers.js';

export const decodeNextHop: AttrDecoder = (b, start, len, st) => {
  const bad = (why: string) => (st.hasClassicNlri ? st.withdraw(why) : st.discard(why));
  if (len !== 4) return bad(`NEXT_HOP length ${len} is not 4`);
  const a = b[start];
  if ((a === 0 && b[start + 1] === 0 && b[start + 2] === 0 && b[start + 3] === 0) || a >= 224) {
    return bad(`NEXT_HOP ${formatIpv4(b, start)} is not a unicast address`);
  }
  st.attrs.nextHop = formatIpv4(b, start);
};

export function encodeNextHop(a: PathAttributes, w: ByteWriter): void {
  if (a.nextHop === undefined) return;
  writeAttr(w, FLAG_TRANSITIVE, ATTR_NEXT_HOP, parseIpv4(a.nextHop));
}
