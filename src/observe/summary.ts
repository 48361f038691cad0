// The shape of /api/v1/status: one small document an operator (or the dashboard header, or
// `podroute status`) reads to answer "is this node fine?". Pure: the server gathers the inputs.
import type { SyncSummary } from './metrics.js';
import type { EventRecord, FibStatus, HealthStatus, NodeInfo, PeerState, PeerStatus, RibFamilySummary } from './status.js';

export interface StatusSummary {
  node: NodeInfo & { uptimeSeconds: number };
  health: HealthStatus;
  bgp: {
    peers: number;
    established: number;
    byState: Partial<Record<PeerState, number>>;
    updatesReceived: number;
    updatesSent: number;
    rib: RibFamilySummary[];
  };
  fib: (Omit<FibStatus, 'skipped'> & { skipped: number }) | null;
  services: number | null;
  policies: number | null;
  syncs: SyncSummary[];
  events: { total: number; warnings: number; errors: number; last?: EventRecord };
  time: string;
}

export interface SummaryInput {
  node: NodeInfo;
  health: HealthStatus;
  peers: PeerStatus[];
  rib: RibFamilySummary[];
  fib?: FibStatus;
  services?: unknown[];
  policies?: unknown[];
  events: EventRecord[];
  syncs: SyncSummary[];
  now: Date;
}

export function summarizeStatus(i: SummaryInput): StatusSummary {
  const byState: Partial<Record<PeerState, number>> = {};
  for (const p of i.peers) byState[p.state] = (byState[p.state] ?? 0) + 1;
  const started = Date.parse(i.node.startedAt);
  const uptimeSeconds = Number.isFinite(started) ? Math.max(0, Math.floor((i.now.getTime() - started) / 1000)) : 0;
  const summary: StatusSummary = {
    node: { ...i.node, uptimeSeconds },
    health: i.health,
    bgp: {
      peers: i.peers.length,
      established: byState.Established ?? 0,
      byState,
      updatesReceived: i.peers.reduce((n, p) => n + p.updatesReceived, 0),
      updatesSent: i.peers.reduce((n, p) => n + p.updatesSent, 0),
      rib: i.rib,
    },
    // The skipped list can be long; the summary carries its size and /api/v1/fib the entries.
    fib: i.fib ? { ...i.fib, skipped: i.fib.skipped.length } : null,
    services: i.services ? i.services.length : null,
    policies: i.policies ? i.policies.length : null,
    syncs: i.syncs,
    events: {
      total: i.events.length,
      warnings: i.events.filter((e) => e.level === 'warn').length,
      errors: i.events.filter((e) => e.level === 'error').length,
    },
    time: i.now.toISOString(),
  };
  const last = latestEvent(i.events);
  if (last) summary.events.last = last;
  return summary;
}

function latestEvent(events: EventRecord[]): EventRecord | undefined {
  let best: EventRecord | undefined;
  for (const e of events) if (!best || e.time > best.time) best = e;
  return best;
}
