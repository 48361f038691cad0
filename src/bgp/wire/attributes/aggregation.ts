// Aggregation attributes: ATOMIC_AGGREGATE (6), AGGREGATOR (7), AS4_AGGREGATOR (18).
// None affects route selection, so RFC 7606 §7.6/§7.7 and RFC 6793 §6 make every error here an
// attribute discard: ATOMIC_AGGREGATE length ≠ 0; AGGREGATOR length ≠ 8 (4-octet AS session) or
// ≠ 6 (2-octet); AS4_AGGREGATOR length ≠ 8 or from a 4-octet-AS peer; AS 0 in either (RFC 7607).

import { AS_TRANS, type CodecContext, type PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { formatIpv4, parseIpv4 } from '../address.js';
import { ATTR_AGGREGATOR, ATTR_AS4_AGGREGATOR, ATTR_ATOMIC_AGGREGATE, FLAG_OPTIONAL, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { readU32, writeAttr } from './encode-helpers.js';

export const decodeAtomicAggregate: AttrDecoder = (_b, _start, len, st) => {
  if (len !== 0) return st.discard(`ATOMIC_AGGREGATE length ${len} is not 0; discarded`);
  st.attrs.atomicAggregate = true;
};

export const decodeAggregator: AttrDecoder = (b, start, len, st) => {
  const want = st.ctx.asn4 ? 8 : 6;
  if (len !== want) return st.discard(`AGGREGATOR length ${len} is not ${want}; discarded`);
  const asn = want === 8 ? readU32(b, start) : (b[start] << 8) | b[start + 1];
  if (asn === 0) return st.discard('AGGREGATOR with AS 0 discarded');
  st.attrs.aggregator = { asn, address: formatIpv4(b, start + want - 4) };
};

export const decodeAs4Aggregator: AttrDecoder = (b, start, len, st) => {
  if (st.ctx.asn4) return st.discard('AS4_AGGREGATOR from a 4-octet-AS peer discarded');
  if (len !== 8) return st.discard(`AS4_AGGREGATOR length ${len} is not 8; discarded`);
  const asn = readU32(b, start);
  if (asn === 0) return st.discard('AS4_AGGREGATOR with AS 0 discarded');
  st.as4Aggregator = { asn, address: formatIpv4(b, start + 4) };
};

const OT = FLAG_OPTIONAL | FLAG_TRANSITIVE;

export function encodeAtomicAggregate(a: PathAttributes, w: ByteWriter): void {
  if (a.atomicAggregate) writeAttr(w, FLAG_TRANSITIVE, ATTR_ATOMIC_AGGREGATE, new Uint8Array(0));
}

function asnAddr(asn: number, address: string, width: 2 | 4): Uint8Array {
  if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new Error(`AGGREGATOR ASN ${asn} out of range`);
  const v = Buffer.alloc(width + 4);
  if (width === 4) v.writeUInt32BE(asn, 0);
  else v.writeUInt16BE(asn > 0xffff ? AS_TRANS : asn, 0);
  v.set(parseIpv4(address), width);
  return v;
}

export function encodeAggregator(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  if (a.aggregator === undefined) return;
  writeAttr(w, OT, ATTR_AGGREGATOR, asnAddr(a.aggregator.asn, a.aggregator.address, ctx.asn4 ? 4 : 2));
}

export function encodeAs4Aggregator(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  if (ctx.asn4 || a.aggregator === undefined || a.aggregator.asn <= 0xffff) return;
  writeAttr(w, OT, ATTR_AS4_AGGREGATOR, asnAddr(a.aggregator.asn, a.aggregator.address, 4));
}
