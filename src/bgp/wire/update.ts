// UPDATE messages (RFC 4271 §4.3) with RFC 7606 revised error handling.
//
// Outcomes: errors that leave the message unparseable (field lengths that do not add up, bad NLRI
// syntax, broken MP_* attributes, repeated MP_* attributes, unrecognized well-known attributes)
// throw BgpError → session reset. Everything else is recorded on the message: `treatAsWithdraw`
// (all NLRI it carries become withdrawals) or `discarded` (attributes dropped, routes kept).

import { MSG_UPDATE, type CodecContext, type NlriList, type PathAttributes, type UpdateMessage } from './types.js';
import { BgpError, ERR_UPDATE, UPD_INVALID_NETWORK_FIELD, UPD_MALFORMED_ATTRIBUTE_LIST } from './errors.js';
import {
  ATTR_AS_PATH, ATTR_CLUSTER_LIST, ATTR_LOCAL_PREF, ATTR_MP_REACH_NLRI, ATTR_MP_UNREACH_NLRI, ATTR_NEXT_HOP, ATTR_ORIGIN,
  ATTR_ORIGINATOR_ID, FLAG_EXTENDED_LENGTH, FLAG_OPTIONAL, FLAG_TRANSITIVE,
} from './codes.js';
import { decodeIpv4Nlri, writeNlriList } from './nlri.js';
import { AttrDecodeState } from './attributes/state.js';
import { ATTRIBUTE_CODECS, ATTRIBUTE_ENCODERS, encodeMpReach, encodeMpUnreach } from './attributes/table.js';
import { decodeUnknown } from './attributes/unknown.js';
import { mergeAs4Path } from './attributes/as-path.js';
import { AS_TRANS, HEADER_LEN, MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN } from './types.js';
import { ByteWriter } from './writer.js';
import { writeHeader } from './header.js';

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

function classicNlri(b: Buffer, start: number, end: number, addPath: boolean, field: string): NlriList {
  const prefixes: string[] = [];
  const ids: number[] | null = addPath ? [] : null;
  const err = decodeIpv4Nlri(b, start, end, prefixes, ids);
  // RFC 4271 §6.3 (NLRI field) and RFC 7606 §5.3: an unparseable field cannot be treated as
  // withdrawn, so the session is reset with Invalid Network Field.
  if (err !== null) throw new BgpError(ERR_UPDATE, UPD_INVALID_NETWORK_FIELD, `${field}: ${err}`);
  return ids === null ? { prefixes } : { prefixes, pathIds: ids };
}

