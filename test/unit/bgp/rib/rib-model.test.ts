// Property: after any sequence of announces, withdraws, peer downs and local originations, the
// Loc-RIB (best, ECMP set), what drainChanges reported, and what an eBGP observer was sent all
// equal a naive recomputation from the announcements currently standing. The attribute space is
// small on purpose, so paths often tie down to the MED and router-id steps.

import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Rib, type OutboundBatch, type PeerInfo } from '../../../../src/bgp/rib/index.js';
import { AS_SEQUENCE, type PathAttributes } from '../../../../src/bgp/wire/index.js';
import { announce, codec, ebgpPeer, ibgpPeer, LOCAL_ASN, ROUTER_ID, withdraw } from './fixtures.js';

const PEERS: PeerInfo[] = [
  ebgpPeer('e1', 65001, '192.0.2.1'),
  ebgpPeer('e2', 65001, '192.0.2.2'), // same neighbour AS as e1: MED and ECMP apply
  ebgpPeer('e3', 65003, '192.0.2.3'),
  ibgpPeer('i4', '10.0.0.4'),
  ibgpPeer('i5', '10.0.0.5'),
];
const OBSERVER = ebgpPeer('obs', 65100, '192.0.2.100');
const PREFIXES = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/25', '10.1.0.0/16', '192.168.0.0/24'];

interface Ann {
  lp?: number;
  extra: number[];
  firstAs: number;
  origin: 0 | 1 | 2;
  med?: number;
}
type Op =
  | { kind: 'announce'; peer: number; prefixes: number[]; a: Ann; taw: boolean }
  | { kind: 'withdraw'; peer: number; prefixes: number[] }
  | { kind: 'down'; peer: number }
  | { kind: 'originate'; prefix: number }
  | { kind: 'unoriginate'; prefix: number }
  | { kind: 'drain' }
  | { kind: 'pull' }
  | { kind: 'obsRefresh' }
  | { kind: 'obsReset' };

const idx = fc.array(fc.integer({ min: 0, max: PREFIXES.length - 1 }), { minLength: 1, maxLength: 4 });
const ann: fc.Arbitrary<Ann> = fc.record({
  lp: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }),
  extra: fc.array(fc.constantFrom(1, 2), { maxLength: 1 }),
  firstAs: fc.constantFrom(65001, 65003, 65009),
  origin: fc.constantFrom<0 | 1 | 2>(0, 0, 1, 2),
  med: fc.option(fc.constantFrom(0, 5, 10), { nil: undefined }),
});
const peer = fc.integer({ min: 0, max: PEERS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('announce' as const), peer, prefixes: idx, a: ann, taw: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), peer, prefixes: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('down' as const), peer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('originate' as const), prefix: fc.integer({ min: 0, max: PREFIXES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unoriginate' as const), prefix: fc.integer({ min: 0, max: PREFIXES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pull' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'obsRefresh' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'obsReset' as const }) },
);

