// One prom-client registry for the whole agent. Most series are read from the StatusProvider at
// scrape time (collect callbacks), so the controllers never push numbers they already keep and a
// peer that disappears also disappears from /metrics. Only what has no state to read back —
// sync durations and packet drops — is pushed by the controllers through this API.
// Every name here is listed in docs/metrics.md; a unit test keeps the two in agreement.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PEER_STATES, type RibFamilySummary, type StatusProvider } from './status.js';

/** Controllers that report sync durations; each gets podroute_<controller>_sync_duration_seconds. */
export const SYNC_CONTROLLERS = ['routing', 'fib', 'proxy', 'netpol'] as const;
export type SyncController = (typeof SYNC_CONTROLLERS)[number];

/** Sync durations span a 1 ms no-op resync to a 1M-route FIB load. */
export const SYNC_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface SyncSummary {
  controller: SyncController;
  count: number;
  totalSeconds: number;
  lastSeconds?: number;
  lastAt?: string;
}

export interface ProxyDropLabels { service: string; reason: 'no_endpoints' | 'rejected' | string }
/**
 * Denied traffic is counted per pod: a packet is dropped because no policy allows it, so there is no
 * single policy to blame; the pod's own DROP rule counts it.
 */
export interface PolicyDropLabels { namespace: string; pod: string }

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** The exposition text; provider errors are counted, never thrown, so a scrape always answers. */
  text(): Promise<string>;
  observeSync(controller: SyncController, seconds: number): void;
  addProxyDrops(labels: ProxyDropLabels, packets?: number): void;
  addPolicyDrops(labels: PolicyDropLabels, packets?: number): void;
  syncSummary(): SyncSummary[];
}

export interface MetricsOptions {
  provider: StatusProvider;
  /** Default Node.js process metrics; off in tests that compare exact name sets. */
  processMetrics?: boolean;
  /** Injectable for tests. */
  now?: () => Date;
}

/** Page size used to count RIB routes when the provider has no ribSummary(). */
const RIB_COUNT_PAGE = 5000;

export function ribSummaryOf(provider: StatusProvider): RibFamilySummary[] {
  if (provider.ribSummary) return provider.ribSummary();
  const by = new Map<string, RibFamilySummary>();
  let after: string | undefined;
  // Bounded by the route count; the guard stops a provider whose cursor never advances.
  for (let pages = 0; pages < 100_000; pages++) {
    const q: { limit: number; after?: string } = { limit: RIB_COUNT_PAGE };
    if (after !== undefined) q.after = after;
    const page = provider.routes(q);
    for (const r of page.routes) {
      const s = by.get(r.family) ?? { family: r.family, routes: 0, paths: 0 };
      s.routes += 1;
      s.paths += r.paths.length;
      by.set(r.family, s);
    }
    if (page.next === undefined || page.next === after || page.routes.length === 0) break;
    after = page.next;
  }
  return [...by.values()].sort((a, b) => a.family.localeCompare(b.family));
}

interface ServiceStatsRecord { namespace: string; name: string; connections: number; packetsIn: number; packetsOut: number; bytesIn: number; bytesOut: number }

/** The counters of one services() entry, or undefined when it carries none (loosely typed input). */
function serviceStats(v: unknown): ServiceStatsRecord | undefined {
  const r = v as { namespace?: unknown; name?: unknown; stats?: Record<string, unknown> } | null;
  if (!r || typeof r !== 'object' || typeof r.stats !== 'object' || r.stats === null) return undefined;
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const st = r.stats;
  return {
    namespace: typeof r.namespace === 'string' ? r.namespace : 'default', name: typeof r.name === 'string' ? r.name : '?',
    connections: num(st.connections), packetsIn: num(st.packetsIn), packetsOut: num(st.packetsOut), bytesIn: num(st.bytesIn), bytesOut: num(st.bytesOut),
  };
}

