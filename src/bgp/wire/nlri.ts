// NLRI fields (RFC 4271 §4.3, RFC 4760, RFC 7911 ADD-PATH): <length, prefix bytes> lists ⇄ canonical
// prefix text. This is the codec's hot path: a 4096-byte UPDATE carries ~900 IPv4 NLRI, so decoding
// allocates the prefix string and nothing else per NLRI (no objects, no Buffer slices), building the
// text from precomputed tables. Errors are returned as text, not thrown, so each caller can raise
// the NOTIFICATION its field calls for (3/10 for the classic fields, 3/9 inside MP_* attributes).

import { OCTET_TEXT, formatIpv6, parseIpv6Into } from './address.js';

/** "/0".."/128". */
const LEN_TEXT: readonly string[] = Array.from({ length: 129 }, (_, i) => '/' + i);
/** Mask of the last significant byte of a prefix, indexed by (length & 7). */
const LAST_MASK = Uint8Array.of(0xff, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe);
/** ".0/<len>" and ".0.0/<len>", ".0.0.0/<len>": the zero tail of short prefixes in one piece. */
const TAIL1: readonly string[] = LEN_TEXT.map((l) => '.0' + l);
const TAIL2: readonly string[] = LEN_TEXT.map((l) => '.0.0' + l);
const TAIL3: readonly string[] = LEN_TEXT.map((l) => '.0.0.0' + l);

/** ".0"..".255". */
const DOT_OCTET: readonly string[] = OCTET_TEXT.map((o) => '.' + o);
/** "a.b" for every 16-bit value: the first two octets of a prefix in one lookup (built on first use). */
let PAIR: string[] | null = null;
function pairs(): string[] {
  const t = new Array<string>(65536);
  for (let i = 0; i < 65536; i++) t[i] = OCTET_TEXT[i >> 8] + DOT_OCTET[i & 0xff];
  return t;
}

/**
 * Decodes IPv4 NLRI in `b[start..end)` into `out` (and path ids into `ids` when ADD-PATH applies).
 * Returns null, or a description of the first syntax error (RFC 7606 §5.3).
 */
