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

function hexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses IPv6 text (with optional "::" and trailing dotted IPv4) into 16 bytes; false if invalid. */
export function parseIpv6Into(text: string, out: Uint8Array, off: number): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const dbl = text.indexOf('::');
  if (dbl !== -1 && text.indexOf('::', dbl + 1) !== -1) return false;
  const groups: number[] = [];
  const parseSide = (s: string, allowV4: boolean): number[] | null => {
    if (s === '') return [];
    const parts = s.split(':');
    const res: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (allowV4 && i === parts.length - 1 && p.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseIpv4Into(p, v4, 0)) return null;
        res.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        const g = hexGroup(p);
        if (g < 0) return null;
        res.push(g);
      }
    }
    return res;
  };
  if (dbl === -1) {
    const all = parseSide(text, true);
    if (!all || all.length !== 8) return false;
    groups.push(...all);
  } else {
    const head = parseSide(text.slice(0, dbl), false);
    const tail = parseSide(text.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return false;
    groups.push(...head);
    for (let i = head.length + tail.length; i < 8; i++) groups.push(0);
    groups.push(...tail);
  }
  for (let i = 0; i < 8; i++) {
    out[off + 2 * i] = groups[i] >> 8;
    out[off + 2 * i + 1] = groups[i] & 0xff;
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
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  // Longest run of zero groups (length ≥ 2), leftmost on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return head + '::' + tail;
}

/** Address text (IPv4 or IPv6) → bytes (4 or 16); throws on malformed text. */
export function parseAddress(text: string): Uint8Array {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Canonical text of an IPv4 or IPv6 address; throws on malformed text. */
export function normalizeAddress(text: string): string {
  return text.includes(':') ? formatIpv6(parseIpv6(text)) : formatIpv4(parseIpv4(text));
}