function attrsOf(p: PeerInfo, a: Ann): PathAttributes {
  const first = p.ebgp ? p.asn : a.firstAs; // eBGP peers put their own AS first
  return {
    origin: a.origin,
    asPath: [{ type: AS_SEQUENCE, asns: [first, ...a.extra] }],
    nextHop: p.address,
    ...(a.lp !== undefined ? { localPref: a.lp } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
  };
}

// ---- the naive reference: every candidate path for a prefix, decided from scratch ----

interface Cand {
  peer: string | null;
  ebgp: boolean;
  lp: number;
  len: number;
  origin: number;
  med: number;
  nbr: number;
  rid: number;
  addr: number;
}
const ip = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
function cand(p: PeerInfo, a: Ann): Cand {
  const at = attrsOf(p, a);
  return {
    peer: p.id, ebgp: p.ebgp, lp: p.ebgp ? 100 : (a.lp ?? 100), len: 1 + a.extra.length, origin: a.origin,
    med: a.med ?? 0, nbr: at.asPath![0].asns[0], rid: ip(p.address), addr: ip(p.address),
  };
}
const LOCAL: Cand = { peer: null, ebgp: false, lp: 100, len: 0, origin: 0, med: 0, nbr: LOCAL_ASN, rid: 0, addr: 0 };

function naiveBest(cs: Cand[]): Cand {
  if (cs.some((c) => c.peer === null)) return cs.find((c) => c.peer === null)!;
  let s = cs.filter((c) => c.lp === Math.max(...cs.map((x) => x.lp)));
  s = s.filter((c) => c.len === Math.min(...s.map((x) => x.len)));
  s = s.filter((c) => c.origin === Math.min(...s.map((x) => x.origin)));
  s = s.filter((c) => !s.some((o) => o.nbr === c.nbr && o.med < c.med));
  if (s.some((c) => c.ebgp)) s = s.filter((c) => c.ebgp);
  s = s.filter((c) => c.rid === Math.min(...s.map((x) => x.rid)));
  s = s.filter((c) => c.addr === Math.min(...s.map((x) => x.addr)));
  return s[0];
}
function naiveMultipath(cs: Cand[]): string[] {
  const b = naiveBest(cs);
  if (b.peer === null) return ['local'];
  return cs
    .filter((c) => c.peer !== null && c.lp === b.lp && c.len === b.len && c.origin === b.origin && c.ebgp === b.ebgp)
    .filter((c) => (c.nbr === b.nbr ? c.med === b.med : !b.ebgp))
    .map((c) => c.peer!)
    .sort();
}

test('Loc-RIB, drained changes and Adj-RIB-Out equal a naive recomputation', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const rib = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, now: () => 0 });
      for (const p of PEERS) {
        rib.addPeer(p);
        rib.peerUp(p.id, { families: ['ipv4-unicast'], codec, routerId: p.address });
      }
      rib.addPeer(OBSERVER);
      rib.peerUp(OBSERVER.id, { families: ['ipv4-unicast'], codec, routerId: OBSERVER.address });

      const standing = new Map<string, Map<string, Ann>>(PEERS.map((p) => [p.id, new Map()]));
      const local = new Set<string>();
      const fib = new Map<string, string[]>(); // what drainChanges told us
      const observed = new Map<string, PathAttributes>(); // what the observer was sent
      const drain = () => {
        for (const c of rib.drainChanges()) {
          if (c.best === null) fib.delete(c.prefix);
          else fib.set(c.prefix, c.multipath.map((p) => p.peerId ?? 'local').sort());
        }
      };
      const pull = () => {
        for (const b of rib.takeOutboundBatches(OBSERVER.id) as OutboundBatch[]) {
          if (b.kind === 'announce') for (const p of b.prefixes) observed.set(p, b.attrs);
          if (b.kind === 'withdraw') for (const p of b.prefixes) observed.delete(p);
        }
      };

      for (const o of ops) {
        if (o.kind === 'announce') {
          const p = PEERS[o.peer];
          const ps = [...new Set(o.prefixes.map((i) => PREFIXES[i]))];
          const u = announce(ps, attrsOf(p, o.a));
          rib.applyUpdate(p.id, o.taw ? { ...u, treatAsWithdraw: 'test' } : u);
          for (const x of ps) {
            if (o.taw) standing.get(p.id)!.delete(x);
            else standing.get(p.id)!.set(x, o.a);
          }
        } else if (o.kind === 'withdraw') {
          const p = PEERS[o.peer];
          const ps = o.prefixes.map((i) => PREFIXES[i]);
          rib.applyUpdate(p.id, withdraw(ps));
          for (const x of ps) standing.get(p.id)!.delete(x);
        } else if (o.kind === 'down') {
          const p = PEERS[o.peer];
          rib.peerDown(p.id);
          rib.peerUp(p.id, { families: ['ipv4-unicast'], codec, routerId: p.address });
          standing.get(p.id)!.clear();
        } else if (o.kind === 'originate') {
          rib.originate(PREFIXES[o.prefix]);
          local.add(PREFIXES[o.prefix]);
        } else if (o.kind === 'unoriginate') {
          rib.withdrawOriginated(PREFIXES[o.prefix]);
          local.delete(PREFIXES[o.prefix]);
        } else if (o.kind === 'drain') drain();
        else if (o.kind === 'pull') pull();
        else if (o.kind === 'obsRefresh') {
          // ROUTE-REFRESH: the observer keeps what it has and is sent everything again.
          rib.peerUp(OBSERVER.id, { families: ['ipv4-unicast'], codec, routerId: OBSERVER.address });
        } else {
          // Session reset: the observer forgets everything we sent; a new session starts from zero.
          rib.peerDown(OBSERVER.id);
          observed.clear();
          rib.peerUp(OBSERVER.id, { families: ['ipv4-unicast'], codec, routerId: OBSERVER.address });
        }
      }
      drain();
      pull();

      const expected = new Map<string, Cand[]>();
      for (const p of PEERS) {
        for (const [x, a] of standing.get(p.id)!) {
          if (!expected.has(x)) expected.set(x, []);
          expected.get(x)!.push(cand(p, a));
        }
      }
      for (const x of local) {
        if (!expected.has(x)) expected.set(x, []);
        expected.get(x)!.push(LOCAL);
      }

      expect(rib.size()).toBe(expected.size);
      for (const [x, cs] of expected) {
        const e = rib.lookup(x)!;
        expect(e).toBeDefined();
        const b = naiveBest(cs);
        expect(e.best.peerId).toBe(b.peer);
        expect(e.paths).toHaveLength(cs.length);
        expect(e.multipath.map((p) => p.peerId ?? 'local').sort()).toEqual(naiveMultipath(cs));
        expect(fib.get(x)).toEqual(naiveMultipath(cs));
        // The observer (eBGP) gets our AS prepended to the best path's AS_PATH.
        const bestPath = e.best.attrs.asPath?.flatMap((s) => s.asns) ?? [];
        expect(observed.get(x)?.asPath?.[0].asns).toEqual([LOCAL_ASN, ...bestPath]);
      }
      expect(fib.size).toBe(expected.size);
      expect(observed.size).toBe(expected.size);
    }),
    { numRuns: 400 },
  );
});
