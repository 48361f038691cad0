// Prefix text ("10.0.0.0/24", "2001:db8::/32") ⇄ (afi, length, address bytes).
// Canonical text is the key in every table, so parsing is strict and formatting is unique.

import { AFI_IPV4, AFI_IPV6, type Afi } from './types.js';
import { formatIpv4, formatIpv6, parseIpv4Into, parseIpv6Into } from './address.js';

export interface ParsedPrefix {
  afi: Afi;
  len: number;
  /** The full address, 4 bytes (IPv4) or 16 bytes (IPv6), host bits zero. */
  bytes: Uint8Array;
}

function parseLoose(text: string): ParsedPrefix {
  if (typeof text !== 'string') throw new Error(`invalid prefix ${String(text)}: not a string`);
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`invalid prefix "${text}": missing "/length"`);
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  const v6 = addr.includes(':');
  const max = v6 ? 128 : 32;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
    throw new Error(`invalid prefix "${text}": length must be 0..${max}`);
  }
  const len = Number(lenText);
  const bytes = new Uint8Array(v6 ? 16 : 4);
  const ok = v6 ? parseIpv6Into(addr, bytes, 0) : parseIpv4Into(addr, bytes, 0);
  if (!ok) throw new Error(`invalid prefix "${text}": bad ${v6 ? 'IPv6' : 'IPv4'} address`);
  return { afi: v6 ? AFI_IPV6 : AFI_IPV4, len, bytes };
}

/** Zeroes the bits after `len`; returns true if any were set. */
function maskHostBits(bytes: Uint8Array, len: number): boolean {
  let dirty = false;
  for (let i = 0; i < bytes.length; i++) {
    const keep = len >= (i + 1) * 8 ? 0xff : len <= i * 8 ? 0 : (0xff00 >> (len - i * 8)) & 0xff;
    if (bytes[i] & ~keep) dirty = true;
    bytes[i] &= keep;
  }
  return dirty;
}

/** Parses canonical-or-not prefix text; throws on malformed text or when host bits are set. */
export function parsePrefix(text: string): ParsedPrefix {
  const p = parseLoose(text);
  const copy = p.bytes.slice();
  if (maskHostBits(copy, p.len)) {
    const fixed = formatPrefix(p.afi, p.len, copy);
    throw new Error(`invalid prefix "${text}": host bits set (did you mean ${fixed}?)`);
  }
  return p;
}

/** Canonical text of (afi, len, full address bytes). */
export function formatPrefix(afi: number, len: number, bytes: Uint8Array): string {
  return (afi === AFI_IPV6 ? formatIpv6(bytes) : formatIpv4(bytes)) + '/' + len;
}

/** Canonical text with host bits masked: "10.1.2.3/8" → "10.0.0.0/8". Throws on malformed text. */
export function normalizePrefix(text: string): string {
  const p = parseLoose(text);
  maskHostBits(p.bytes, p.len);
  return formatPrefix(p.afi, p.len, p.bytes);
}

/** True when `inner` lies inside (or equals) `outer`; false across families. Throws on malformed. */
export function prefixContains(outer: string, inner: string): boolean {
  const o = parseLoose(outer);
  const i = parseLoose(inner);
  if (o.afi !== i.afi || o.len > i.len) return false;
  const full = o.len >> 3;
  for (let k = 0; k < full; k++) if (o.bytes[k] !== i.bytes[k]) return false;
  const rest = o.len & 7;
  if (rest === 0) return true;
  const mask = (0xff00 >> rest) & 0xff;
  return (o.bytes[full] & mask) === (i.bytes[full] & mask);
}
