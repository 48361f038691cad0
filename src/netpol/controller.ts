// The NetworkPolicy controller: level-triggered. setView() only records the newest view and asks
// for a sync; syncs never overlap, and views that arrive during one coalesce into the next. Each
// sync compiles the whole view (pure, cheap) and the applier writes only what differs from the
// last apply. resync() rewrites everything and removes strays (drift repair); start() runs it
// periodically. A failed sync forgets the applied state, so the retry is a full resync.
import type { ClusterView } from '../cluster/view.js';
import { detectBackend, toolsFor, type Backend } from '../netfilter/backend.js';
import { Applier, type ApplyStats } from '../netfilter/applier.js';
import { hostRunner, type Runner } from '../netfilter/exec.js';
import { PolicyCompiler, type CompileOptions } from './compile.js';
import type { DesiredState } from './desired.js';
import { FORWARD_CHAIN, OUTPUT_CHAIN, isNetpolChain, isNetpolSet } from './names.js';

export interface NetpolControllerOptions extends CompileOptions {
  /** How commands run (default: directly on the host; tests pass a netns runner). */
  runner?: Runner;
  /** iptables backend; 'auto' (default) follows what the host already uses. */
  backend?: Backend | 'auto';
  /** Period of the full resync started by start(); default 5 minutes. */
  resyncIntervalMs?: number;
  /** Delay before retrying after a failed sync; default 2 s. */
  retryMs?: number;
  onError?: (err: unknown) => void;
}

export interface NetpolStatus {
  nodeName: string;
  backend?: Backend;
  syncs: number;
  fullSyncs: number;
  errors: number;
  lastError?: string;
  lastSync?: { at: string; compileMs: number; applyMs: number; stats: ApplyStats };
  policies: number;
  /** Local pods with an ingress and/or egress chain. */
  isolatedPods: number;
  sets: number;
  chains: number;
}

export class NetpolController {
  private view: ClusterView | undefined;
  private applier: Applier | undefined;
  private backend: Backend | undefined;
  private running: Promise<void> | undefined;
  private queued: { promise: Promise<void>; full: boolean } | undefined;
  private desired: DesiredState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly st: NetpolStatus;
  private readonly run: Runner;
  private readonly compiler: PolicyCompiler;

  constructor(private readonly opts: NetpolControllerOptions) {
    this.run = opts.runner ?? hostRunner;
    this.compiler = new PolicyCompiler(opts);
    this.st = { nodeName: opts.nodeName, syncs: 0, fullSyncs: 0, errors: 0, policies: 0, isolatedPods: 0, sets: 0, chains: 0 };
  }

  /** Record the newest view; resolves once a sync that includes it has finished (or failed). */
  setView(view: ClusterView): Promise<void> {
    this.view = view;
    return this.kick(false);
  }

  /** Rewrite everything we own from the current view and remove strays. */
  resync(): Promise<void> {
    return this.kick(true);
  }

  status(): NetpolStatus {
    return { ...this.st };
  }

  /** Denied packets per pod ("namespace/pod" → packets), from the DROP rules' kernel counters. */
  async deniedPackets(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!this.applier || !this.desired) return out;
    for (const [chain, c] of await this.applier.dropCounts()) {
      const pod = this.desired.podOfChain.get(chain);
      if (pod) out.set(pod, (out.get(pod) ?? 0) + c.packets);
    }
    return out;
  }

  /** Periodic full resync. */
  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.resync(), this.opts.resyncIntervalMs ?? 300_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.timer = undefined;
    this.retry = undefined;
  }

  /** Stop and remove every hook, chain and set we own. */
  async teardown(): Promise<void> {
    this.stop();
    await this.running?.catch(() => {});
    await (await this.getApplier()).teardown();
  }

  private kick(full: boolean): Promise<void> {
    // One sync in flight at most; everything that arrives meanwhile coalesces into one next sync.
    if (this.queued) {
      this.queued.full ||= full;
      return this.queued.promise;
    }
    if (!this.running) return this.startSync(full);
    const q = { full, promise: Promise.resolve() };
    q.promise = this.running.then(() => {
      this.queued = undefined;
      return this.startSync(q.full);
    });
    this.queued = q;
    return q.promise;
  }

  private startSync(full: boolean): Promise<void> {
    const p = this.syncOnce(full).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  private async getApplier(): Promise<Applier> {
    if (this.applier) return this.applier;
    const b = this.opts.backend ?? 'auto';
    this.backend = b === 'auto' ? await detectBackend(this.run) : b;
    this.st.backend = this.backend;
    this.applier = new Applier(this.run, toolsFor(this.backend), {
      ownsSet: isNetpolSet,
      ownsChain: isNetpolChain,
      hooks: [{ from: 'FORWARD', to: FORWARD_CHAIN }, { from: 'OUTPUT', to: OUTPUT_CHAIN }],
    });
    return this.applier;
  }

  private async syncOnce(full: boolean): Promise<void> {
    const view = this.view;
    if (!view) return;
    try {
      const applier = await this.getApplier();
      const t0 = performance.now();
      const desired = this.compiler.compile(view);
      const t1 = performance.now();
      const stats = await applier.apply(desired, { full });
      const t2 = performance.now();
      this.desired = desired;
      this.st.syncs++;
      if (stats.full) this.st.fullSyncs++;
      this.st.lastError = undefined;
      this.st.lastSync = { at: new Date().toISOString(), compileMs: t1 - t0, applyMs: t2 - t1, stats };
      this.st.policies = view.networkPolicies.size;
      this.st.isolatedPods = new Set(desired.podOfChain.values()).size;
      this.st.sets = desired.v4.sets.size + desired.v6.sets.size;
      this.st.chains = desired.v4.chains.size + desired.v6.chains.size;
    } catch (err) {
      this.st.errors++;
      this.st.lastError = err instanceof Error ? err.message : String(err);
      this.applier?.invalidate();
      this.opts.onError?.(err);
      if (!this.retry) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          void this.resync();
        }, this.opts.retryMs ?? 2000);
        this.retry.unref();
      }
    }
  }
}
