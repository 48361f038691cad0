// Community text for policies: RFC 1997 "asn:value" with well-known names, RFC 8092 large
// communities "global:local1:local2", and match patterns where any field may be "*".
// Patterns are compiled to (value, mask) pairs, so matching is integer compares.

import { NO_ADVERTISE, NO_EXPORT, NO_EXPORT_SUBCONFED } from '../rib/communities.js';
import type { LargeCommunity } from '../wire/types.js';

export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  'graceful-shutdown': 0xffff0000, // RFC 8326
  'accept-own': 0xffff0001, // RFC 7611
  blackhole: 0xffff029a, // RFC 7999
  'no-export': NO_EXPORT,
  'no-advertise': NO_ADVERTISE,
  'no-export-subconfed': NO_EXPORT_SUBCONFED,
  'local-as': NO_EXPORT_SUBCONFED,
  'no-peer': 0xffffff04, // RFC 3765
};

const u16 = (s: string): number | undefined => (/^(0|[1-9]\d{0,4})$/.test(s) && Number(s) <= 0xffff ? Number(s) : undefined);
const u32 = (s: string): number | undefined => (/^(0|[1-9]\d{0,9})$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : undefined);

/** A community value; throws a message fit for a ConfigError. */
export function parseCommunity(text: string): number {
  const named = WELL_KNOWN_COMMUNITIES[text.toLowerCase()];
  if (named !== undefined) return named;
  const parts = text.split(':');
  const a = parts.length === 2 ? u16(parts[0]) : undefined;
  const b = parts.length === 2 ? u16(parts[1]) : undefined;
  if (a === undefined || b === undefined) {
    throw new Error(`"${text}" is not a community (ASN:VALUE, each 0..65535, or one of ${Object.keys(WELL_KNOWN_COMMUNITIES).join(', ')})`);
  }
  return ((a << 16) >>> 0) + b;
}

export interface CommunityPattern {
  value: number;
  mask: number;
}

export function parseCommunityPattern(text: string): CommunityPattern {
  const parts = text.split(':');
  if (parts.length === 2 && (parts[0] === '*' || parts[1] === '*')) {
    const a = parts[0] === '*' ? 0 : u16(parts[0]);
    const b = parts[1] === '*' ? 0 : u16(parts[1]);
    if (a === undefined || b === undefined) throw new Error(`"${text}" is not a community pattern (ASN:VALUE, either may be *)`);
    const mask = ((parts[0] === '*' ? 0 : 0xffff0000) | (parts[1] === '*' ? 0 : 0xffff)) >>> 0;
    return { value: ((((a << 16) >>> 0) + b) & mask) >>> 0, mask };
  }
  return { value: parseCommunity(text), mask: 0xffffffff };
}

export function communityMatches(c: number, patterns: readonly CommunityPattern[]): boolean {
  for (const p of patterns) if (((c & p.mask) >>> 0) === p.value) return true;
  return false;
}

export function parseLargeCommunity(text: string): LargeCommunity {
  const parts = text.split(':').map(u32);
  if (parts.length !== 3 || parts.some((x) => x === undefined)) {
    throw new Error(`"${text}" is not a large community (GLOBAL:LOCAL1:LOCAL2, each 0..4294967295)`);
  }
  return { global: parts[0]!, local1: parts[1]!, local2: parts[2]! };
}

/** Each field a number, or undefined for "*". */
export type LargePattern = [number | undefined, number | undefined, number | undefined];

export function parseLargePattern(text: string): LargePattern {
  const parts = text.split(':');
  const vals = parts.map((p) => (p === '*' ? undefined : u32(p)));
  if (parts.length !== 3 || vals.some((v, i) => v === undefined && parts[i] !== '*')) {
    throw new Error(`"${text}" is not a large community pattern (GLOBAL:LOCAL1:LOCAL2, any may be *)`);
  }
  return vals as LargePattern;
}

export function largeMatches(l: LargeCommunity, patterns: readonly LargePattern[]): boolean {
  for (const [g, a, b] of patterns) {
    if ((g === undefined || g === l.global) && (a === undefined || a === l.local1) && (b === undefined || b === l.local2)) return true;
  }
  return false;
}
