// The decision process (RFC 4271 §9.1.2) and the ECMP set. Pure: paths in, ranking out.
//
// Order, each step keeping only the paths that are best on it (RFC style elimination, which makes
// the result independent of the order paths arrived in, even with MED's partial comparison):
//   0. locally originated over learned
//   1. highest LOCAL_PREF (missing = 100; eBGP-received LOCAL_PREF was dropped at import)
//   2. shortest AS_PATH (AS_SET counts 1, confederation segments 0)
//   3. lowest ORIGIN (IGP < EGP < INCOMPLETE; missing counts as INCOMPLETE)
//   4. lowest MED, compared only among paths from the same neighbour AS (missing MED = 0)
//   5. eBGP over iBGP
//   (6. lowest IGP cost to the next hop: skipped, we have no IGP)
//   7. lowest router id: ORIGINATOR_ID when present (RFC 4456 §9), else the peer's BGP identifier
//   8. shortest CLUSTER_LIST (RFC 4456 §9)
//   9. lowest peer address
//  10. lowest ADD-PATH path id (same peer, several paths: any fixed order will do)
//
// Multipath: paths equal to the best through step 5, and for eBGP from the same neighbour AS
// (FRR's default without "as-path multipath-relax"), form the ECMP set, best first, capped.

import { parseAddress } from '../wire/index.js';
import { asPathLength, neighborAs } from './as-path.js';
import type { RibPath } from './types.js';

export const DEFAULT_LOCAL_PREF = 100;

export interface DecisionContext {
  localAsn: number;
  maxPaths: number;
}

export const localPrefOf = (p: RibPath): number => p.attrs.localPref ?? DEFAULT_LOCAL_PREF;
const originOf = (p: RibPath): number => p.attrs.origin ?? 2;
const medOf = (p: RibPath): number => p.attrs.med ?? 0;

const routerIdCache = new Map<string, number>();
/** Router ids are dotted quads; compare them as unsigned 32-bit numbers. */
export function routerIdValue(id: string): number {
  let v = routerIdCache.get(id);
  if (v === undefined) {
    const parts = id.split('.');
    v = parts.length === 4 ? parts.reduce((acc, o) => acc * 256 + (Number(o) & 255), 0) : 0xffffffff;
    if (routerIdCache.size < 65536) routerIdCache.set(id, v);
  }
  return v;
}

const addressKeyCache = new Map<string, string>();
/** Peer addresses compare numerically, IPv4 before IPv6; unparsable (local: "") first. */
export function addressKey(addr: string): string {
  let k = addressKeyCache.get(addr);
  if (k === undefined) {
    try {
      const b = parseAddress(addr);
      k = (b.length === 4 ? '4' : '6') + Buffer.from(b).toString('hex');
    } catch {
      k = '0' + addr;
    }
    if (addressKeyCache.size < 65536) addressKeyCache.set(addr, k);
  }
  return k;
}

/** Keep the paths with the smallest key (numbers or strings). */
function keepMin<K extends number | string>(paths: RibPath[], key: (p: RibPath) => K): RibPath[] {
  if (paths.length < 2) return paths;
  let best = key(paths[0]);
  let out = [paths[0]];
  for (let i = 1; i < paths.length; i++) {
    const k = key(paths[i]);
    if (k < best) {
      best = k;
      out = [paths[i]];
    } else if (k === best) out.push(paths[i]);
  }
  return out;
}

/** Step 4: drop every path that has a higher MED than another path from the same neighbour AS. */
function medFilter(paths: RibPath[], localAsn: number): RibPath[] {
  if (paths.length < 2) return paths;
  const minMed = new Map<number, number>();
  for (const p of paths) {
    const as = neighborAs(p.attrs.asPath, localAsn);
    const m = minMed.get(as);
    if (m === undefined || medOf(p) < m) minMed.set(as, medOf(p));
  }
  return paths.filter((p) => medOf(p) === minMed.get(neighborAs(p.attrs.asPath, localAsn)));
}

/** The steps in order; exported so tests can name the step that decided. */
export function decisionSteps(localAsn: number): ((paths: RibPath[]) => RibPath[])[] {
  return [
    (c) => keepMin(c, (p) => (p.peerId === null ? 0 : 1)),
    (c) => keepMin(c, (p) => -localPrefOf(p)),
    (c) => keepMin(c, (p) => asPathLength(p.attrs.asPath)),
    (c) => keepMin(c, originOf),
    (c) => medFilter(c, localAsn),
    (c) => keepMin(c, (p) => (p.ebgp ? 0 : 1)),
    (c) => keepMin(c, (p) => routerIdValue(p.attrs.originatorId ?? p.peerRouterId)),
    (c) => keepMin(c, (p) => p.attrs.clusterList?.length ?? 0),
    (c) => keepMin(c, (p) => addressKey(p.peerAddress)),
    (c) => keepMin(c, (p) => p.pathId ?? 0),
  ];
}