export function createMetrics(opts: MetricsOptions): Metrics {
  const { provider } = opts;
  const now = opts.now ?? (() => new Date());
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'podroute_' });
  const registers = [registry];

  // A throwing provider must not turn /metrics into a 500: the rest of the scrape is still useful.
  // One scrape asks for peers() from a dozen collect callbacks; within a text() call each provider
  // method runs once, so a scrape costs one read of each subsystem and all series agree.
  let scrape: Map<string, unknown> | undefined;
  const read = <T>(key: string, fn: () => T): T => {
    if (!scrape) return fn();
    if (!scrape.has(key)) scrape.set(key, fn());
    return scrape.get(key) as T;
  };
  const peers = () => read('peers', () => provider.peers());
  const health = () => read('health', () => provider.health());
  const fib = () => read('fib', () => provider.fib!());
  const services = () => read('services', () => provider.services!());
  const guard = (subsystem: string, fn: () => void): void => {
    try {
      fn();
    } catch {
      collectErrors.inc({ subsystem });
    }
  };

  new Gauge({
    name: 'podroute_build_info',
    help: 'Always 1; labels carry the agent version and node name.',
    labelNames: ['version', 'node'] as const,
    registers,
    collect() {
      this.reset();
      guard('node', () => {
        const n = provider.node();
        this.set({ version: n.version, node: n.name }, 1);
      });
    },
  });

  // ---- BGP peers: every series is rebuilt from peers() at scrape time. ----
  const peerLabels = ['peer', 'peer_asn'] as const;
  const peerGauge = (name: string, help: string, pick: (p: ReturnType<StatusProvider['peers']>[number]) => number) =>
    new Gauge({
      name, help, labelNames: peerLabels, registers,
      collect() {
        this.reset();
        guard('bgp', () => {
          for (const p of peers()) this.set({ peer: p.address, peer_asn: String(p.asn) }, pick(p));
        });
      },
    });
  const peerCounter = (name: string, help: string, pick: (p: ReturnType<StatusProvider['peers']>[number]) => number) =>
    new Counter({
      name, help, labelNames: peerLabels, registers,
      collect() {
        this.reset();
        guard('bgp', () => {
          for (const p of peers()) {
            const v = pick(p);
            // inc(0) still creates the series, so a fresh peer shows 0 instead of being absent.
            this.inc({ peer: p.address, peer_asn: String(p.asn) }, Number.isFinite(v) && v > 0 ? v : 0);
          }
        });
      },
    });

  peerGauge('podroute_bgp_peer_state', 'BGP FSM state as a number: 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established.',
    (p) => PEER_STATES.indexOf(p.state) + 1);
  new Gauge({
    name: 'podroute_bgp_peer_state_info',
    help: 'One series per peer and FSM state; 1 for the current state, 0 for the others.',
    labelNames: ['peer', 'peer_asn', 'state'] as const,
    registers,
    collect() {
      this.reset();
      guard('bgp', () => {
        for (const p of peers()) {
          for (const s of PEER_STATES) this.set({ peer: p.address, peer_asn: String(p.asn), state: s }, s === p.state ? 1 : 0);
        }
      });
    },
  });
  new Gauge({
    name: 'podroute_bgp_peers',
    help: 'Configured BGP peers by FSM state.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      guard('bgp', () => {
        const all = peers();
        for (const s of PEER_STATES) this.set({ state: s }, all.filter((p) => p.state === s).length);
      });
    },
  });
  peerGauge('podroute_bgp_peer_uptime_seconds', 'Seconds since the session reached Established; 0 when it is not.', (p) => p.uptimeSeconds);
  peerCounter('podroute_bgp_peer_flaps_total', 'Times the session left Established.', (p) => p.flaps);
  peerCounter('podroute_bgp_peer_messages_received_total', 'BGP messages received from the peer.', (p) => p.messagesReceived);
  peerCounter('podroute_bgp_peer_messages_sent_total', 'BGP messages sent to the peer.', (p) => p.messagesSent);
  peerCounter('podroute_bgp_peer_updates_received_total', 'UPDATE messages received from the peer.', (p) => p.updatesReceived);
  peerCounter('podroute_bgp_peer_updates_sent_total', 'UPDATE messages sent to the peer.', (p) => p.updatesSent);
  peerGauge('podroute_bgp_peer_prefixes_received', 'Prefixes in the Adj-RIB-In from the peer, before import policy.', (p) => p.prefixesReceived);
  peerGauge('podroute_bgp_peer_prefixes_accepted', 'Prefixes from the peer accepted by import policy.', (p) => p.prefixesAccepted);
  peerGauge('podroute_bgp_peer_prefixes_advertised', 'Prefixes advertised to the peer (Adj-RIB-Out).', (p) => p.prefixesAdvertised);

  // ---- RIB ----
  // One collect (on the first-registered gauge) fills both, so a scrape reads the RIB once and both agree.
  const ribPaths = new Gauge({ name: 'podroute_bgp_rib_paths', help: 'Paths (all candidates, not only best) in the Loc-RIB by address family.', labelNames: ['family'] as const, registers: [] });
  new Gauge({
    name: 'podroute_bgp_rib_routes',
    help: 'Prefixes in the Loc-RIB by address family.',
    labelNames: ['family'] as const,
    registers,
    collect() {
      this.reset();
      ribPaths.reset();
      guard('rib', () => {
        for (const f of ribSummaryOf(provider)) {
          this.set({ family: f.family }, f.routes);
          ribPaths.set({ family: f.family }, f.paths);
        }
      });
    },
  });
  registry.registerMetric(ribPaths);

  // ---- FIB ----
  new Gauge({
    name: 'podroute_fib_routes',
    help: 'Routes the FIB controller tracks, by state: installed, pending, error (last install failed), skipped (not installable).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      if (!provider.fib) return;
      guard('fib', () => {
        const f = fib();
        this.set({ state: 'installed' }, f.installed);
        this.set({ state: 'pending' }, f.pending);
        this.set({ state: 'error' }, f.errors);
        this.set({ state: 'skipped' }, f.skipped.length);
      });
    },
  });
  new Gauge({
    name: 'podroute_fib_last_sync_timestamp_seconds',
    help: 'Unix time the last FIB sync finished; 0 before the first one.',
    registers,
    collect() {
      this.reset();
      if (!provider.fib) return;
      guard('fib', () => {
        const at = fib().lastSyncAt;
        const t = at ? Date.parse(at) : NaN;
        if (Number.isFinite(t)) this.set(t / 1000);
      });
    },
  });

  // ---- Services, policies, controllers (counts read at scrape time) ----
  new Gauge({
    name: 'podroute_proxy_services', help: 'Services the proxy controller programs into IPVS; 0 when it is not running.', registers,
    collect() { this.reset(); if (provider.services) guard('proxy', () => this.set(services().length)); },
  });
  // Per-service IPVS counters, summed over the Service's virtual servers. The agent reads them from
  // the kernel on a timer; a scrape only reads that cache. Kernel counters restart when a virtual
  // server is re-created, which rate() treats as a counter reset.
  const serviceCounter = (name: string, help: string, byDirection: boolean, pick: (s: ServiceStatsRecord) => [string | undefined, number][]) =>
    new Counter({
      name, help, labelNames: (['namespace', 'service', ...(byDirection ? ['direction'] : [])] as string[]), registers,
      collect() {
        this.reset();
        if (!provider.services) return;
        guard('proxy', () => {
          for (const s of services().map(serviceStats)) {
            if (!s) continue;
            for (const [direction, v] of pick(s)) {
              const labels = { namespace: s.namespace, service: s.name, ...(direction ? { direction } : {}) };
              this.inc(labels, Number.isFinite(v) && v > 0 ? v : 0);
            }
          }
        });
      },
    });
  serviceCounter('podroute_proxy_service_connections_total', 'Connections IPVS scheduled to the Service (all its virtual servers), from the kernel counters.', false, (s) => [[undefined, s.connections]]);
  serviceCounter('podroute_proxy_service_packets_total', 'Packets through the Service\'s IPVS virtual servers, by direction (in = from clients).', true, (s) => [['in', s.packetsIn], ['out', s.packetsOut]]);
  serviceCounter('podroute_proxy_service_bytes_total', 'Bytes through the Service\'s IPVS virtual servers, by direction (in = from clients).', true, (s) => [['in', s.bytesIn], ['out', s.bytesOut]]);
  new Gauge({
    name: 'podroute_netpol_policies', help: 'NetworkPolicies the policy controller enforces; 0 when it is not running.', registers,
    collect() { this.reset(); if (provider.policies) guard('netpol', () => this.set(provider.policies!().length)); },
  });
  new Gauge({
    name: 'podroute_controller_ready',
    help: '1 when the controller finished its initial sync.',
    labelNames: ['controller'] as const,
    registers,
    collect() {
      this.reset();
      guard('health', () => {
        for (const c of health().controllers) this.set({ controller: c.name }, c.ready ? 1 : 0);
      });
    },
  });
  new Gauge({
    name: 'podroute_agent_ready', help: '1 when /readyz answers 200.', registers,
    collect() { this.reset(); guard('health', () => this.set(health().ready ? 1 : 0)); },
  });

  // Registered after every collect-based metric: the registry serializes in registration order, so
  // errors counted while collecting this scrape still appear in it.
  const collectErrors = new Counter({
    name: 'podroute_observe_collect_errors_total',
    help: 'Times reading a subsystem from the agent threw during a scrape; that subsystem\'s series are missing from that scrape.',
    labelNames: ['subsystem'] as const,
    registers,
  });

  // ---- Pushed by the controllers ----
  const syncHist = new Map<SyncController, Histogram>();
  const syncSummary = new Map<SyncController, SyncSummary>();
  for (const c of SYNC_CONTROLLERS) {
    syncHist.set(c, new Histogram({
      name: `podroute_${c}_sync_duration_seconds`,
      help: `Duration of one ${c} controller sync (compute desired state, diff, apply).`,
      buckets: SYNC_BUCKETS,
      registers,
    }));
    syncSummary.set(c, { controller: c, count: 0, totalSeconds: 0 });
  }
  const proxyDrops = new Counter({
    name: 'podroute_proxy_dropped_packets_total',
    help: 'Packets to a service the proxy dropped or rejected (e.g. no ready endpoints), fed from kernel counters.',
    labelNames: ['service', 'reason'] as const,
    registers,
  });
  const policyDrops = new Counter({
    name: 'podroute_netpol_dropped_packets_total',
    help: 'Packets to or from a pod dropped because no NetworkPolicy allows them, from the PODROUTE-* DROP rule counters.',
    labelNames: ['namespace', 'pod'] as const,
    registers,
  });

  const checkCount = (n: number): number => {
    // A counter that goes down corrupts rate(); the controllers feed deltas of kernel counters.
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`packet count must be a finite number >= 0, got ${n}`);
    return n;
  };

  return {
    registry,
    contentType: registry.contentType,
    async text() {
      scrape = new Map();
      try {
        return await registry.metrics();
      } finally {
        scrape = undefined;
      }
    },
    observeSync(controller, seconds) {
      const h = syncHist.get(controller);
      if (!h) throw new Error(`unknown sync controller "${controller}"; known: ${SYNC_CONTROLLERS.join(', ')}`);
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`sync duration must be >= 0 seconds, got ${seconds}`);
      h.observe(seconds);
      const s = syncSummary.get(controller)!;
      s.count += 1;
      s.totalSeconds += seconds;
      s.lastSeconds = seconds;
      s.lastAt = now().toISOString();
    },
    addProxyDrops(labels, packets = 1) {
      proxyDrops.inc({ service: labels.service, reason: labels.reason }, checkCount(packets));
    },
    addPolicyDrops(labels, packets = 1) {
      policyDrops.inc({ namespace: labels.namespace, pod: labels.pod }, checkCount(packets));
    },
    syncSummary: () => SYNC_CONTROLLERS.map((c) => ({ ...syncSummary.get(c)! })),
  };
}
