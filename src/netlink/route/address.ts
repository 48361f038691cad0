// Address and prefix text ⇄ bytes for the route codec.
//
// Why these come from bgp/wire: every table in podroute keys prefixes by one canonical spelling
// (RFC 5952 for IPv6); the FIB reconciler compares what BGP wants with what the kernel reports
// byte-for-byte on that text, so both sides must use the very same formatter. bgp/wire's address
// and prefix helpers are pure and dependency-free; this module is the single place netlink uses them.

import { AF_INET, AF_INET6 } from '../constants.js';
import { formatIpv4, formatIpv6, parseAddress, parseIpv4Into, parseIpv6Into } from '../../bgp/wire/address.js';

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

/** 4 or 16 bytes → canonical text. */
export function bytesToAddress(b: Uint8Array): string {
  return b.length === 16 ? formatIpv6(b) : formatIpv4(b);
}

export function familyOfAddress(addr: string): typeof AF_INET | typeof AF_INET6 {
  return addr.includes(':') ? AF_INET6 : AF_INET;
}

/** Canonical prefix text from family, length and (possibly short) address bytes. */
export function bytesToPrefix(family: number, len: number, b: Uint8Array | undefined): string {
  const full = new Uint8Array(family === AF_INET6 ? 16 : 4);
  if (b) full.set(b.subarray(0, full.length));
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
