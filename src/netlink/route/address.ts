// Address and prefix text ⇄ bytes for the route codec.
//
// Why these come from bgp/wire: every table in podroute keys prefixes by one canonical spelling
// (RFC 5952 for IPv6); the FIB reconciler compares what BGP wants with what the kernel reports
// byte-for-byte on that text, so both sides must use the very same formatter. bgp/wire's address
// and prefix helpers are pure and dependency-free; this module is the single place netlink uses them.

import { AF_INET, AF_INET6 } from '../constants.js';
import { formatIpv4, parseAddress, parseIpv4Into, parseIpv6Into } from '../../bgp/wire/address.js';

export interface PrefixBytes {
  family: typeof AF_INET | typeof AF_INET6;
  len: number;
  bytes: Uint8Array;
}

/**
 * "10.0.0.0/24" → { family: AF_INET, len: 24, bytes }. Throws on malformed text or set host bits.
 * Same acceptance as bgp/wire parsePrefix, without its regex and slices: this runs twice per route
 * on a 100k-route install (validation, then encoding).
 */
export function prefixToBytes(prefix: string): PrefixBytes {
  const slash = prefix.indexOf('/');
  const n = prefix.length;
  if (slash < 0 || slash === n - 1 || n - slash > 4) throw new Error(`invalid prefix "${prefix}"`);
  let len = 0;
  for (let i = slash + 1; i < n; i++) {
    const c = prefix.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || (i === slash + 1 && c === 0 && n - slash > 2)) throw new Error(`invalid prefix "${prefix}": bad length`);
    len = len * 10 + c;
  }
  const v6 = prefix.indexOf(':') !== -1;
  const bytes = new Uint8Array(v6 ? 16 : 4);
  const addr = prefix.substring(0, slash);
  if (!(v6 ? parseIpv6Into(addr, bytes, 0) : parseIpv4Into(addr, bytes, 0))) throw new Error(`invalid prefix "${prefix}": bad address`);
  if (len > bytes.length * 8) throw new Error(`invalid prefix "${prefix}": length above ${bytes.length * 8}`);
  for (let i = 0; i < bytes.length; i++) {
    const keep = len >= (i + 1) * 8 ? 0xff : len <= i * 8 ? 0 : (0xff00 >> (len - i * 8)) & 0xff;
    if (bytes[i] & ~keep) throw new Error(`invalid prefix "${prefix}": host bits set`);
  }
  return { family: v6 ? AF_INET6 : AF_INET, len, bytes };
}

/** Address text → 4 or 16 bytes; throws on malformed text. */
export function addressToBytes(addr: string): Uint8Array {
  return parseAddress(addr);
}

const HEX: readonly string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16));

/**
 * RFC 5952 text of 16 bytes, identical to bgp/wire formatIpv6 (property-tested) but without
 * intermediate arrays: route dumps format two or three IPv6 addresses per route, 100k+ routes.
 */
export function formatIpv6Fast(b: Uint8Array, off = 0): string {
  // Longest run of zero groups (length ≥ 2), leftmost on a tie.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = b[off + 2 * i] === 0 && b[off + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart + 1;
      }
    } else runStart = -1;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length && !out.endsWith(':')) out += ':';
    out += HEX[(b[off + 2 * i] << 8) | b[off + 2 * i + 1]];
  }
  return out;
}

/** 4 or 16 bytes → canonical text. */
export function bytesToAddress(b: Uint8Array): string {
  return b.length === 16 ? formatIpv6Fast(b) : formatIpv4(b);
}

export function familyOfAddress(addr: string): typeof AF_INET | typeof AF_INET6 {
  return addr.includes(':') ? AF_INET6 : AF_INET;
}

/** Canonical prefix text from family, length and (possibly short) address bytes. */
export function bytesToPrefix(family: number, len: number, b: Uint8Array | undefined): string {
  const size = family === AF_INET6 ? 16 : 4;
  if (b && b.length === size) return bytesToAddress(b) + '/' + len;
  const full = new Uint8Array(size);
  if (b) full.set(b.subarray(0, size));
  return bytesToAddress(full) + '/' + len;
}

/** True if `addr` lies in `network/len` (same family). */
export function inSubnet(addr: Uint8Array, network: Uint8Array, len: number): boolean {
  if (addr.length !== network.length) return false;
  const full = len >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== network[i]) return false;
  const rest = len & 7;
  if (rest === 0) return true;
  const mask = (0xff00 >> rest) & 0xff;
  return (addr[full] & mask) === (network[full] & mask);
}
