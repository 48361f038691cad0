// Maximum prefixes per peer and family (RFC 4271 §8 "prefix limit", Cease subcode 1 of RFC 4486).
// Pure: counts and limits in, the first limit crossed out; and the NOTIFICATION data for it.
import { familyAfiSafi } from '../wire/family.js';
import type { Family } from '../wire/types.js';

export type MaxPrefixes = Partial<Record<Family, number>>;
export type MaxPrefixAction = 'warn' | 'cease';

export interface MaxPrefixExceeded {
  family: Family;
  limit: number;
  count: number;
}

/** The first family whose accepted prefixes exceed its limit (a count equal to the limit is fine). */
export function exceededLimit(counts: Partial<Record<Family, number>>, limits: MaxPrefixes | undefined): MaxPrefixExceeded | undefined {
  if (!limits) return undefined;
  for (const family of Object.keys(limits) as Family[]) {
    const limit = limits[family];
    const count = counts[family] ?? 0;
    if (limit !== undefined && count > limit) return { family, limit, count };
  }
  return undefined;
}

/** RFC 4486 §4: AFI (2 octets), SAFI (1), upper bound (4), all network order. */
export function maxPrefixData(family: Family, limit: number): Uint8Array {
  const { afi, safi } = familyAfiSafi(family);
  const b = Buffer.alloc(7);
  b.writeUInt16BE(afi, 0);
  b.writeUInt8(safi, 2);
  b.writeUInt32BE(limit, 3);
  return b;
}
