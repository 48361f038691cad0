// Address and prefix text ⇄ bytes for the route codec.
//
// Why these come from bgp/wire: every table in podroute keys prefixes by one canonical spelling
// (RFC 5952 for IPv6); the FIB reconciler compares what BGP wants with what the kernel reports
// byte-for-byte on that text, so both sides must use the very same formatter. bgp/wire's address
// and prefix helpers are pure and dependency-free; this module is the single place netlink uses them.

import { AF_INET, AF_INET6 } from '../constants.js';
import { formatIpv4, formatIpv6, parseAddress } from '../../bgp/wire/address.js';
import { parsePrefix } from '../../bgp/wire/prefix.js';

export interface PrefixBytes {
  family: typeof AF_INET | typeof AF_INET6;
  len: number;
  bytes: Uint8Array;
}

/** "10.0.0.0/24" → { family: AF_INET, len: 24, bytes }. Throws on malformed text or set host bits. */
export function prefixToBytes(prefix: string): PrefixBytes {
  const p = parsePrefix(prefix);
  return { family: p.bytes.length === 16 ? AF_INET6 : AF_INET, len: p.len, bytes: p.bytes };
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
