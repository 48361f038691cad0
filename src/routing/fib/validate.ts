// Validation of desired routes before they reach the codec. Why: one malformed entry (host bits
// set, weight 0, an IPv4 gateway for an IPv6 prefix) must be skipped with a reason, never make the
// encoder throw and stall the whole batch. Prefixes are canonicalised so they compare equal to
// what the kernel reports back (an uppercase "2001:DB8::/32" would otherwise look missing forever).

import { addressToBytes, bytesToPrefix, prefixToBytes } from '../../netlink/route/address.js';
import type { FibRoute } from './types.js';

export type Validated = { ok: true; prefix: string } | { ok: false; reason: string };

/**
 * `gatewayFamilies` (one per pass) memoizes gateway parsing: 100k routes share a few gateways.
 * IPv4 text accepted by the strict parser is already canonical, so only IPv6 is re-formatted.
 */
export function validateFibRoute(key: string, r: FibRoute, gatewayFamilies?: Map<string, number>): Validated {
  let family: number;
  let prefix: string;
  try {
    const text = r.prefix ?? key;
    const p = prefixToBytes(text);
    family = p.family;
    prefix = p.family === 10 ? bytesToPrefix(p.family, p.len, p.bytes) : text;
  } catch (e) {
    return { ok: false, reason: `invalid prefix: ${(e as Error).message}` };
  }
  if (!Array.isArray(r.nextHops)) return { ok: false, reason: 'nextHops missing' };
  for (const h of r.nextHops) {
    let gwLen = gatewayFamilies?.get(h.gateway);
    if (gwLen === undefined) {
      try {
        gwLen = addressToBytes(h.gateway).length;
      } catch {
        gwLen = 0;
      }
      gatewayFamilies?.set(h.gateway, gwLen);
    }
    if (gwLen === 0) return { ok: false, reason: `invalid gateway "${h.gateway}"` };
    // An IPv4 route may use an IPv6 next hop (RFC 5549, RTA_VIA); the reverse does not exist.
    if (family === 10 && gwLen === 4) return { ok: false, reason: `IPv4 gateway ${h.gateway} for an IPv6 prefix` };
    if (h.weight !== undefined && (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256)) {
      return { ok: false, reason: `weight ${h.weight} of ${h.gateway} outside 1..256` };
    }
  }
  return { ok: true, prefix };
}