export function decodeIpv4Nlri(b: Uint8Array, start: number, end: number, out: string[], ids: number[] | null): string | null {
  const O = OCTET_TEXT;
  const D = DOT_OCTET;
  const P = (PAIR ??= pairs());
  let p = start;
  while (p < end) {
    if (ids !== null) {
      if (p + 5 > end) return `truncated ADD-PATH NLRI at offset ${p - start}`;
      ids.push(((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0);
      p += 4;
    }
    const len = b[p++];
    if (len > 32) return `IPv4 prefix length ${len} exceeds 32`;
    const n = (len + 7) >> 3;
    if (p + n > end) return `IPv4 prefix of length ${len} overruns the field`;
    const m = LAST_MASK[len & 7];
    switch (n) {
      case 0: out.push('0.0.0.0/0'); break;
      case 1: out.push(O[b[p] & m] + TAIL3[len]); break;
      case 2: out.push(P[(b[p] << 8) | (b[p + 1] & m)] + TAIL2[len]); break;
      case 3: out.push(P[(b[p] << 8) | b[p + 1]] + D[b[p + 2] & m] + TAIL1[len]); break;
      default: out.push(P[(b[p] << 8) | b[p + 1]] + D[b[p + 2]] + D[b[p + 3] & m] + LEN_TEXT[len]);
    }
    p += n;
  }
  return null;
}

const scratch16 = new Uint8Array(16);

/** IPv6 counterpart of decodeIpv4Nlri. */
export function decodeIpv6Nlri(b: Uint8Array, start: number, end: number, out: string[], ids: number[] | null): string | null {
  let p = start;
  const a = scratch16;
  while (p < end) {
    if (ids !== null) {
      if (p + 5 > end) return `truncated ADD-PATH NLRI at offset ${p - start}`;
      ids.push(((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0);
      p += 4;
    }
    const len = b[p++];
    if (len > 128) return `IPv6 prefix length ${len} exceeds 128`;
    const n = (len + 7) >> 3;
    if (p + n > end) return `IPv6 prefix of length ${len} overruns the field`;
    a.fill(0);
    for (let i = 0; i < n; i++) a[i] = b[p + i];
    if (n > 0) a[n - 1] &= LAST_MASK[len & 7];
    out.push(formatIpv6(a) + LEN_TEXT[len]);
    p += n;
  }
  return null;
}

/** Parses one decimal 0..max at text[i..j); -1 if malformed (no sign, no leading zeros). */
function decimal(text: string, i: number, j: number, max: number): number {
  if (j <= i || j - i > 3 || (j - i > 1 && text.charCodeAt(i) === 48)) return -1;
  let v = 0;
  for (let k = i; k < j; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v > max ? -1 : v;
}

/**
 * Writes the wire form <len, significant bytes> of IPv4 prefix text at out[off..] (needs 5 bytes
 * of room) and returns the number of bytes written. Throws on malformed text or host bits set.
 * One pass over the characters: packUpdates calls this for every prefix it sends.
 */
export function writeIpv4Prefix(text: string, out: Uint8Array, off: number): number {
  const n = text.length;
  let addr = 0;
  let part = 0;
  let v = 0;
  let digits = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && v === 0) return badIpv4(text); // leading zero
      v = v * 10 + (c - 48);
      if (++digits > 3 || v > 255) return badIpv4(text);
    } else if (c === 46 && part < 3 && digits > 0) {
      addr = addr * 256 + v;
      part++;
      v = 0;
      digits = 0;
    } else if (c === 47 && part === 3 && digits > 0) {
      addr = addr * 256 + v;
      part++;
      i++;
      break;
    } else {
      return badIpv4(text);
    }
  }
  const len = part === 4 ? decimal(text, i, n, 32) : -1;
  if (len < 0) return badIpv4(text);
  const hostMask = len === 0 ? 0xffffffff : len === 32 ? 0 : 0xffffffff >>> len;
  if ((addr & hostMask) !== 0) throw new Error(`invalid prefix "${text}": host bits set`);
  out[off] = len;
  const nb = (len + 7) >> 3;
  if (nb > 0) out[off + 1] = addr >>> 24;
  if (nb > 1) out[off + 2] = (addr >>> 16) & 0xff;
  if (nb > 2) out[off + 3] = (addr >>> 8) & 0xff;
  if (nb > 3) out[off + 4] = addr & 0xff;
  return 1 + nb;
}

function badIpv4(text: string): never {
  throw new Error(`invalid IPv4 prefix "${text}"`);
}

const v6scratch = new Uint8Array(16);

/** IPv6 counterpart of writeIpv4Prefix (needs 17 bytes of room). */
export function writeIpv6Prefix(text: string, out: Uint8Array, off: number): number {
  const slash = text.indexOf('/');
  const len = slash > 0 ? decimal(text, slash + 1, text.length, 128) : -1;
  if (len < 0 || !parseIpv6Into(text.slice(0, slash), v6scratch, 0)) throw new Error(`invalid IPv6 prefix "${text}"`);
  const n = (len + 7) >> 3;
  for (let i = n; i < 16; i++) if (v6scratch[i] !== 0) throw new Error(`invalid prefix "${text}": host bits set`);
  if (n > 0 && (v6scratch[n - 1] & ~LAST_MASK[len & 7] & 0xff) !== 0) throw new Error(`invalid prefix "${text}": host bits set`);
  out[off] = len;
  for (let i = 0; i < n; i++) out[off + 1 + i] = v6scratch[i];
  return 1 + n;
}

/**
 * Writes a whole NLRI list (with path ids first when `addPath`) — the general encoder; packUpdates
 * has its own loop that fills messages. Throws on bad prefixes or missing path ids.
 */
export function writeNlriList(w: { bytes(b: Uint8Array): unknown; u32(v: number): unknown }, v6: boolean, prefixes: readonly string[], pathIds: readonly number[] | undefined, addPath: boolean): void {
  if (addPath && (pathIds?.length ?? 0) !== prefixes.length) {
    throw new Error(`ADD-PATH is negotiated: need one path id per prefix (${prefixes.length} prefixes, ${pathIds?.length ?? 0} ids)`);
  }
  const tmp = new Uint8Array(17);
  for (let i = 0; i < prefixes.length; i++) {
    if (addPath) w.u32(pathIds![i]);
    const n = v6 ? writeIpv6Prefix(prefixes[i], tmp, 0) : writeIpv4Prefix(prefixes[i], tmp, 0);
    w.bytes(tmp.subarray(0, n));
  }
}
