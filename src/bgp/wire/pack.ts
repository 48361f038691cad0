// Adj-RIB-Out packing: one attribute set, many prefixes → as few UPDATEs as fit the session's
// message size. The attribute section is encoded once and copied into each message; prefixes are
// written straight into the message buffer. Also withdrawals and End-of-RIB (RFC 4724 §2).

import { AFI_IPV6, HEADER_LEN, MSG_UPDATE, type CodecContext, type Family, type PathAttributes, type UpdateMessage } from './types.js';
import { familyAfiSafi, familyOf } from './family.js';
import { parseIpv6 } from './address.js';
import { writeIpv4Prefix, writeIpv6Prefix } from './nlri.js';
import { writeHeader } from './header.js';
import { ATTR_MP_REACH_NLRI, ATTR_MP_UNREACH_NLRI, FLAG_EXTENDED_LENGTH, FLAG_OPTIONAL } from './codes.js';
import { maxLength, writeAttributes } from './update.js';
import { ByteWriter } from './writer.js';

type PrefixWriter = (text: string, out: Uint8Array, off: number) => number;

/**
 * Fills messages: each starts with `head` (bytes after the 19-byte header up to where prefixes
 * go, with `patch` fixing its length fields once the prefix count is known) and ends with `tail`.
 */
function fill(
  prefixes: readonly string[], pathIds: readonly number[] | null, v6: boolean, max: number,
  head: Uint8Array, tail: Uint8Array, patch: (msg: Buffer, nlriBytes: number) => void,
): Buffer[] {
  const out: Buffer[] = [];
  const write: PrefixWriter = v6 ? writeIpv6Prefix : writeIpv4Prefix;
  const idLen = pathIds === null ? 0 : 4;
  const worst = idLen + (v6 ? 17 : 5);
  const start = HEADER_LEN + head.length;
  const limit = max - tail.length; // prefixes must end by here
  if (start + worst > limit) throw new Error(`attributes of ${tail.length + head.length} bytes leave no room for NLRI in a ${max}-byte message`);
  const scratch = new Uint8Array(worst);
  let buf: Buffer | null = null;
  let off = 0;
  const flush = () => {
    if (buf === null) return;
    buf.set(tail, off);
    const len = off + tail.length;
    patch(buf, off - start);
    writeHeader(buf, 0, len, MSG_UPDATE);
    out.push(len < buf.length >> 1 ? Buffer.from(buf.subarray(0, len)) : buf.subarray(0, len));
    buf = null;
  };
  for (let i = 0; i < prefixes.length; i++) {
    if (buf === null) {
      buf = Buffer.allocUnsafe(max);
      buf.set(head, HEADER_LEN);
      off = start;
    }
    if (limit - off >= worst) {
      if (idLen) buf.writeUInt32BE(pathIds![i] >>> 0, off);
      off += idLen + write(prefixes[i], buf, off + idLen);
      continue;
    }
    const n = write(prefixes[i], scratch, idLen);
    if (idLen) { const id = pathIds![i] >>> 0; scratch[0] = id >>> 24; scratch[1] = (id >>> 16) & 0xff; scratch[2] = (id >>> 8) & 0xff; scratch[3] = id & 0xff; }
    if (off + idLen + n > limit) {
      flush();
      buf = Buffer.allocUnsafe(max);
      buf.set(head, HEADER_LEN);
      off = start;
    }
    buf.set(scratch.subarray(0, idLen + n), off);
    off += idLen + n;
  }
  flush();
  return out;
}

function idsFor(family: Family, prefixes: readonly string[], ctx: CodecContext, pathIds?: readonly number[]): number[] | null {
  if (!ctx.addPathSend.has(family)) return null;
  if (pathIds === undefined || pathIds.length !== prefixes.length) {
    throw new Error(`ADD-PATH is negotiated for ${family}: need one path id per prefix (${prefixes.length} prefixes, ${pathIds?.length ?? 0} ids)`);
  }
  return pathIds as number[];
}

/**
 * UPDATEs announcing `prefixes` with `attrs`. ipv4-unicast: classic NLRI and NEXT_HOP =
 * attrs.nextHop. ipv6-unicast: MP_REACH_NLRI with attrs.nextHop (+ attrs.linkLocalNextHop) and no
 * NEXT_HOP attribute. attrs.mpReach/mpUnreach are ignored. Throws on bad input.
 */
