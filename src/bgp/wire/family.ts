// Address families: the (AFI, SAFI) pairs on the wire ⇄ the `Family` keys used by every table.

import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST, type Afi, type Family } from './types.js';

/** The Family for an (AFI, SAFI) pair, or null when we do not carry that family. */
export function familyOf(afi: number, safi: number): Family | null {
  if (safi !== SAFI_UNICAST) return null;
  if (afi === AFI_IPV4) return 'ipv4-unicast';
  if (afi === AFI_IPV6) return 'ipv6-unicast';
  return null;
}

export function familyAfiSafi(f: Family): { afi: Afi; safi: number } {
  return f === 'ipv4-unicast' ? { afi: AFI_IPV4, safi: SAFI_UNICAST } : { afi: AFI_IPV6, safi: SAFI_UNICAST };
}

/** The family of a prefix (or address) text: IPv6 when it contains ':'. Does not validate. */
export function prefixFamily(prefix: string): Family {
  return prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast';
}
