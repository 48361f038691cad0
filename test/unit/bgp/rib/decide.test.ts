import { describe, expect, test } from '@jest/globals';
import { AS_CONFED_SEQUENCE, AS_SEQUENCE, AS_SET, type PathAttributes } from '../../../../src/bgp/wire/index.js';
import fc from 'fast-check';
import { comparePair, multipathSet, rankPaths, selectBest } from '../../../../src/bgp/rib/decide.js';
import { Path } from '../../../../src/bgp/rib/rib-path.js';
import type { RibPath } from '../../../../src/bgp/rib/index.js';

const LOCAL = 65000;

interface P {
  peer?: string | null;
  attrs?: Partial<PathAttributes>;
  ebgp?: boolean;
  routerId?: string;
  address?: string;
  pathId?: number;
}
function path(p: P): RibPath {
  const attrs: PathAttributes = { origin: 0, asPath: [{ type: AS_SEQUENCE, asns: [65001] }], nextHop: '192.0.2.1', ...p.attrs };
  const peer = p.peer === undefined ? 'x' : p.peer;
  return new Path(peer, attrs, attrs.nextHop!, p.ebgp ?? true, 65001, p.routerId ?? '10.0.0.1', p.address ?? '192.0.2.1', 0, p.pathId, undefined);
}
const seq = (...asns: number[]) => ({ asPath: [{ type: AS_SEQUENCE, asns }] });

// Each row: a path that must win, and one that must lose on exactly that step (all else equal).
const steps: [string, P, P][] = [
  ['locally originated over learned', { peer: null, attrs: { asPath: [{ type: AS_SEQUENCE, asns: [1, 2, 3] }] } }, { attrs: { localPref: 500 }, ebgp: false }],
  ['highest LOCAL_PREF', { attrs: { localPref: 200 }, ebgp: false }, { attrs: { localPref: 150 }, ebgp: false }],
  ['missing LOCAL_PREF counts as 100', { attrs: { localPref: 101 }, ebgp: false }, { ebgp: false }],
  ['missing LOCAL_PREF beats a lower one', { ebgp: false }, { attrs: { localPref: 99 }, ebgp: false }],
  ['shortest AS_PATH', { attrs: seq(65001) }, { attrs: seq(65001, 65002) }],
  ['AS_SET counts as one', { attrs: { asPath: [{ type: AS_SEQUENCE, asns: [65001] }, { type: AS_SET, asns: [1, 2, 3] }] } }, { attrs: seq(65001, 65002, 65003) }],
  ['confederation segments count zero', { attrs: { asPath: [{ type: AS_CONFED_SEQUENCE, asns: [1, 2, 3] }, { type: AS_SEQUENCE, asns: [65001] }] } }, { attrs: seq(65001, 65002) }],
  ['lowest ORIGIN', { attrs: { origin: 1 } }, { attrs: { origin: 2 } }],
  ['lowest MED from the same neighbour AS', { attrs: { med: 10 } }, { attrs: { med: 20 } }],
  ['missing MED counts as 0', { attrs: {} }, { attrs: { med: 1 } }],
  ['eBGP over iBGP', { ebgp: true }, { ebgp: false }],
  ['lowest router id', { routerId: '10.0.0.2' }, { routerId: '10.0.0.10' }],
  ['ORIGINATOR_ID stands for the router id', { routerId: '10.0.0.9', attrs: { originatorId: '10.0.0.1' } }, { routerId: '10.0.0.5' }],
  ['shortest CLUSTER_LIST', { attrs: { clusterList: ['1.1.1.1'] } }, { attrs: { clusterList: ['1.1.1.1', '2.2.2.2'] } }],
  ['lowest peer address (numeric)', { address: '192.0.2.9' }, { address: '192.0.2.10' }],
  ['lowest ADD-PATH id last', { pathId: 1 }, { pathId: 2 }],
];

describe('decision process, one step at a time', () => {
  test.each(steps)('%s', (_name, winner, loser) => {
    const w = path(winner);
    const l = path(loser);
    expect(selectBest([w, l], LOCAL)).toBe(w);
    expect(selectBest([l, w], LOCAL)).toBe(w);
  });

  test('MED is not compared between different neighbour ASes', () => {
    // Lower MED but from another AS: the router id decides instead.
    const a = path({ attrs: { ...seq(65001), med: 50 }, routerId: '10.0.0.1' });
    const b = path({ attrs: { ...seq(65002), med: 0 }, routerId: '10.0.0.2' });
    expect(selectBest([a, b], LOCAL)).toBe(a);
    expect(selectBest([b, a], LOCAL)).toBe(a);
  });

  test('MED elimination is independent of arrival order', () => {
    // a(AS1, MED 10) beats c(AS1, MED 20); b(AS2) has the lowest router id of the survivors... unless c were kept.
    const a = path({ attrs: { ...seq(1), med: 10 }, routerId: '10.0.0.3' });
    const b = path({ attrs: { ...seq(2), med: 99 }, routerId: '10.0.0.2' });
    const c = path({ attrs: { ...seq(1), med: 20 }, routerId: '10.0.0.1' });
    for (const order of [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]]) {
      expect(selectBest(order, LOCAL)).toBe(b);
    }
  });

  test('empty AS_PATH: neighbour AS is our own for MED', () => {
    const a = path({ attrs: { asPath: [], med: 5 }, ebgp: false, routerId: '10.0.0.9' });
    const b = path({ attrs: { asPath: [], med: 7 }, ebgp: false, routerId: '10.0.0.1' });
    expect(selectBest([b, a], LOCAL)).toBe(a);
  });

  test('rankPaths orders all paths best first', () => {
    const p1 = path({ attrs: { localPref: 300 }, ebgp: false });
    const p2 = path({ attrs: { localPref: 200 }, ebgp: false });
    const p3 = path({ attrs: { localPref: 100 }, ebgp: false });
    expect(rankPaths([p3, p1, p2], LOCAL)).toEqual([p1, p2, p3]);
  });
});