const stepsByAsn = new Map<number, ((paths: RibPath[]) => RibPath[])[]>();

/** The best of a non-empty set of eligible paths. */
export function selectBest(paths: readonly RibPath[], localAsn: number): RibPath {
  if (paths.length === 1) return paths[0];
  let steps = stepsByAsn.get(localAsn);
  if (!steps) stepsByAsn.set(localAsn, (steps = decisionSteps(localAsn)));
  let c = paths as RibPath[];
  for (const step of steps) {
    c = step(c);
    if (c.length === 1) return c[0];
  }
  return c[0];
}

/**
 * The same steps for exactly two paths, without allocating: negative when `a` is better. With two
 * paths the elimination order and a pairwise comparison agree (MED's partial order only bites
 * with three or more), and two paths per prefix (two upstreams, two route reflectors) is the
 * common multi-path case worth a fast path.
 */
export function comparePair(a: RibPath, b: RibPath, localAsn: number): number {
  if ((a.peerId === null) !== (b.peerId === null)) return a.peerId === null ? -1 : 1;
  const lp = localPrefOf(b) - localPrefOf(a);
  if (lp !== 0) return lp;
  const len = asPathLength(a.attrs.asPath) - asPathLength(b.attrs.asPath);
  if (len !== 0) return len;
  const origin = originOf(a) - originOf(b);
  if (origin !== 0) return origin;
  if (neighborAs(a.attrs.asPath, localAsn) === neighborAs(b.attrs.asPath, localAsn)) {
    const med = medOf(a) - medOf(b);
    if (med !== 0) return med;
  }
  if (a.ebgp !== b.ebgp) return a.ebgp ? -1 : 1;
  const rid = routerIdValue(a.attrs.originatorId ?? a.peerRouterId) - routerIdValue(b.attrs.originatorId ?? b.peerRouterId);
  if (rid !== 0) return rid;
  const cl = (a.attrs.clusterList?.length ?? 0) - (b.attrs.clusterList?.length ?? 0);
  if (cl !== 0) return cl;
  const ka = addressKey(a.peerAddress);
  const kb = addressKey(b.peerAddress);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return (a.pathId ?? 0) - (b.pathId ?? 0);
}

/** All paths best first: repeated selection (path counts per prefix are small). */
export function rankPaths(paths: readonly RibPath[], localAsn: number): RibPath[] {
  if (paths.length < 2) return paths.slice();
  if (paths.length === 2) return comparePair(paths[0], paths[1], localAsn) <= 0 ? [paths[0], paths[1]] : [paths[1], paths[0]];
  const rest = paths.slice();
  const out: RibPath[] = [];
  while (rest.length > 0) {
    const b = selectBest(rest, localAsn);
    out.push(b);
    rest.splice(rest.indexOf(b), 1);
  }
  return out;
}

/** Can `p` share forwarding with `best` (equal through step 5; same neighbour AS for eBGP)? */
export function multipathEqual(best: RibPath, p: RibPath, localAsn: number): boolean {
  if (best.peerId === null || p.peerId === null) return false;
  if (localPrefOf(best) !== localPrefOf(p)) return false;
  if (asPathLength(best.attrs.asPath) !== asPathLength(p.attrs.asPath)) return false;
  if (originOf(best) !== originOf(p)) return false;
  if (best.ebgp !== p.ebgp) return false;
  const sameNeighbor = neighborAs(best.attrs.asPath, localAsn) === neighborAs(p.attrs.asPath, localAsn);
  if (sameNeighbor && medOf(best) !== medOf(p)) return false;
  if (best.ebgp && !sameNeighbor) return false;
  return true;
}

/** The ECMP set of ranked paths: the best plus the paths multipathEqual to it, in rank order. */
export function multipathSet(ranked: readonly RibPath[], ctx: DecisionContext): RibPath[] {
  const best = ranked[0];
  const out = [best];
  for (let i = 1; i < ranked.length && out.length < ctx.maxPaths; i++) {
    if (multipathEqual(best, ranked[i], ctx.localAsn)) out.push(ranked[i]);
  }
  return out;
}
