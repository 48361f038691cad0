// Route reflection (RFC 4456): ORIGINATOR_ID (type 9) and CLUSTER_LIST (type 10).
// RFC 7606 §7.9/§7.10: from an external neighbor both are discarded; from an internal one,
// ORIGINATOR_ID length ≠ 4 or CLUSTER_LIST length not a non-zero multiple of 4 → treat-as-withdraw.

import type { PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { formatIpv4, parseIpv4 } from '../address.js';
import { ATTR_CLUSTER_LIST, ATTR_ORIGINATOR_ID, FLAG_OPTIONAL } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { writeAttr } from './encode-helpers.js';

export const decodeOriginatorId: AttrDecoder = (b, start, len, st) => {
  if (st.ctx.ebgp) return st.discard('ORIGINATOR_ID from an external peer discarded');
  if (len !== 4) return st.withdraw(`ORIGINATOR_ID length ${len} is not 4`);
  st.attrs.originatorId = formatIpv4(b, start);
};

export const decodeClusterList: AttrDecoder = (b, start, len, st) => {
  if (st.ctx.ebgp) return st.discard('CLUSTER_LIST from an external peer discarded');
  if (len === 0 || len % 4 !== 0) return st.withdraw(`CLUSTER_LIST length ${len} is not a non-zero multiple of 4`);
  const ids: string[] = [];
  for (let p = start; p < start + len; p += 4) ids.push(formatIpv4(b, p));
  st.attrs.clusterList = ids;
};

export function encodeOriginatorId(a: PathAttributes, w: ByteWriter): void {
  if (a.originatorId !== undefined) writeAttr(w, FLAG_OPTIONAL, ATTR_ORIGINATOR_ID, parseIpv4(a.originatorId));
}

export function encodeClusterList(a: PathAttributes, w: ByteWriter): void {
  if (a.clusterList === undefined) return;
  if (a.clusterList.length === 0) throw new Error('CLUSTER_LIST must not be empty');
  const v = new Uint8Array(a.clusterList.length * 4);
  a.clusterList.forEach((id, i) => v.set(parseIpv4(id), i * 4));
  writeAttr(w, FLAG_OPTIONAL, ATTR_CLUSTER_LIST, v);
}