export function packUpdates(family: Family, attrs: PathAttributes, prefixes: string[], ctx: CodecContext, pathIds?: number[]): Buffer[] {
  if (prefixes.length === 0) return [];
  const ids = idsFor(family, prefixes, ctx, pathIds);
  const max = maxLength(ctx);
  if (attrs.nextHop === undefined) throw new Error(`packUpdates(${family}): attrs.nextHop is required`);
  const { mpReach: _r, mpUnreach: _u, linkLocalNextHop: ll, ...rest } = attrs;
  if (family === 'ipv4-unicast') {
    const w = new ByteWriter(256);
    writeAttributes(rest, ctx, w, false);
    const section = w.finish();
    const head = Buffer.alloc(4 + section.length);
    head.writeUInt16BE(section.length, 2);
    head.set(section, 4);
    return fill(prefixes, ids, false, max, head, new Uint8Array(0), () => {});
  }
  const { nextHop, ...noNextHop } = rest;
  const w = new ByteWriter(256);
  writeAttributes(noNextHop, ctx, w, false);
  const section = w.finish();
  const nh = parseIpv6(nextHop!);
  const llb = ll === undefined ? null : parseIpv6(ll);
  const nhLen = llb === null ? 16 : 32;
  // wl(2) ta(2) | flags code len(2) afi(2) safi(1) nhlen(1) nh reserved(1)
  const head = Buffer.alloc(4 + 4 + 4 + nhLen + 1);
  head[4] = FLAG_OPTIONAL | FLAG_EXTENDED_LENGTH;
  head[5] = ATTR_MP_REACH_NLRI;
  head.writeUInt16BE(AFI_IPV6, 8);
  head[10] = familyAfiSafi(family).safi;
  head[11] = nhLen;
  head.set(nh, 12);
  if (llb !== null) head.set(llb, 28);
  const mpFixed = 5 + nhLen;
  return fill(prefixes, ids, true, max, head, section, (msg, nlriBytes) => {
    msg.writeUInt16BE(mpFixed + nlriBytes, HEADER_LEN + 6);
    msg.writeUInt16BE(4 + mpFixed + nlriBytes + section.length, HEADER_LEN + 2);
  });
}

/** UPDATEs withdrawing `prefixes` (classic Withdrawn Routes for IPv4, MP_UNREACH_NLRI for IPv6). */
export function packWithdrawals(family: Family, prefixes: string[], ctx: CodecContext, pathIds?: number[]): Buffer[] {
  if (prefixes.length === 0) return [];
  const ids = idsFor(family, prefixes, ctx, pathIds);
  const max = maxLength(ctx);
  if (family === 'ipv4-unicast') {
    // wl(2) | prefixes | ta(2) = 0
    return fill(prefixes, ids, false, max, new Uint8Array(2), new Uint8Array(2), (msg, n) => msg.writeUInt16BE(n, HEADER_LEN));
  }
  const head = Buffer.alloc(4 + 4 + 3);
  head[4] = FLAG_OPTIONAL | FLAG_EXTENDED_LENGTH;
  head[5] = ATTR_MP_UNREACH_NLRI;
  head.writeUInt16BE(AFI_IPV6, 8);
  head[10] = familyAfiSafi(family).safi;
  return fill(prefixes, ids, true, max, head, new Uint8Array(0), (msg, n) => {
    msg.writeUInt16BE(3 + n, HEADER_LEN + 6);
    msg.writeUInt16BE(7 + n, HEADER_LEN + 2);
  });
}

/** End-of-RIB marker (RFC 4724 §2): an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI otherwise. */
export function encodeEndOfRib(family: Family): Buffer {
  if (family === 'ipv4-unicast') {
    const b = Buffer.alloc(23);
    writeHeader(b, 0, 23, MSG_UPDATE);
    return b;
  }
  const { afi, safi } = familyAfiSafi(family);
  const b = Buffer.alloc(29);
  writeHeader(b, 0, 29, MSG_UPDATE);
  b.writeUInt16BE(6, 21);
  b[23] = FLAG_OPTIONAL;
  b[24] = ATTR_MP_UNREACH_NLRI;
  b[25] = 3;
  b.writeUInt16BE(afi, 26);
  b[28] = safi;
  return b;
}

/** The family whose End-of-RIB this UPDATE is, or null when it is not an End-of-RIB marker. */
export function endOfRibFamily(u: UpdateMessage): Family | null {
  if (u.withdrawn.prefixes.length !== 0 || u.nlri.prefixes.length !== 0) return null;
  if (u.attributes === null) return 'ipv4-unicast';
  const a = u.attributes;
  const keys = Object.keys(a);
  if (keys.length !== 1 || a.mpUnreach === undefined || a.mpUnreach.withdrawn.prefixes.length !== 0) return null;
  return familyOf(a.mpUnreach.afi, a.mpUnreach.safi);
}

