// ClusterSource backed by the Kubernetes API: one client-node informer per kind, normalized into
// the same ClusterView the file source produces.
//
// client-node 1.x informers stop for good on any watch error (a reset, a 503, a refused
// connection; see shared/notes/client-node.md), so each informer is restarted here with
// exponential backoff. While an informer is down its last objects stay in the view: an API outage
// never withdraws a route, a service or a policy. A 410 Gone is handled inside client-node (it
// relists), and the relist's deletions arrive as ordinary delete events.
import { EventEmitter } from 'node:events';
import * as k8s from '@kubernetes/client-node';
import type { ClusterSource, SourceProblem } from '../source.js';
import { emptyClusterView, type ClusterView } from '../view.js';
import { KINDS, type KindName } from '../normalize.js';
import type { Logger } from '../../util/log.js';

type Obj = k8s.KubernetesObject;

interface KindWatch {
  kind: KindName;
  path: string;
  list: () => Promise<k8s.KubernetesListObject<Obj>>;
}

export interface KubernetesSourceOptions {
  kubeConfig: k8s.KubeConfig;
  log: Logger;
  /** Kinds to watch; the routing controller needs only Node. */
  kinds?: KindName[];
  /** Restart delays after a watch error: first and cap (ms). */
  backoffMs?: { initial: number; max: number };
  /** Coalesce bursts of events into one 'change' (ms). */
  debounceMs?: number;
  /**
   * Annotations that are the agents' own output (the bgp-status annotation): left out of the view,
   * and an update that changes nothing else is not a change. Otherwise every agent's status write
   * would make every other agent recompute.
   */
  ignoreAnnotations?: string[];
}

export class KubernetesClusterSource extends EventEmitter<{ change: []; problem: [SourceProblem] }> implements ClusterSource {
  private readonly informers = new Map<KindName, k8s.Informer<Obj> & k8s.ObjectCache<Obj> & { latestResourceVersion(): string }>();
  private readonly synced = new Set<KindName>();
  private readonly failures = new Map<KindName, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** What each object looked like to us (normalized, ignored annotations removed), by kind/key. */
  private readonly fingerprints = new Map<string, string>();
  private current: ClusterView = emptyClusterView();
  private stale = true;
  private stopped = false;
  private changeTimer?: NodeJS.Timeout;
  private readonly kinds: KindName[];

  constructor(private readonly opts: KubernetesSourceOptions) {
    super();
    this.kinds = opts.kinds ?? (Object.keys(KINDS) as KindName[]);
  }

  private watches(): KindWatch[] {
    const kc = this.opts.kubeConfig;
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const disc = kc.makeApiClient(k8s.DiscoveryV1Api);
    const net = kc.makeApiClient(k8s.NetworkingV1Api);
    const all: Record<KindName, KindWatch> = {
      Node: { kind: 'Node', path: '/api/v1/nodes', list: () => core.listNode() as never },
      Namespace: { kind: 'Namespace', path: '/api/v1/namespaces', list: () => core.listNamespace() as never },
      Pod: { kind: 'Pod', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() as never },
      Service: { kind: 'Service', path: '/api/v1/services', list: () => core.listServiceForAllNamespaces() as never },
      EndpointSlice: { kind: 'EndpointSlice', path: '/apis/discovery.k8s.io/v1/endpointslices', list: () => disc.listEndpointSliceForAllNamespaces() as never },
      NetworkPolicy: { kind: 'NetworkPolicy', path: '/apis/networking.k8s.io/v1/networkpolicies', list: () => net.listNetworkPolicyForAllNamespaces() as never },
    };
    return this.kinds.map((k) => all[k]);
  }

  /** Resolves once every kind has completed its first list; rejects only if stop() came first. */
  async start(): Promise<void> {
    for (const w of this.watches()) {
      // makeInformer returns a ListWatch, which also exposes latestResourceVersion().
      const inf = k8s.makeInformer(this.opts.kubeConfig, w.path, w.list) as k8s.Informer<Obj> & k8s.ObjectCache<Obj> & { latestResourceVersion(): string };
      const changed = (o: Obj): void => {
        if (this.remember(w.kind, o)) this.markChanged();
      };
      inf.on('add', changed);
      inf.on('update', changed);
      inf.on('delete', (o: Obj) => {
        this.fingerprints.delete(fingerprintKey(w.kind, o));
        this.markChanged();
      });
      inf.on('connect', () => this.failures.set(w.kind, 0));
      inf.on('error', (err: unknown) => this.onError(w.kind, err));
      this.informers.set(w.kind, inf);
    }
    await Promise.all([...this.informers.entries()].map(([kind]) => this.startInformer(kind)));
  }

