// Types of the FIB sync: what the routing controller wants in the kernel, and what we report.
// Structurally compatible with routing/fib-port.ts (FibRoute/FibPort) and observe/status.ts
// (FibStatus), so FibSync plugs into both without adapters.

export interface FibNextHop {
  gateway: string;
  /** Outgoing interface; filled in by reachability resolution when absent. */
  ifindex?: number;
  /** ECMP weight 1..256 (default 1; meaningless with a single next hop). */
  weight?: number;
}

export interface FibRoute {
  /** Canonical prefix text ("10.244.1.0/24", "2001:db8::/64"). */
  prefix: string;
  nextHops: FibNextHop[];
  /** Kernel table; FibSync fills in its own when absent. */
  table?: number;
}

export interface FibDiff {
  adds: FibRoute[];
  replaces: FibRoute[];
  deletes: FibRoute[];
}

export interface FibSkip {
  prefix: string;
  reason: string;
}

export interface FibError {
  prefix: string;
  op: 'add' | 'replace' | 'delete';
  code: string;
  message: string;
}

export interface FibStatus {
  /** Our routes in the kernel (by our last dump plus what we applied since). */
  installed: number;
  /** Desired changes not yet applied (queued, in flight, or failed and waiting for a retry). */
  pending: number;
  /** Changes the kernel refused in the last pass (details in `errorList`). */
  errors: number;
  errorList: FibError[];
  skipped: FibSkip[];
  /** Still inside the start-up deferral: stale routes are kept, not deleted. */
  deferring: boolean;
  /** ISO time the last reconcile pass finished (absent before the first). */
  lastSyncAt?: string;
  lastSyncMs?: number;
  /** Full re-reads of kernel state so far (start, timer, lost replies, link/address events). */
  resyncs: number;
}
