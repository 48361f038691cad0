// One Loc-RIB entry: the eligible paths to a prefix, best first, and its ECMP set.
//
// `paths` and `multipath` are replaced, never mutated: a BestChange handed to the FIB, or a batch
// waiting for a slow peer, may still hold the old arrays. The single-path case (nearly all of a
// full table) shares one array for both. The bookkeeping fields let the RIB coalesce changes per
// prefix without side tables: `dirty` (queued for drainChanges), `reported` (the ECMP set the last
// drain reported), `outSeq` (last position in the outbound journal).

import type { Family } from '../wire/index.js';
import type { RibEntry, RibPath } from './types.js';

export const NO_PATHS: RibPath[] = Object.freeze([]) as unknown as RibPath[];

export class LocEntry implements RibEntry {
  paths: RibPath[];
  multipath: RibPath[];
  reported: RibPath[] | null = null;
  dirty = false;
  outSeq = -1;

  constructor(
    readonly prefix: string,
    readonly family: Family,
    paths: RibPath[],
  ) {
    this.paths = paths;
    this.multipath = paths;
  }

  get best(): RibPath {
    return this.paths[0];
  }
}
