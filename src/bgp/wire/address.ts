// IP address text ⇄ bytes, strict and canonical.
//
// Why our own parser: every table in the project keys prefixes by canonical text, so the codec,
// the RIB, the FIB reconciler and the status API must agree byte-for-byte on one spelling.
// IPv4: dotted quad, no leading zeros (they are octal to some tools). IPv6: RFC 5952 output
// (lowercase, no leading zeros, longest zero run of ≥2 groups compressed, leftmost on a tie).

/** "0".."255", so hot paths build IPv4 text without number→string conversion. */
export const OCTET_TEXT: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Parses dotted-quad IPv4 text into `out[off..off+4)`. Returns false when the text is not IPv4. */
export function parseIpv4Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 7 || n > 15) return false;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 46; // a virtual '.' ends the last octet
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out[off + part] = value;
      part++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // leading zero
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return part === 4;
}

/** IPv4 text → 4 bytes; throws on malformed text. */
export function parseIpv4(text: string): Uint8Array {
  const out = new Uint8Array(4);
  if (!parseIpv4Into(text, out, 0)) throw new Error(`invalid IPv4 address "${text}"`);
  return out;
}

export function formatIpv4(b: Uint8Array, off = 0): string {
  return OCTET_TEXT[b[off]] + '.' + OCTET_TEXT[b[off + 1]] + '.' + OCTET_TEXT[b[off + 2]] + '.' + OCTET_TEXT[b[off + 3]];
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Int32Array(8);
const v4tail = new Uint8Array(4);

/**
 * Parses IPv6 text (with optional "::" and trailing dotted IPv4) into 16 bytes; false if invalid.
 * One pass over the characters, no intermediate strings: packUpdates calls this per prefix.
 */
export function parseIpv6Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let i = 0;
  let count = 0;
  let dbl = -1;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    dbl = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let v = 0;
    let d: number;
    while (i < n && (d = hexDigit(text.charCodeAt(i))) >= 0) {
      v = v * 16 + d;
      i++;
    }
    if (i < n && text.charCodeAt(i) === 46) {
      // Dotted IPv4 in the last 32 bits.
      if (count > 6 || !parseIpv4Into(text.slice(start), v4tail, 0)) return false;
      groups[count++] = (v4tail[0] << 8) | v4tail[1];
      groups[count++] = (v4tail[2] << 8) | v4tail[3];
      i = n;
      break;
    }
    if (i === start || i - start > 4 || count === 8) return false;
    groups[count++] = v;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < n && text.charCodeAt(i) === 58) {
      if (dbl >= 0) return false;
      dbl = count;
      i++;
    } else if (i === n) {
      return false;
    }
  }
  if (dbl < 0 ? count !== 8 : count > 7) return false;
  const gap = 8 - count;
  for (let k = 0, src = 0; k < 8; k++) {
    const g = dbl >= 0 && k >= dbl && k < dbl + gap ? 0 : groups[src++];
    out[off + 2 * k] = g >> 8;
    out[off + 2 * k + 1] = g & 0xff;
  }
  return true;
}

/** IPv6 text → 16 bytes; throws on malformed text. */
export function parseIpv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (!parseIpv6Into(text, out, 0)) throw new Error(`invalid IPv6 address "${text}"`);
  return out;
}

/** RFC 5952 canonical text of the 16 bytes at `b[off..]`. */
export function formatIpv6(b: Uint8Array, off = 0): string {
  // Longest run of zero groups (length ≥ 2), leftmost on a tie.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (b[off + 2 * i] === 0 && b[off + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) { bestStart = runStart; bestLen = i - runStart + 1; }
    } else {
      runStart = -1;
    }
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLen) s += ':';
    s += ((b[off + 2 * i] << 8) | b[off + 2 * i + 1]).toString(16);
  }
  return s;
}

/** Address text (IPv4 or IPv6) → bytes (4 or 16); throws on malformed text. */
export function parseAddress(text: string): Uint8Array {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Canonical text of an IPv4 or IPv6 address; throws on malformed text. */
export function normalizeAddress(text: string): string {
  return text.includes(':') ? formatIpv6(parseIpv6(text)) : formatIpv4(parseIpv4(text));
}