/** Decodes a whole UPDATE message (header included, already checked). */
export function decodeUpdate(b: Buffer, ctx: CodecContext): UpdateMessage {
  const end = b.length;
  let p = HEADER_LEN;
  const wl = (b[p] << 8) | b[p + 1];
  p += 2;
  if (p + wl + 2 > end) {
    throw new BgpError(ERR_UPDATE, UPD_MALFORMED_ATTRIBUTE_LIST, `Withdrawn Routes Length ${wl} exceeds the message`);
  }
  const wEnd = p + wl;
  const ta = (b[wEnd] << 8) | b[wEnd + 1];
  const aStart = wEnd + 2;
  const aEnd = aStart + ta;
  if (aEnd > end) {
    throw new BgpError(ERR_UPDATE, UPD_MALFORMED_ATTRIBUTE_LIST, `Total Path Attribute Length ${ta} exceeds the message`);
  }
  const v4AddPath = ctx.addPathReceive.has('ipv4-unicast');
  const withdrawn = classicNlri(b, p, wEnd, v4AddPath, 'Withdrawn Routes');

  const st = new AttrDecodeState(ctx, end > aEnd);
  let mpRanges: number[] | null = null; // [start, end, ...] of MP_* attributes, left out of attrKey
  let mpReachHead = '';
  const seen = new Uint8Array(256);
  let q = aStart;
  while (q < aEnd) {
    // RFC 7606 §4: an attribute header or value that runs past Total Path Attribute Length is
    // treat-as-withdraw; the NLRI field is still found from Total Path Attribute Length.
    if (aEnd - q < 3) { st.withdraw(`${aEnd - q} octets left in the path attributes, too few for an attribute`); break; }
    const flags = b[q];
    const code = b[q + 1];
    const ext = (flags & FLAG_EXTENDED_LENGTH) !== 0;
    if (ext && aEnd - q < 4) { st.withdraw('3 octets left in the path attributes, too few for an extended-length attribute'); break; }
    const vlen = ext ? (b[q + 2] << 8) | b[q + 3] : b[q + 2];
    const vstart = q + (ext ? 4 : 3);
    const tlvStart = q;
    const tlvEnd = vstart + vlen;
    if (tlvEnd > aEnd) { st.withdraw(`attribute ${code} length ${vlen} overruns the path attributes`); break; }
    q = tlvEnd;
    const isMp = code === ATTR_MP_REACH_NLRI || code === ATTR_MP_UNREACH_NLRI;
    if (seen[code] !== 0) {
      // RFC 7606 §3 (g): repeated MP_* resets the session; other repeats are discarded.
      if (isMp) throw new BgpError(ERR_UPDATE, UPD_MALFORMED_ATTRIBUTE_LIST, `attribute ${code} appears more than once`);
      st.discard(`repeated attribute ${code} discarded`);
      continue;
    }
    seen[code] = 1;
    const tlv = () => new Uint8Array(b.subarray(tlvStart, tlvEnd));
    const codec = ATTRIBUTE_CODECS.get(code);
    if (codec === undefined) { decodeUnknown(flags, code, b, vstart, vlen, st, tlv); continue; }
    if (isMp) {
      (mpRanges ??= []).push(tlvStart, tlvEnd);
      if (code === ATTR_MP_REACH_NLRI && vlen >= 5 && 5 + b[vstart + 3] <= vlen) {
        mpReachHead = b.toString('latin1', vstart, vstart + 4 + b[vstart + 3]);
      }
    }
    const ot = flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE);
    // From an external peer LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST are discarded whatever their
    // flags (RFC 7606 §7.5, §7.9, §7.10), so their decoders run first.
    if (ot !== codec.flags && !(ctx.ebgp && (code === ATTR_LOCAL_PREF || code === ATTR_ORIGINATOR_ID || code === ATTR_CLUSTER_LIST))) {
      // RFC 7606 §3 (c): Optional/Transitive bits in conflict → malformed → treat-as-withdraw.
      // MP_* are still parsed: their NLRI are what must be withdrawn.
      st.withdraw(`${codec.name} has attribute flags ${hex2(flags)}, expected ${hex2(codec.flags)}`);
      if (!isMp) continue;
    }
    codec.decode(b, vstart, vlen, st, tlv);
  }

  const nlri = classicNlri(b, aEnd, end, v4AddPath, 'NLRI');
  const attrs = st.attrs;
  if (!ctx.asn4) mergeAs4(st);

  // RFC 7606 §3 (d): a missing well-known mandatory attribute → treat-as-withdraw. They are
  // mandatory only when the UPDATE carries reachable NLRI; NEXT_HOP only for classic NLRI (RFC 4760).
  const hasMpNlri = attrs.mpReach !== undefined && attrs.mpReach.nlri.prefixes.length > 0;
  if (nlri.prefixes.length > 0 || hasMpNlri) {
    if (attrs.origin === undefined && !seen[ATTR_ORIGIN]) st.withdraw('missing well-known attribute ORIGIN');
    if (attrs.asPath === undefined && !seen[ATTR_AS_PATH]) st.withdraw('missing well-known attribute AS_PATH');
    if (nlri.prefixes.length > 0 && attrs.nextHop === undefined && !seen[ATTR_NEXT_HOP]) st.withdraw('missing well-known attribute NEXT_HOP');
  }

  const msg: UpdateMessage = { type: MSG_UPDATE, withdrawn, attributes: ta > 0 ? attrs : null, nlri };
  if (ta > 0) msg.attrKey = attrKey(b, aStart, aEnd, mpRanges, mpReachHead);
  if (st.withdrawReason !== null) msg.treatAsWithdraw = st.withdrawReason;
  if (st.discards !== null) msg.discarded = st.discards;
  return msg;
}

