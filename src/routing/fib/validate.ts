// Validation of desired routes before they reach the codec. Why: one malformed entry (host bits
// set, weight 0, an IPv4 gateway for an IPv6 prefix) must be skipped with a reason, never make the
// encoder throw and stall the whole batch. Prefixes are canonicalised so they compare equal to
// what the kernel reports back (an uppercase "2001:DB8::/32" would otherwise look missing forever).

import { addressToBytes, bytesToPrefix, prefixToBytes } from '../../netlink/route/address.js';
import type { FibRoute } from './types.js';

export type Validated = { ok: true; prefix: string } | { ok: false; reason: string };

export function validateFibRoute(key: string, r: FibRoute): Validated {
  let family: number;
  let prefix: string;
  try {
    const p = prefixToBytes(r.prefix ?? key);
    family = p.family;
    prefix = bytesToPrefix(p.family, p.len, p.bytes);
  } catch (e) {
    return { ok: false, reason: `invalid prefix: ${(e as Error).message}` };
  }
  if (!Array.isArray(r.nextHops)) return { ok: false, reason: 'nextHops missing' };
  for (const h of r.nextHops) {
    let gw: Uint8Array;
    try {
      gw = addressToBytes(h.gateway);
    } catch {
      return { ok: false, reason: `invalid gateway "${h.gateway}"` };
    }
    // An IPv4 route may use an IPv6 next hop (RFC 5549, RTA_VIA); the reverse does not exist.
    if (family === 10 && gw.length === 4) return { ok: false, reason: `IPv4 gateway ${h.gateway} for an IPv6 prefix` };
    if (h.weight !== undefined && (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256)) {
      return { ok: false, reason: `weight ${h.weight} of ${h.gateway} outside 1..256` };
    }
  }
  return { ok: true, prefix };
}
