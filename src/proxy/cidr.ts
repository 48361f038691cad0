// Address-in-CIDR tests over canonical 16-byte addresses (both families).

import { encodeAddr, familyOf } from '../netlink/ipvs/address.js';

export interface Cidr {
  family: 4 | 6;
  bytes: Buffer;
  bits: number;
}

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`not a CIDR: ${JSON.stringify(text)}`);
  const addr = text.slice(0, slash);
  const bits = Number(text.slice(slash + 1));
  const family = familyOf(addr);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length in ${JSON.stringify(text)}`);
  return { family, bytes: encodeAddr(addr), bits };
}

export function cidrContains(c: Cidr, address: string): boolean {
  if (familyOf(address) !== c.family) return false;
  const a = encodeAddr(address);
  let bits = c.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i] & mask) !== (c.bytes[i] & mask)) return false;
  }
  return true;
}

export const inAnyCidr = (cidrs: readonly Cidr[], address: string): boolean => cidrs.some((c) => cidrContains(c, address));
