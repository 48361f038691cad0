// The service proxy controller: level-triggered. Events only mark a Service dirty; a debounced
// loop recomputes the dirty Services (pure computeService) and reconciles just their IPVS entries;
// a periodic full sync repairs drift; a short tick finishes graceful terminations.

import type { ClusterView, EndpointSliceView } from '../cluster/view.js';
import type { IpvsClient } from '../netlink/ipvs/client.js';
import { IpvsResyncError } from '../netlink/ipvs/transport.js';
import { parseCidr } from './cidr.js';
import type { ProxyConfig } from './config.js';
import { computeIpvs, computeService, makeContext, type DesiredService, type HealthCheck } from './desired.js';
import { serviceKey } from './endpoints.js';
import type { OwnershipStore } from './ownership.js';
import { IpvsReconciler, type SyncStats } from './reconciler.js';
import type { VipInterface } from './vip.js';
import { computeNetfilter, type NetfilterSpec } from './netfilter.js';

export interface ProxyControllerDeps {
  client: IpvsClient;
  ownership: OwnershipStore;
  cfg: ProxyConfig;
  getView: () => ClusterView;
  /** Omit to leave VIP addresses alone (e.g. a test that adds them itself). */
  vip?: VipInterface;
  /** Omit to leave ipsets/iptables alone; else masquerade + VIP firewall follow every sync. */
  netfilter?: { apply(spec: NetfilterSpec, opts?: { full?: boolean }): Promise<void> };
  /** Omit to serve no healthCheckNodePorts. */
  healthChecks?: { sync(checks: readonly HealthCheck[]): Promise<void> };
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** After every sync (per-Service or full): how long it took, for the agent's metrics and health. */
  onSync?: (e: { full: boolean; seconds: number; stats: SyncStats }) => void;
  /** A sync that failed (it is retried; the Services stay dirty). */
  onSyncError?: (e: { full: boolean; error: unknown }) => void;
}

export interface TimerOptions {
  debounceMs?: number;
  resyncMs?: number;
  drainTickMs?: number;
}

export class ProxyController {
  readonly reconciler: IpvsReconciler;
  private readonly dirty = new Set<string>();
  private readonly vipsByOwner = new Map<string, string[]>();
  /** Last desired state per Service (for the netfilter sets, which span every Service). */
  private readonly desiredByOwner = new Map<string, DesiredService>();
  private timers: NodeJS.Timeout[] = [];
  private debounce?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  lastProblems: string[] = [];

  constructor(private readonly deps: ProxyControllerDeps) {
    this.reconciler = new IpvsReconciler(deps.client, deps.ownership, {
      graceMs: deps.cfg.gracefulTerminationSeconds * 1000,
      excluded: deps.cfg.excludedCidrs.map(parseCidr),
      now: deps.now,
    });
  }

  serviceChanged(namespace: string, name: string): void {
    this.markDirty(`${namespace}/${name}`);
  }
  /** Call with the slice as it is now (or was, when deleted). */
  endpointSliceChanged(s: Pick<EndpointSliceView, 'namespace' | 'name' | 'serviceName'>): void {
    const owner = `${s.namespace}/${s.serviceName}`;
    this.indexSlice(owner, `${s.namespace}/${s.name}`);
    this.markDirty(owner);
  }

  // Service → slice keys. Lets a per-Service sync read its few slices instead of scanning every
  // slice in the cluster (10,000 Services: that scan alone would blow the per-change budget).
  // Entries may be stale (slice deleted or moved); desiredFor re-checks each against the view.
  private readonly sliceIndex = new Map<string, Set<string>>();
  private indexSlice(owner: string, sliceKey: string): void {
    let s = this.sliceIndex.get(owner);
    if (!s) this.sliceIndex.set(owner, (s = new Set()));
    s.add(sliceKey);
  }
  private rebuildSliceIndex(view: ClusterView): void {
    this.sliceIndex.clear();
    for (const [k, s] of view.endpointSlices) this.indexSlice(`${s.namespace}/${s.serviceName}`, k);
  }

  private markDirty(owner: string): void {
    this.dirty.add(owner);
    if (this.timers.length && !this.debounce) this.debounce = setTimeout(() => { this.debounce = undefined; void this.serialize(() => this.syncDirty()); }, this.debounceMs);
  }
  private debounceMs = 50;

