// One Loc-RIB entry: the eligible paths to a prefix, best first, and its ECMP set.
//
// `paths` and `multipath` are replaced, never mutated: a BestChange handed to the FIB, or a batch
// waiting for a slow peer, may still hold the old arrays. The single-path case (nearly all of a
// full table) shares one array for both. The bookkeeping fields let the RIB coalesce changes per
// prefix without side tables: `dirty` (queued for drainChanges), `reported` (the ECMP set the last
// drain reported), `outSeq` (last position in the outbound journal), `out` (per established peer
// slot, the attributes that peer has from us: the Adj-RIB-Outs, see adj-rib-out.ts).
//
// Entries are made by an object literal in one place, not `new`: V8 tracks survival per literal
// allocation site and, seeing a million entries live on, allocates them straight in old space,
// which spares the young-generation collector from copying each one twice.

import type { Family, PathAttributes } from '../wire/index.js';
import type { RibEntry, RibPath } from './types.js';

export const NO_PATHS: RibPath[] = Object.freeze([]) as unknown as RibPath[];

export interface LocEntry extends RibEntry {
  reported: RibPath[] | null;
  dirty: boolean;
  outSeq: number;
  out: (PathAttributes | undefined)[] | null;
}

export function newEntry(prefix: string, family: Family, paths: RibPath[]): LocEntry {
  return { prefix, family, paths, best: paths[0], multipath: paths, reported: null, dirty: false, outSeq: -1, out: null };
}

/** Install new path arrays; `best` follows `paths[0]` (undefined once the entry is emptied). */
export function setEntryPaths(e: LocEntry, paths: RibPath[], multipath: RibPath[]): void {
  e.paths = paths;
  e.best = paths[0];
  e.multipath = multipath;
}
