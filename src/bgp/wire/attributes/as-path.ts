// AS_PATH (type 2) and AS4_PATH (type 17), with RFC 6793 reconstruction for 2-octet-AS peers.
//
// Decoded paths always hold 4-octet ASNs. Error handling:
// - AS_PATH malformed (RFC 7606 §7.2: unknown segment type, zero-length segment, overrun, a single
//   octet left over) or containing AS 0 (RFC 7607) → treat-as-withdraw.
// - AS_CONFED_* segments from an external peer (RFC 5065 §5.3) → treat-as-withdraw.
// - AS4_PATH malformed, with AS 0, with confederation segments, or received from a 4-octet-AS
//   peer (RFC 6793 §6, as revised by RFC 7606 §7.2) → attribute discard.

import { AS_CONFED_SEQUENCE, AS_CONFED_SET, AS_SEQUENCE, AS_SET, AS_TRANS, type AsPathSegment, type CodecContext, type PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { ATTR_AS4_PATH, ATTR_AS_PATH, FLAG_OPTIONAL, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { writeAttr } from './encode-helpers.js';

const isConfed = (t: number) => t === AS_CONFED_SEQUENCE || t === AS_CONFED_SET;

/** Parses segments of `width`-octet ASNs; returns the segments or an error description. */
export function parseSegments(b: Uint8Array, start: number, len: number, width: 2 | 4): AsPathSegment[] | string {
  const end = start + len;
  const out: AsPathSegment[] = [];
  let p = start;
  while (p < end) {
    if (end - p < 2) return 'a single octet follows the last segment';
    const type = b[p];
    const n = b[p + 1];
    p += 2;
    if (type < AS_SET || type > AS_CONFED_SET) return `unrecognized segment type ${type}`;
    if (n === 0) return 'segment of length 0';
    if (p + n * width > end) return `segment of ${n} ASNs overruns the attribute`;
    const asns = new Array<number>(n);
    for (let i = 0; i < n; i++, p += width) {
      const v = width === 4 ? ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0 : (b[p] << 8) | b[p + 1];
      if (v === 0) return 'contains AS 0';
      asns[i] = v;
    }
    out.push({ type, asns });
  }
  return out;
}

export const decodeAsPath: AttrDecoder = (b, start, len, st) => {
  const segs = parseSegments(b, start, len, st.ctx.asn4 ? 4 : 2);
  if (typeof segs === 'string') return st.withdraw(`malformed AS_PATH: ${segs}`);
  if (st.ctx.ebgp && segs.some((s) => isConfed(s.type))) {
    return st.withdraw('AS_PATH from an external peer contains confederation segments');
  }
  st.attrs.asPath = segs;
};

export const decodeAs4Path: AttrDecoder = (b, start, len, st) => {
  if (st.ctx.asn4) return st.discard('AS4_PATH from a 4-octet-AS peer discarded');
  const segs = parseSegments(b, start, len, 4);
  if (typeof segs === 'string') return st.discard(`malformed AS4_PATH discarded: ${segs}`);
  if (segs.some((s) => isConfed(s.type))) return st.discard('AS4_PATH with confederation segments discarded');
  st.as4Path = segs;
};

/** RFC 6793 §4.2.3 path length: AS_SET counts 1, confederation segments 0. */
function pathCount(segs: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segs) n += s.type === AS_SEQUENCE ? s.asns.length : s.type === AS_SET ? 1 : 0;
  return n;
}

/** RFC 6793 §4.2.3: the leading ASes of AS_PATH that AS4_PATH does not cover, then AS4_PATH. */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const c2 = pathCount(asPath);
  const c4 = pathCount(as4Path);
  if (c2 < c4) return asPath.map((s) => ({ type: s.type, asns: s.asns.slice() }));
  let k = c2 - c4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (isConfed(s.type)) { out.push({ type: s.type, asns: s.asns.slice() }); continue; }
    if (k === 0) break;
    if (s.type === AS_SET) { out.push({ type: s.type, asns: s.asns.slice() }); k -= 1; continue; }
    const take = Math.min(k, s.asns.length);
    out.push({ type: s.type, asns: s.asns.slice(0, take) });
    k -= take;
  }
  for (const s of as4Path) out.push({ type: s.type, asns: s.asns.slice() });
  return out;
}

function checkSegments(segs: readonly AsPathSegment[]): void {
  for (const s of segs) {
    if (s.type < AS_SET || s.type > AS_CONFED_SET) throw new Error(`AS_PATH segment type ${s.type} is not 1..4`);
    if (s.asns.length === 0) throw new Error('AS_PATH segment must not be empty');
    if (s.asns.length > 255 && (s.type === AS_SET || s.type === AS_CONFED_SET)) throw new Error('AS_SET longer than 255 ASNs');
    for (const a of s.asns) if (!Number.isInteger(a) || a < 0 || a > 0xffffffff) throw new Error(`ASN ${a} out of range`);
  }
}

function writeSegments(segs: readonly AsPathSegment[], width: 2 | 4): Uint8Array {
  const parts: number[] = [];
  for (const s of segs) {
    for (let i = 0; i < s.asns.length; i += 255) {
      const chunk = s.asns.slice(i, i + 255);
      parts.push(s.type, chunk.length);
      for (const a of chunk) {
        if (width === 4) parts.push(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
        else { const v = a > 0xffff ? AS_TRANS : a; parts.push(v >> 8, v & 0xff); }
      }
    }
  }
  return Uint8Array.from(parts);
}

const needsAs4 = (segs: readonly AsPathSegment[]) => segs.some((s) => !isConfed(s.type) && s.asns.some((a) => a > 0xffff));

export function encodeAsPath(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  if (a.asPath === undefined) return;
  checkSegments(a.asPath);
  writeAttr(w, FLAG_TRANSITIVE, ATTR_AS_PATH, writeSegments(a.asPath, ctx.asn4 ? 4 : 2));
}

/** For a 2-octet-AS peer: the true path, when it has ASNs that AS_PATH had to replace by AS_TRANS. */
export function encodeAs4Path(a: PathAttributes, ctx: CodecContext, w: ByteWriter): void {
  if (ctx.asn4 || a.asPath === undefined || !needsAs4(a.asPath)) return;
  const segs = a.asPath.filter((s) => !isConfed(s.type));
  writeAttr(w, FLAG_OPTIONAL | FLAG_TRANSITIVE, ATTR_AS4_PATH, writeSegments(segs, 4));
}
