// MP_REACH_NLRI (14) and MP_UNREACH_NLRI (15), RFC 4760. When these cannot be parsed the NLRI they
// carry are unknown, so treat-as-withdraw is impossible: RFC 7606 §3 (j), §5.3 and §7.11 require
// "session reset" (we do not implement AFI/SAFI disable), with RFC 4760 §7's code
// UPDATE Message Error / Optional Attribute Error and the attribute as data.
// MP attributes of a family we do not carry are ignored (discarded), not errors.

import { AFI_IPV4, type CodecContext, type MpReach, type NlriList, type PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { BgpError, ERR_UPDATE, UPD_OPTIONAL_ATTRIBUTE } from '../errors.js';
import { familyOf } from '../family.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../address.js';
import { decodeIpv4Nlri, decodeIpv6Nlri, writeNlriList } from '../nlri.js';
import { ATTR_MP_REACH_NLRI, ATTR_MP_UNREACH_NLRI, FLAG_EXTENDED_LENGTH, FLAG_OPTIONAL } from '../codes.js';
import type { AttrDecoder, AttrDecodeState } from './state.js';

function decodeList(b: Buffer, start: number, end: number, afi: number, addPath: boolean, fail: (why: string) => never): NlriList {
  const prefixes: string[] = [];
  const ids: number[] | null = addPath ? [] : null;
  const err = afi === AFI_IPV4 ? decodeIpv4Nlri(b, start, end, prefixes, ids) : decodeIpv6Nlri(b, start, end, prefixes, ids);
  if (err !== null) fail(err);
  return ids === null ? { prefixes } : { prefixes, pathIds: ids };
}

function failer(name: string, tlv: () => Uint8Array): (why: string) => never {
  return (why: string) => {
    throw new BgpError(ERR_UPDATE, UPD_OPTIONAL_ATTRIBUTE, `malformed ${name}: ${why}`, tlv());
  };
}

export const decodeMpReach: AttrDecoder = (b, start, len, st: AttrDecodeState, tlv) => {
  const fail = failer('MP_REACH_NLRI', tlv);
  if (len < 5) fail(`length ${len} is less than 5`);
  const afi = (b[start] << 8) | b[start + 1];
  const safi = b[start + 2];
  const nhLen = b[start + 3];
  if (5 + nhLen > len) fail(`next hop length ${nhLen} overruns the attribute`);
  const family = familyOf(afi, safi);
  if (family === null) return st.discard(`MP_REACH_NLRI for unsupported AFI/SAFI ${afi}/${safi} ignored`);
  const nh = start + 4;
  let nextHop: string;
  let linkLocal: string | undefined;
  if (afi === AFI_IPV4 && nhLen === 4) nextHop = formatIpv4(b, nh);
  else if (afi !== AFI_IPV4 && (nhLen === 16 || nhLen === 32)) {
    nextHop = formatIpv6(b, nh);
    if (nhLen === 32) linkLocal = formatIpv6(b, nh + 16);
  } else return fail(`next hop length ${nhLen} is invalid for ${family}`);
  const nlri = decodeList(b, nh + nhLen + 1, start + len, afi, st.ctx.addPathReceive.has(family), fail);
  const r: MpReach = linkLocal === undefined ? { afi, safi, nextHop, nlri } : { afi, safi, nextHop, linkLocalNextHop: linkLocal, nlri };
  st.attrs.mpReach = r;
};

export const decodeMpUnreach: AttrDecoder = (b, start, len, st, tlv) => {
  const fail = failer('MP_UNREACH_NLRI', tlv);
  if (len < 3) fail(`length ${len} is less than 3`);
  const afi = (b[start] << 8) | b[start + 1];
  const safi = b[start + 2];
  const family = familyOf(afi, safi);
  if (family === null) return st.discard(`MP_UNREACH_NLRI for unsupported AFI/SAFI ${afi}/${safi} ignored`);
  st.attrs.mpUnreach = { afi, safi, withdrawn: decodeList(b, start + 3, start + len, afi, st.ctx.addPathReceive.has(family), fail) };
};

/** Writes the attribute header with a 2-byte length to patch; returns the length field offset. */
function openMpAttr(w: ByteWriter, code: number): number {
  w.u8(FLAG_OPTIONAL | FLAG_EXTENDED_LENGTH).u8(code);
  return w.skip(2);
}

function closeMpAttr(w: ByteWriter, lenAt: number): void {
  const len = w.length - lenAt - 2;
  if (len > 0xffff) throw new Error(`MP attribute is ${len} bytes, more than 65535`);
  w.setU16(lenAt, len);
}

function familyOrThrow(afi: number, safi: number) {
  const f = familyOf(afi, safi);
  if (f === null) throw new Error(`cannot encode NLRI of AFI/SAFI ${afi}/${safi}`);
  return f;
}

export function encodeMpReach(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  const r = a.mpReach;
  if (r === undefined) return;
  const family = familyOrThrow(r.afi, r.safi);
  const v6 = r.afi !== AFI_IPV4;
  const lenAt = openMpAttr(w, ATTR_MP_REACH_NLRI);
  w.u16(r.afi).u8(r.safi);
  if (!v6) {
    if (r.linkLocalNextHop !== undefined) throw new Error('IPv4 MP_REACH_NLRI cannot carry a link-local next hop');
    w.u8(4).bytes(parseIpv4(r.nextHop));
  } else {
    w.u8(r.linkLocalNextHop === undefined ? 16 : 32).bytes(parseIpv6(r.nextHop));
    if (r.linkLocalNextHop !== undefined) w.bytes(parseIpv6(r.linkLocalNextHop));
  }
  w.u8(0); // reserved (was SNPA count)
  writeNlriList(w, v6, r.nlri.prefixes, r.nlri.pathIds, ctx.addPathSend.has(family));
  closeMpAttr(w, lenAt);
}

export function encodeMpUnreach(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  const u = a.mpUnreach;
  if (u === undefined) return;
  const family = familyOrThrow(u.afi, u.safi);
  const lenAt = openMpAttr(w, ATTR_MP_UNREACH_NLRI);
  w.u16(u.afi).u8(u.safi);
  writeNlriList(w, u.afi !== AFI_IPV4, u.withdrawn.prefixes, u.withdrawn.pathIds, ctx.addPathSend.has(family));
  closeMpAttr(w, lenAt);
}