  /** Runs syncs one at a time: IPVS state is shared, two overlapping syncs would race. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.running.then(fn, fn);
    this.running = p.catch((e: unknown) => this.deps.log?.('proxy sync failed', { error: String(e) }));
    return p;
  }

  private desiredFor(owners: Iterable<string>): Map<string, DesiredService> {
    const view = this.deps.getView();
    const ctx = makeContext(view, this.deps.cfg);
    const out = new Map<string, DesiredService>();
    for (const o of owners) {
      const idx = this.sliceIndex.get(o);
      const slices: EndpointSliceView[] = [];
      for (const k of idx ?? []) {
        const s = view.endpointSlices.get(k);
        if (s && `${s.namespace}/${s.serviceName}` === o) slices.push(s);
        else idx!.delete(k);
      }
      const svc = view.services.get(o);
      if (svc && serviceKey(svc) === o) out.set(o, computeService(svc, slices, ctx));
    }
    return out;
  }

  /** Syncs the Services marked dirty (and those still draining). */
  async syncDirty(): Promise<SyncStats> {
    const t0 = performance.now();
    const owners = new Set([...this.dirty, ...this.reconciler.drainingOwners()]);
    this.dirty.clear();
    const desired = this.desiredFor(owners);
    let st: SyncStats;
    try {
      st = await this.reconciler.syncOwners(owners, desired);
    } catch (e) {
      // Never lose work: the Services stay dirty. Lost replies (IpvsResyncError) mean the kernel
      // state is unknown, so the retry is a full sync.
      for (const o of owners) this.dirty.add(o);
      this.retry(e instanceof IpvsResyncError);
      this.deps.onSyncError?.({ full: false, error: e });
      throw e;
    }
    this.updateVips(owners, desired);
    for (const o of owners) {
      const d = desired.get(o);
      if (d) this.desiredByOwner.set(o, d);
      else this.desiredByOwner.delete(o);
    }
    await this.applyNetfilter(false).catch((e: unknown) => { this.deps.onSyncError?.({ full: false, error: e }); throw e; });
    this.report(st);
    this.deps.onSync?.({ full: false, seconds: (performance.now() - t0) / 1000, stats: st });
    return st;
  }

  /** Recomputes everything and reconciles the whole IPVS table we own. */
  async fullSync(): Promise<SyncStats> {
    const t0 = performance.now();
    this.dirty.clear();
    const view = this.deps.getView();
    this.rebuildSliceIndex(view);
    const d = computeIpvs(view, this.deps.cfg);
    this.lastProblems = d.problems;
    let st: SyncStats;
    try {
      st = await this.reconciler.fullSync(d.services);
    } catch (e) {
      this.retry(true);
      this.deps.onSyncError?.({ full: true, error: e });
      throw e;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer); // a full sync covers any pending retry
    this.retryTimer = undefined;
    this.vipsByOwner.clear();
    this.updateVips(d.services.keys(), d.services);
    this.desiredByOwner.clear();
    for (const [o, s] of d.services) this.desiredByOwner.set(o, s);
    await this.applyNetfilter(true).catch((e: unknown) => { this.deps.onSyncError?.({ full: true, error: e }); throw e; });
    this.report(st);
    this.deps.onSync?.({ full: true, seconds: (performance.now() - t0) / 1000, stats: st });
    return st;
  }

  private async applyNetfilter(full: boolean): Promise<void> {
    if (this.deps.healthChecks) {
      const hc: HealthCheck[] = [];
      for (const d of this.desiredByOwner.values()) if (d.healthCheck) hc.push(d.healthCheck);
      await this.deps.healthChecks.sync(hc).catch((e: unknown) => this.deps.log?.('health check ports', { error: String(e) }));
    }
    if (!this.deps.netfilter) return;
    // O(all Services) per sync: the sets span every Service. Fine at thousands; the applier only
    // sends the member delta to the kernel.
    const vss = [];
    for (const d of this.desiredByOwner.values()) vss.push(...d.virtualServers);
    await this.deps.netfilter.apply(computeNetfilter(vss, this.deps.cfg), { full });
  }

  private retryTimer?: NodeJS.Timeout;
  /** After a failed sync, try again soon (only while started; tests call sync methods directly). */
  private retry(full: boolean): void {
    if (!this.timers.length || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.serialize(() => (full ? this.fullSync() : this.syncDirty()));
    }, this.retryMs);
  }
  private retryMs = 1000;

  private updateVips(owners: Iterable<string>, desired: ReadonlyMap<string, DesiredService>): void {
    let changed = false;
    for (const o of owners) {
      const next = desired.get(o)?.vips ?? [];
      const prev = this.vipsByOwner.get(o) ?? [];
      if (next.join() !== prev.join()) changed = true;
      if (next.length) this.vipsByOwner.set(o, next);
      else this.vipsByOwner.delete(o);
    }
    if (this.deps.vip && (changed || this.vipsByOwner.size === 0)) {
      const all = new Set<string>();
      for (const v of this.vipsByOwner.values()) for (const a of v) all.add(a);
      this.deps.vip.sync(all);
    }
  }

  private report(st: SyncStats): void {
    if (st.errors.length || st.conflicts.length) this.deps.log?.('proxy sync problems', { errors: st.errors.slice(0, 20), conflicts: st.conflicts.slice(0, 20) });
  }

  start(t: TimerOptions = {}): Promise<SyncStats> {
    this.debounceMs = t.debounceMs ?? 50;
    this.deps.vip?.ensure();
    const first = this.serialize(() => this.fullSync());
    this.timers.push(setInterval(() => void this.serialize(() => this.fullSync()), t.resyncMs ?? 300_000));
    this.timers.push(setInterval(() => { if (this.reconciler.draining.size) void this.serialize(() => this.syncDirty()); }, t.drainTickMs ?? 2000));
    return first;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.running;
  }

  /** A full sync queued behind any running sync (e.g. this node's addresses changed). */
  resync(): Promise<SyncStats> {
    return this.serialize(() => this.fullSync());
  }

  /**
   * Runs `fn` between syncs, never during one: reads of the kernel for status (stats, counters)
   * then always see a finished sync. `fn` must not throw (its errors would be logged as a sync's).
   */
  between<T>(fn: () => Promise<T>): Promise<T> {
    return this.serialize(fn);
  }

  /** Waits for queued syncs (tests). */
  idle(): Promise<unknown> {
    return this.running;
  }
}
