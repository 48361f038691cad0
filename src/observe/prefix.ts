// Just enough IP prefix arithmetic for the route views: a stable sort order (so pagination
// cursors survive routes being added between pages) and "which routes cover this address".
// BigInt keeps IPv4 and IPv6 on one code path; this runs per query, not per packet.

import { parseAddress } from '../bgp/wire/address.js';

export interface ParsedPrefix { v6: boolean; addr: bigint; len: number }

/** The address as one integer, parsed by the BGP codec's address parser (the project's one). */
function addressValue(text: string): bigint | undefined {
  let bytes: Uint8Array;
  try {
    bytes = parseAddress(text);
  } catch {
    return undefined;
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (a host prefix). */
export function parsePrefix(s: string): ParsedPrefix | undefined {
  const [a, l, extra] = s.trim().split('/');
  if (extra !== undefined || a === undefined) return undefined;
  const v6 = a.includes(':');
  const addr = addressValue(a);
  if (addr === undefined) return undefined;
  const max = v6 ? 128 : 32;
  if (l !== undefined && !/^\d{1,3}$/.test(l)) return undefined;
  const len = l === undefined ? max : Number(l);
  if (len > max) return undefined;
  return { v6, addr, len };
}

const bits = (p: ParsedPrefix): bigint => (p.v6 ? 128n : 32n);
const network = (p: ParsedPrefix, len: number): bigint => {
  const host = bits(p) - BigInt(len);
  return (p.addr >> host) << host;
};

/** True when `outer` contains `inner` (same family, shorter or equal length, same network bits). */
export function covers(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  return outer.v6 === inner.v6 && outer.len <= inner.len && network(outer, outer.len) === network(inner, outer.len);
}

/** IPv4 before IPv6, then by address, then shorter first: the order `birdc show route` uses. */
export function comparePrefixes(a: ParsedPrefix, b: ParsedPrefix): number {
  if (a.v6 !== b.v6) return a.v6 ? 1 : -1;
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.len - b.len;
}