describe('multipath set', () => {
  const ctx = { localAsn: LOCAL, maxPaths: 8 };
  const best = path({ routerId: '10.0.0.1', address: '192.0.2.1' });

  const members: [string, P, boolean][] = [
    ['equal eBGP path from the same neighbour AS', { routerId: '10.0.0.2', address: '192.0.2.2' }, true],
    ['different neighbour AS (eBGP)', { attrs: seq(65009), routerId: '10.0.0.2' }, false],
    ['lower LOCAL_PREF', { attrs: { localPref: 50 } }, false],
    ['longer AS_PATH', { attrs: seq(65001, 1) }, false],
    ['worse ORIGIN', { attrs: { origin: 2 } }, false],
    ['higher MED, same neighbour AS', { attrs: { med: 5 } }, false],
    ['iBGP path next to an eBGP best', { ebgp: false }, false],
    ['differs only in CLUSTER_LIST length (after the eBGP/iBGP step)', { attrs: { clusterList: ['1.1.1.1'] } }, true],
  ];
  test.each(members)('%s → member: %s', (_n, other, expected) => {
    const o = path(other);
    const ranked = rankPaths([best, o], LOCAL);
    expect(ranked[0]).toBe(best);
    expect(multipathSet(ranked, ctx).includes(o)).toBe(expected);
  });

  test('iBGP paths from different neighbour ASes may share forwarding', () => {
    const a = path({ ebgp: false, attrs: seq(1), routerId: '10.0.0.1' });
    const b = path({ ebgp: false, attrs: seq(2), routerId: '10.0.0.2' });
    expect(multipathSet(rankPaths([a, b], LOCAL), ctx)).toEqual([a, b]);
  });

  test('capped at maxPaths, best first in rank order', () => {
    const ps = [5, 3, 1, 4, 2].map((n) => path({ routerId: `10.0.0.${n}` }));
    const set = multipathSet(rankPaths(ps, LOCAL), { localAsn: LOCAL, maxPaths: 3 });
    expect(set.map((p) => p.peerRouterId)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  test('a locally originated best stands alone', () => {
    const local = path({ peer: null });
    const learned = path({});
    expect(multipathSet(rankPaths([learned, local], LOCAL), ctx)).toEqual([local]);
  });
});

describe('comparePair (the two-path fast path)', () => {
  const arbPath = fc
    .record({
      peer: fc.constantFrom<string | null>(null, 'x', 'y'),
      lp: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }),
      path: fc.array(fc.constantFrom(1, 2), { maxLength: 2 }),
      origin: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      med: fc.option(fc.constantFrom(0, 5), { nil: undefined }),
      ebgp: fc.boolean(),
      rid: fc.constantFrom('10.0.0.1', '10.0.0.2'),
      orig: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.3'), { nil: undefined }),
      cl: fc.array(fc.constant('1.1.1.1'), { maxLength: 2 }),
      addr: fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::1'),
      pathId: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    })
    .map((r) =>
      path({
        peer: r.peer,
        ebgp: r.ebgp,
        routerId: r.rid,
        address: r.addr,
        pathId: r.pathId,
        attrs: {
          asPath: [{ type: AS_SEQUENCE, asns: r.path }],
          origin: r.origin,
          ...(r.lp !== undefined ? { localPref: r.lp } : {}),
          ...(r.med !== undefined ? { med: r.med } : {}),
          ...(r.orig !== undefined ? { originatorId: r.orig } : {}),
          ...(r.cl.length ? { clusterList: r.cl } : {}),
        },
      }),
    );

  test('agrees with the elimination process on every pair', () => {
    fc.assert(
      fc.property(arbPath, arbPath, (a, b) => {
        const c = comparePair(a, b, LOCAL);
        const best = selectBest([a, b], LOCAL);
        if (c < 0) expect(best).toBe(a);
        else if (c > 0) expect(best).toBe(b);
        else expect(selectBest([b, a], LOCAL)).toBe(b); // a full tie: first one stays
      }),
      { numRuns: 2000 },
    );
  });
});
