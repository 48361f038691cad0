// The compiler's output: a pure, comparable picture of what the kernel should hold.
// Plain data (sorted arrays) so two states compare with ===/deep-equality and diff cheaply.
import type { Family } from './names.js';

export type SetType = 'hash:ip' | 'hash:net' | 'hash:ip,port';

export interface SetSpec {
  type: SetType;
  family: Family;
  /** ipset member text, sorted, unique; hash:net members may end in " nomatch". */
  members: string[];
}

/** One family's filter-table content owned by podroute. */
export interface FamilyState {
  sets: Map<string, SetSpec>;
  /** Chain name → rule bodies (the text after "-A CHAIN "), in order. */
  chains: Map<string, string[]>;
}

export interface DesiredState {
  v4: FamilyState;
  v6: FamilyState;
  /** Per-pod chain → "namespace/pod" it filters (for deny counters in status). */
  podOfChain: Map<string, string>;
}

export function emptyFamilyState(): FamilyState {
  return { sets: new Map(), chains: new Map() };
}