  private async startInformer(kind: KindName): Promise<void> {
    const inf = this.informers.get(kind)!;
    // start() resolves after the list and the watch request; it never throws (errors go to 'error'),
    // so "synced" is known by the list having landed (a resourceVersion exists).
    for (;;) {
      if (this.stopped) return;
      await inf.start();
      if (inf.latestResourceVersion() !== '') {
        if (!this.synced.has(kind)) {
          this.synced.add(kind);
          this.opts.log.info('initial sync done', { kind, objects: inf.list().length });
          this.markChanged();
        }
        return;
      }
      // The list failed; onError scheduled nothing for the initial start, so wait and retry here.
      await this.sleep(this.nextDelay(kind));
    }
  }

  private onError(kind: KindName, err: unknown): void {
    if (this.stopped) return;
    const reason = describeError(err);
    const delay = this.nextDelay(kind);
    this.opts.log.warn('watch failed; keeping the last known objects and retrying', { kind, reason, retryInMs: delay });
    this.emit('problem', { object: kind, reason: `watch failed: ${reason}` });
    if (!this.synced.has(kind)) return; // startInformer's loop retries the initial list itself
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) void this.informers.get(kind)?.start();
    }, delay);
    this.timers.add(t);
  }

  private nextDelay(kind: KindName): number {
    const n = (this.failures.get(kind) ?? 0) + 1;
    this.failures.set(kind, n);
    const { initial, max } = this.opts.backoffMs ?? { initial: 500, max: 30_000 };
    const base = Math.min(max, initial * 2 ** (n - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private markChanged(): void {
    this.stale = true;
    if (this.changeTimer || !this.ready()) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.emit('change');
    }, this.opts.debounceMs ?? 50);
  }

  /** Records how `o` looks now; false when that is what we already had (nothing we read changed). */
  private remember(kind: KindName, o: Obj): boolean {
    const key = fingerprintKey(kind, o);
    let fp: string;
    try {
      fp = JSON.stringify(this.normalize(kind, o));
    } catch {
      this.fingerprints.delete(key);
      return true; // view() reports it
    }
    if (this.fingerprints.get(key) === fp) return false;
    this.fingerprints.set(key, fp);
    return true;
  }

  private normalize(kind: KindName, o: Obj): unknown {
    const v = KINDS[kind].normalize(o as never) as { annotations?: Record<string, string> };
    const ignore = this.opts.ignoreAnnotations;
    if (ignore?.length && v.annotations) for (const a of ignore) delete v.annotations[a];
    return v;
  }

  ready(): boolean {
    return this.synced.size === this.kinds.length;
  }

  /** Rebuilt lazily from the informer caches; objects that fail to normalize are reported and skipped. */
  view(): ClusterView {
    if (!this.stale) return this.current;
    const view = emptyClusterView() as { [K in keyof ClusterView]: Map<string, unknown> };
    for (const [kind, inf] of this.informers) {
      const k = KINDS[kind];
      for (const o of inf.list()) {
        try {
          const v = this.normalize(kind, o) as never;
          view[k.field].set((k.key as (x: unknown) => string)(v), v);
        } catch (err) {
          this.emit('problem', { object: `${kind}/${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name ?? '?'}`, reason: (err as Error).message });
        }
      }
    }
    this.current = view as unknown as ClusterView;
    this.stale = false;
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

function fingerprintKey(kind: KindName, o: Obj): string {
  return `${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err && typeof err === 'object') {
    const o = err as { code?: unknown; statusCode?: unknown; message?: unknown };
    return String(o.message ?? o.code ?? o.statusCode ?? JSON.stringify(err));
  }
  return String(err);
}

/** Kubeconfig from a file, or the in-cluster service account when none is given. */
export function loadKubeConfig(path?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) {
    kc.loadFromFile(path);
    if (!kc.getCurrentCluster()) throw new Error(`${path}: no current context with a cluster`);
    return kc;
  }
  // client-node would happily build "https://undefined:undefined" and retry it forever.
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw new Error('not running in a pod (KUBERNETES_SERVICE_HOST/PORT are unset); give --kubeconfig or --cluster-file');
  }
  kc.loadFromCluster();
  return kc;
}
