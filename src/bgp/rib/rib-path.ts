// The concrete RibPath: a class so every path has one hidden class (monomorphic property access in
// the decision process) and every field is present.

import type { PathAttributes } from '../wire/index.js';
import type { RejectReason, RibPath } from './types.js';

export class Path implements RibPath {
  stale = false;
  /**
   * `[this]`, shared: the paths (and ECMP set) of every single-path entry this path is alone in.
   * Entry arrays are never mutated, so a full table from one UPDATE shares one array, not 900.
   */
  readonly solo: RibPath[];
  constructor(
    readonly peerId: string | null,
    readonly attrs: PathAttributes,
    readonly nextHop: string,
    readonly ebgp: boolean,
    readonly peerAsn: number,
    readonly peerRouterId: string,
    readonly peerAddress: string,
    readonly receivedAt: number,
    readonly pathId: number | undefined,
    readonly rejected: RejectReason | undefined,
  ) {
    this.solo = [this];
  }
}

/** Two paths that forward and advertise alike (used to not report a refresh as a change). */
export function samePath(a: RibPath, b: RibPath): boolean {
  return a === b || (a.peerId === b.peerId && a.pathId === b.pathId && a.attrs === b.attrs && a.nextHop === b.nextHop && a.stale === b.stale);
}

export function samePathList(a: readonly RibPath[] | null, b: readonly RibPath[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!samePath(a[i], b[i])) return false;
  return true;
}