/**
 * The interning key: the attribute bytes minus MP_REACH/MP_UNREACH (whose NLRI differ from UPDATE
 * to UPDATE), plus MP_REACH's AFI/SAFI/next-hop header, so that equal keys mean equal attributes
 * including the IPv6 next hop. Valid within one session (one CodecContext).
 */
function attrKey(b: Buffer, start: number, end: number, mp: number[] | null, mpReachHead: string): string {
  if (mp === null) return b.toString('latin1', start, end);
  let key = '';
  let from = start;
  for (let i = 0; i < mp.length; i += 2) {
    key += b.toString('latin1', from, mp[i]);
    from = mp[i + 1];
  }
  key += b.toString('latin1', from, end);
  return mpReachHead === '' ? key : key + '\u0000MP' + mpReachHead;
}

/** RFC 6793 §4.2.3: rebuild the 4-octet path and aggregator from a 2-octet-AS peer's attributes. */
function mergeAs4(st: AttrDecodeState): void {
  const a = st.attrs;
  if (a.aggregator !== undefined && a.aggregator.asn !== AS_TRANS) return; // AS4_* are stale: ignore
  if (st.as4Aggregator !== null && a.aggregator !== undefined) a.aggregator = st.as4Aggregator;
  if (st.as4Path !== null && a.asPath !== undefined) a.asPath = mergeAs4Path(a.asPath, st.as4Path);
}

/** Writes the path attribute section (MP_* first, RFC 7606 §5.1). */
export function writeAttributes(attrs: PathAttributes, ctx: CodecContext, w: ByteWriter, withMp = true): void {
  if (attrs.unknown !== undefined) {
    for (const u of attrs.unknown) {
      if (ATTRIBUTE_CODECS.has(u.code)) throw new Error(`attribute ${u.code} is known; set its field instead of passing it as unknown`);
    }
  }
  if (withMp) {
    encodeMpReach(attrs, ctx, w);
    encodeMpUnreach(attrs, ctx, w);
  }
  for (const enc of ATTRIBUTE_ENCODERS) enc(attrs, ctx, w);
}

export function maxLength(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
}

/** Encodes an UPDATE; throws Error on bad input or when it exceeds the session's message size. */
export function encodeUpdate(u: Omit<UpdateMessage, 'type'>, ctx: CodecContext): Buffer {
  const w = new ByteWriter(1024);
  w.skip(HEADER_LEN);
  const v4AddPath = ctx.addPathSend.has('ipv4-unicast');
  const wlAt = w.skip(2);
  writeNlriList(w, false, u.withdrawn.prefixes, u.withdrawn.pathIds, v4AddPath);
  const wl = w.length - wlAt - 2;
  const taAt = w.skip(2);
  if (u.attributes !== null) writeAttributes(u.attributes, ctx, w);
  const ta = w.length - taAt - 2;
  writeNlriList(w, false, u.nlri.prefixes, u.nlri.pathIds, v4AddPath);
  const max = maxLength(ctx);
  if (w.length > max || wl > 0xffff || ta > 0xffff) throw new Error(`UPDATE would be ${w.length} bytes, more than ${max}`);
  w.setU16(wlAt, wl);
  w.setU16(taAt, ta);
  const buf = w.finish();
  writeHeader(buf, 0, buf.length, MSG_UPDATE);
  return buf;
}
