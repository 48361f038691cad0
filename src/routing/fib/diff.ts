// diffFib: the pure core of the FIB sync. Given the routes we want and the routes of ours the
// kernel has, both keyed by prefix, it returns what to add, replace and delete.
//
// Equality is on what forwarding uses: the table and the set of next hops (gateway, interface
// when the desired route names one, weight when there are several). Next-hop order does not
// matter, duplicates collapse, and a lone next hop's weight is ignored (the kernel keeps none).
// A table change is a delete from the old table plus an add to the new one (a route's table is
// part of its kernel key, so REPLACE cannot move it).

import type { FibDiff, FibNextHop, FibRoute } from './types.js';

function hopKey(h: FibNextHop, withIf: boolean, withWeight: boolean): string {
  return `${h.gateway}|${withIf ? (h.ifindex ?? 0) : ''}|${withWeight ? (h.weight ?? 1) : ''}`;
}

/** Canonical next-hop set text of a route (for comparison and logs). */
export function nextHopSignature(r: FibRoute, withIf = true): string {
  const seen = new Set<string>();
  const many = new Set(r.nextHops.map((h) => h.gateway)).size > 1;
  for (const h of r.nextHops) seen.add(hopKey(h, withIf, many));
  return [...seen].sort().join(',');
}

/** True when installing `desired` over `current` would change nothing. */
export function sameRoute(desired: FibRoute, current: FibRoute): boolean {
  if (desired === current) return true;
  if ((desired.table ?? null) !== (current.table ?? null)) return false;
  // Fast path without allocation: same hops in the same order (how the kernel reports back what
  // we sent). Stricter than the general rule, so "same" here is "same" there too.
  const a = desired.nextHops;
  const b = current.nextHops;
  if (a.length === b.length) {
    const many = a.length > 1;
    let same = true;
    for (let i = 0; i < a.length && same; i++) {
      const x = a[i];
      const y = b[i];
      if (x.gateway !== y.gateway || (x.ifindex && x.ifindex !== y.ifindex) || (many && (x.weight ?? 1) !== (y.weight ?? 1))) same = false;
    }
    if (same) return true;
  }
  // Compare interfaces only when the desired route pins them all (otherwise the kernel chooses).
  const withIf = desired.nextHops.every((h) => h.ifindex !== undefined && h.ifindex !== 0);
  return nextHopSignature(desired, withIf) === nextHopSignature(current, withIf);
}

export function diffFib(desired: ReadonlyMap<string, FibRoute>, current: ReadonlyMap<string, FibRoute>): FibDiff {
  const out: FibDiff = { adds: [], replaces: [], deletes: [] };
  for (const [prefix, want] of desired) {
    if (want.nextHops.length === 0) continue; // nothing to install: treated as absent
    const have = current.get(prefix);
    if (!have) out.adds.push(want);
    else if ((want.table ?? null) !== (have.table ?? null)) {
      out.deletes.push(have);
      out.adds.push(want);
    } else if (!sameRoute(want, have)) out.replaces.push(want);
  }
  for (const [prefix, have] of current) {
    const want = desired.get(prefix);
    if (!want || want.nextHops.length === 0) out.deletes.push(have);
  }
  return out;
}
