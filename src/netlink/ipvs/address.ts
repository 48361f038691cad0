// Addresses as the kernel stores them in IPVS attributes: union nf_inet_addr, 16 bytes, with an
// IPv4 address in the first 4 bytes. Text out is canonical (RFC 5952 for IPv6) so that the desired
// state and a kernel dump compare as plain strings.

import { isIPv4, isIPv6 } from 'node:net';
import type { IpvsFamily } from './types.js';

export class AddressError extends Error {
  override name = 'AddressError';
}

export function familyOf(address: string): IpvsFamily {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  throw new AddressError(`not an IP address: ${JSON.stringify(address)}`);
}

function v4Bytes(a: string, out: Buffer, at: number): void {
  const p = a.split('.');
  for (let i = 0; i < 4; i++) out[at + i] = Number(p[i]);
}

function v6Bytes(a: string, out: Buffer): void {
  let s = a;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) occupies the last two groups.
  let tail: Buffer | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail = Buffer.alloc(4);
    v4Bytes(s.slice(lastColon + 1), tail, 0);
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const hg = head ? head.split(':') : [];
  const rg = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? hg : [...hg, ...Array(8 - hg.length - rg.length).fill('0'), ...rg];
  for (let i = 0; i < 8; i++) out.writeUInt16BE(parseInt(groups[i], 16), i * 2);
  if (tail) tail.copy(out, 12);
}

/** Encodes to the 16-byte union nf_inet_addr. */
export function encodeAddr(address: string): Buffer {
  const out = Buffer.alloc(16);
  const f = familyOf(address);
  if (f === 4) v4Bytes(address, out, 0);
  else v6Bytes(address, out);
  return out;
}

/** Decodes a union nf_inet_addr (or a bare 4/16-byte address) for the given family. */
export function decodeAddr(buf: Buffer, family: IpvsFamily): string {
  if (family === 4) {
    if (buf.length < 4) throw new AddressError(`IPv4 address needs 4 bytes, got ${buf.length}`);
    return `${buf[0]}.${buf[1]}.${buf[2]}.${buf[3]}`;
  }
  if (buf.length < 16) throw new AddressError(`IPv6 address needs 16 bytes, got ${buf.length}`);
  return formatV6(buf);
}

function formatV6(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(i * 2));
  // RFC 5952: compress the longest run (leftmost on ties) of two or more zero groups.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

// Dotted quad without leading zeros: already canonical. The hot path (every endpoint of every
// Service on a full sync) then costs one regex test instead of an encode/decode round trip.
const CANONICAL_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Canonical text of any IP address (used to normalize cluster input before comparing). */
export function canonicalAddr(address: string): string {
  if (CANONICAL_V4.test(address)) return address;
  return decodeAddr(encodeAddr(address), familyOf(address));
}

/** IPv4 prefix length → the be32 mask bytes the kernel keeps in IPVS_SVC_ATTR_NETMASK. */
export function v4MaskBytes(bits: number): Buffer {
  const b = Buffer.alloc(4);
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  b.writeUInt32BE(m, 0);
  return b;
}

/** be32 mask bytes → prefix length; rejects non-contiguous masks. */
export function v4MaskBits(b: Buffer): number {
  const m = b.readUInt32BE(0);
  let bits = 0;
  while (bits < 32 && (m & (0x80000000 >>> bits)) !== 0) bits++;
  if (((bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0) >>> 0) !== m) throw new AddressError(`non-contiguous netmask 0x${m.toString(16)}`);
  return bits;
}
