// What the routing controller needs from the kernel side, and the pure mapping from a best-path
// change to the kernel route that should exist for it. The adapter behind FibPort (src/routing/fib)
// batches, reconciles and reports; the controller only says what it wants.
import type { BestChange } from '../bgp/rib/index.js';

export interface FibNextHop {
  gateway: string;
  weight?: number;
}

export interface FibRoute {
  prefix: string;
  nextHops: FibNextHop[];
}

export interface FibPort {
  start(): Promise<void>;
  /** prefix → route to install/replace, or null to remove. */
  update(changes: Map<string, FibRoute | null>): void;
  close(opts: { removeRoutes: boolean }): Promise<void>;
  /** The desired set is complete (initial BGP convergence): stale adopted routes may go now. */
  endDeferral?(): void;
  /** Routes of ours in the kernel; right after start(), the ones adopted from a previous run. */
  status?(): { installed: number };
}

/**
 * The ECMP set's distinct next hops become one multipath route. A next hop that is one of our own
 * addresses is dropped (it would loop); if none is left there is no route.
 */
export function fibRouteFor(change: BestChange, selfAddresses: readonly string[]): FibRoute | null {
  if (!change.best) return null;
  const seen = new Set<string>();
  const nextHops: FibNextHop[] = [];
  for (const p of change.multipath.length ? change.multipath : [change.best]) {
    const gw = p.nextHop;
    if (!gw || seen.has(gw) || selfAddresses.includes(gw)) continue;
    seen.add(gw);
    nextHops.push({ gateway: gw });
  }
  return nextHops.length ? { prefix: change.prefix, nextHops } : null;
}
