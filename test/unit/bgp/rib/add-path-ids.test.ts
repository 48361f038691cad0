// The ADD-PATH id allocator on its own: random path sets over time; ids are distinct within a
// prefix, a source keeps its id while it stays, and ids stay small (lowest free first).
import { expect, test } from '@jest/globals';
import { PathIdAllocator } from '../../../../src/bgp/rib/path-ids.js';
import type { RibPath } from '../../../../src/bgp/rib/index.js';

const path = (peerId: string | null, pathId?: number): RibPath => ({
  peerId, pathId, attrs: { origin: 0, asPath: [] }, nextHop: '10.0.0.1', ebgp: false, peerAsn: 65000, peerRouterId: '1.1.1.1', peerAddress: '', receivedAt: 0,
});

test('random path sets: distinct ids, stable per source, lowest free reused', () => {
  let seed = 12345;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const sources = [path(null), path('a'), path('b'), path('c', 1), path('c', 2), path('d'), path('e', 7)];
  const alloc = new PathIdAllocator();
  const entry = {};
  let prev = new Map<string, number>();
  for (let round = 0; round < 2000; round++) {
    const now = sources.filter(() => rnd(3) > 0);
    // Shuffle: the best-first order changes with every re-decision.
    for (let i = now.length - 1; i > 0; i--) { const j = rnd(i + 1); [now[i], now[j]] = [now[j], now[i]]; }
    const ids = alloc.ids(entry, now);
    expect(new Set(ids).size).toBe(now.length);
    expect(Math.max(0, ...ids)).toBeLessThanOrEqual(sources.length);
    const cur = new Map(now.map((p, i) => [`${p.peerId}#${p.pathId}`, ids[i]]));
    for (const [k, id] of cur) {
      if (prev.has(k)) expect(id).toBe(prev.get(k));
      // A newcomer's id: every lower one is held by another current path.
      else for (let lower = 1; lower < id; lower++) expect(ids).toContain(lower);
    }
    prev = cur;
  }
  expect(alloc.ids(entry, [])).toEqual([]);
  expect(alloc.ids(entry, [path('z')])).toEqual([1]);
});
