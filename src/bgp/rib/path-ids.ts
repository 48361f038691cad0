// ADD-PATH send (RFC 7911): the path identifiers we put on the paths of one prefix. An id belongs
// to a source path, (peer, received path id) or "ours", not to a RibPath object (a re-announcement
// replaces the object), and stays the same while that source has a path in the entry. Ids are
// shared by every ADD-PATH peer (any consistent choice would do: ids are per session) and kept in
// a WeakMap beside the entries, so a RIB without ADD-PATH peers pays nothing for them.

import type { RibPath } from './types.js';

/** What identifies a path's source within one prefix. */
export function sourceKey(p: RibPath): string {
  return p.peerId === null ? '' : p.pathId === undefined ? p.peerId : p.peerId + '#' + p.pathId;
}

export class PathIdAllocator {
  private readonly byEntry = new WeakMap<object, Map<string, number>>();

  /**
   * The ids of the entry's `paths` (same order). Sources no longer among them give their id back;
   * a new source takes the lowest free id (1 upward).
   */
  ids(entry: object, paths: readonly RibPath[]): number[] {
    let m = this.byEntry.get(entry);
    if (paths.length === 0) {
      if (m !== undefined) this.byEntry.delete(entry);
      return [];
    }
    if (m === undefined) this.byEntry.set(entry, (m = new Map()));
    const n = paths.length;
    const keys = new Array<string>(n);
    const out = new Array<number>(n);
    let found = 0;
    for (let i = 0; i < n; i++) {
      const id = m.get((keys[i] = sourceKey(paths[i])));
      out[i] = id ?? 0;
      if (id !== undefined) found++;
    }
    if (found === n && m.size === n) return out; // the usual case: nothing came or went
    if (m.size > found) {
      // Some sources are gone: free their ids first, so a newcomer can take one.
      const live = new Set(keys);
      for (const k of m.keys()) if (!live.has(k)) m.delete(k);
    }
    if (found < n) {
      const used = new Set(m.values());
      let next = 1;
      for (let i = 0; i < n; i++) {
        if (out[i] !== 0) continue;
        while (used.has(next)) next++;
        used.add(next);
        m.set(keys[i], next);
        out[i] = next;
      }
    }
    return out;
  }
}
