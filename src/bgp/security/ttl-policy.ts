// Which IP TTL a BGP session's packets carry and which TTL it demands from the peer. Pure.
//
// - GTSM (RFC 5082): send with TTL 255, accept only TTL ≥ 254 (a directly connected peer, or one
//   hop further at most: FRR's `ttl-security hops 1`, BIRD's `ttl security on`, GoBGP ttl-min 254).
// - eBGP without multihop: TTL 1, as BIRD, FRR and GoBGP (so kube-router) do: a packet meant for a
//   directly connected neighbour dies at the first router instead of reaching someone further away.
// - eBGP multihop N: TTL N.
// - iBGP: the system default (peers are usually several hops away, loopback to loopback).
export const GTSM_TTL = 255;
export const GTSM_MIN_TTL = 254;
export const EBGP_DEFAULT_TTL = 1;

export interface TtlSettings {
  /** IP_TTL / IPV6_UNICAST_HOPS to send with; undefined leaves the system default. */
  ttl?: number;
  /** IP_MINTTL / IPV6_MINHOPCOUNT: the kernel drops anything from the peer below this. */
  minTtl?: number;
}

export interface TtlConfig {
  ebgp: boolean;
  ttlSecurity?: boolean;
  ebgpMultihop?: number;
}

export function ttlSettings(c: TtlConfig): TtlSettings {
  if (c.ttlSecurity) return { ttl: GTSM_TTL, minTtl: GTSM_MIN_TTL };
  if (c.ebgpMultihop !== undefined) return { ttl: c.ebgpMultihop };
  if (c.ebgp) return { ttl: EBGP_DEFAULT_TTL };
  return {};
}

/** Why this combination cannot work, or undefined. */
export function ttlConfigProblem(c: { ttlSecurity?: boolean; ebgpMultihop?: number }): string | undefined {
  if (c.ebgpMultihop !== undefined && (!Number.isInteger(c.ebgpMultihop) || c.ebgpMultihop < 1 || c.ebgpMultihop > 255)) {
    return 'ebgpMultihop must be an integer from 1 to 255';
  }
  // GTSM fixes the TTL at 255 and rejects anything that crossed a router: multihop contradicts it
  // (GoBGP and FRR refuse the combination too).
  if (c.ttlSecurity && c.ebgpMultihop !== undefined) return 'ttlSecurity and ebgpMultihop exclude each other';
  return undefined;
}
