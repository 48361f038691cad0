// A faithful-enough Kubernetes API server for tests: real HTTP on loopback, the list/watch protocol
// the real @kubernetes/client-node speaks (resourceVersion, watch replay, 410 Gone as an ERROR
// event on a 200 stream), merge-patch of objects, and Events. Tests drive it directly (put/delete,
// compact the history, drop watches, fail requests, restart on the same port).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { rmSync } from 'node:fs';

export type KubeObject = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; [k: string]: unknown }; [k: string]: unknown };

interface Collection {
  /** URL path of the cluster-wide list, e.g. /api/v1/nodes. */
  path: string;
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  plural: string;
  group: string; // '' for core
  /** API version within the group (default v1). */
  version?: string;
}

const COLLECTIONS: Collection[] = [
  { path: '/api/v1/nodes', kind: 'Node', apiVersion: 'v1', namespaced: false, plural: 'nodes', group: '' },
  { path: '/api/v1/namespaces', kind: 'Namespace', apiVersion: 'v1', namespaced: false, plural: 'namespaces', group: '' },
  { path: '/api/v1/pods', kind: 'Pod', apiVersion: 'v1', namespaced: true, plural: 'pods', group: '' },
  { path: '/api/v1/services', kind: 'Service', apiVersion: 'v1', namespaced: true, plural: 'services', group: '' },
  { path: '/api/v1/secrets', kind: 'Secret', apiVersion: 'v1', namespaced: true, plural: 'secrets', group: '' },
  { path: '/api/v1/events', kind: 'Event', apiVersion: 'v1', namespaced: true, plural: 'events', group: '' },
  { path: '/apis/discovery.k8s.io/v1/endpointslices', kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', namespaced: true, plural: 'endpointslices', group: 'discovery.k8s.io' },
  { path: '/apis/networking.k8s.io/v1/networkpolicies', kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', namespaced: true, plural: 'networkpolicies', group: 'networking.k8s.io' },
];

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface Watcher {
  collection: Collection;
  res: ServerResponse;
}

export interface RequestRecord {
  method: string;
  url: string;
  contentType?: string;
  body?: string;
}

export class FakeApiServer {
  private server?: Server;
  private port = 0;
  /** Set when serving on a unix socket instead of loopback TCP. */
  private socketPath?: string;
  private rv = 100;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history = new Map<string, WatchEvent[]>();
  /** Watches from a resourceVersion below this get 410 Gone. */
  private compactedRv = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  readonly requests: RequestRecord[] = [];

  constructor() {
    for (const c of COLLECTIONS) {
      this.objects.set(c.path, new Map());
      this.history.set(c.path, []);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Serves on loopback TCP (`port`, 0 = any), or on a unix socket (`{ path }`): a socket file is
   * reachable from every network namespace, so agents in test namespaces reach this server through
   * a forwarder of their own (see test/integration/k8s). A restart reuses the same port or path.
   */
  async start(where: number | { path: string } = this.socketPath ? { path: this.socketPath } : this.port): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    if (typeof where === 'number') {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where, '127.0.0.1', () => resolve()));
      this.port = (server.address() as AddressInfo).port;
    } else {
      rmSync(where.path, { force: true }); // a stale socket file from a killed run
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where.path, () => resolve()));
      this.socketPath = where.path;
    }
    this.server = server;
    return this.url;
  }

  /** Stops serving: every connection (watches included) is cut. State is kept for a restart. */
  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** A kubeconfig document pointing at this server (plain http needs skipTLSVerify). */
  kubeconfig(server = this.url): string {
    return JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'test' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'u' } }],
    });
  }

  // ---- test controls ----

  put(obj: KubeObject): KubeObject {
    const c = this.collectionOfKind(obj.kind ?? '');
    const key = this.key(c, obj);
    const existing = this.objects.get(c.path)!.get(key);
    const stored: KubeObject = JSON.parse(JSON.stringify(obj));
    stored.apiVersion = c.apiVersion;
    stored.kind = c.kind;
    if (c.namespaced) stored.metadata.namespace = stored.metadata.namespace ?? 'default';
    stored.metadata.uid = existing?.metadata.uid ?? `uid-${key}-${this.rv}`;
    stored.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString();
    stored.metadata.resourceVersion = String(++this.rv);
    this.objects.get(c.path)!.set(key, stored);
    this.publish(c, { rv: this.rv, type: existing ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  delete(kind: string, name: string, namespace?: string): void {
    const c = this.collectionOfKind(kind);
    const key = c.namespaced ? `${namespace ?? 'default'}/${name}` : name;
    const existing = this.objects.get(c.path)!.get(key);
    if (!existing) return;
    this.objects.get(c.path)!.delete(key);
    const gone = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(++this.rv) } };
    this.publish(c, { rv: this.rv, type: 'DELETED', object: gone });
  }

  get(kind: string, name: string, namespace?: string): KubeObject | undefined {
    const c = this.collectionOfKind(kind);
    return this.objects.get(c.path)!.get(c.namespaced ? `${namespace ?? 'default'}/${name}` : name);
  }

  list(kind: string): KubeObject[] {
    return [...this.objects.get(this.collectionOfKind(kind).path)!.values()];
  }

  /** Forget the event history: any watch resuming from before now gets 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    for (const h of this.history.values()) h.length = 0;
  }

  /** Cut every open watch stream (as a load balancer or an API server restart would). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** The next `count` requests answer `status` (e.g. 503) instead of being served. */
  failNext(count: number, status = 503): void {
    this.failures = { count, status };
  }

  watchCount(): number {
    return this.watchers.size;
  }

  // ---- HTTP ----

  private collectionOfKind(kind: string): Collection {
    const c = COLLECTIONS.find((x) => x.kind === kind);
    if (!c) throw new Error(`fake apiserver: unknown kind ${kind}`);
    return c;
  }

  private key(c: Collection, o: KubeObject): string {
    return c.namespaced ? `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` : o.metadata.name;
  }

  private publish(c: Collection, ev: WatchEvent): void {
    this.history.get(c.path)!.push(ev);
    for (const w of this.watchers) if (w.collection === c) w.res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
  }

  /** Maps a URL path to (collection, namespace, name). Accepts cluster-wide and namespaced forms. */
  private route(path: string): { c: Collection; namespace?: string; name?: string } | undefined {
    for (const c of COLLECTIONS) {
      if (path === c.path) return { c };
      const base = c.group === '' ? '/api/v1' : `/apis/${c.group}/${c.version ?? 'v1'}`;
      if (!c.namespaced) {
        const m = new RegExp(`^${base}/${c.plural}/([^/]+)(?:/status)?$`).exec(path);
        if (m) return { c, name: decodeURIComponent(m[1]) };
      } else {
        const m = new RegExp(`^${base}/namespaces/([^/]+)/${c.plural}(?:/([^/]+))?$`).exec(path);
        if (m) return { c, namespace: decodeURIComponent(m[1]), name: m[2] && decodeURIComponent(m[2]) };
      }
    }
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], ...(body ? { body } : {}) });
      if (this.failures.count > 0) {
        this.failures.count--;
        return this.status(res, this.failures.status, 'InternalError', 'injected failure');
      }
      try {
        this.serve(req, res, body);
      } catch (err) {
        this.status(res, 500, 'InternalError', (err as Error).message);
      }
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const r = this.route(url.pathname);
    if (!r) return this.status(res, 404, 'NotFound', `no route for ${url.pathname}`);
    const { c } = r;
    const store = this.objects.get(c.path)!;
    const method = req.method ?? 'GET';
    if (method === 'GET' && !r.name) {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') return this.watch(c, url, res);
      const items = [...store.values()].filter((o) => !r.namespace || o.metadata.namespace === r.namespace);
      return this.json(res, 200, { apiVersion: c.apiVersion, kind: `${c.kind}List`, metadata: { resourceVersion: String(this.rv) }, items });
    }
    const key = c.namespaced ? `${r.namespace}/${r.name}` : (r.name ?? '');
    if (method === 'GET') {
      const o = store.get(key);
      return o ? this.json(res, 200, o) : this.status(res, 404, 'NotFound', `${c.plural} "${r.name}" not found`);
    }
    if (method === 'POST') {
      const o = JSON.parse(body) as KubeObject;
      if (c.namespaced) o.metadata.namespace = r.namespace;
      o.kind = c.kind;
      if (!o.metadata.name && (o.metadata as { generateName?: string }).generateName) o.metadata.name = `${(o.metadata as { generateName?: string }).generateName}${this.rv + 1}`;
      if (store.has(this.key(c, o))) return this.status(res, 409, 'AlreadyExists', `${c.plural} "${o.metadata.name}" already exists`);
      return this.json(res, 201, this.put(o));
    }
    if (method === 'PATCH') {
      const o = store.get(key);
      if (!o) return this.status(res, 404, 'NotFound', `${c.plural} "${r.name}" not found`);
      const ct = req.headers['content-type'] ?? '';
      if (!ct.startsWith('application/merge-patch+json') && !ct.startsWith('application/strategic-merge-patch+json')) {
        return this.status(res, 415, 'UnsupportedMediaType', `fake apiserver supports merge patches only, got ${ct}`);
      }
      const patched = mergePatch(o, JSON.parse(body)) as KubeObject;
      if (c.kind === 'Node' && (o.spec as { podCIDR?: string } | undefined)?.podCIDR && (patched.spec as { podCIDR?: string } | undefined)?.podCIDR !== (o.spec as { podCIDR?: string }).podCIDR) {
        return this.status(res, 422, 'Invalid', 'spec.podCIDR: Forbidden: node updates may not change podCIDR except from "" to valid');
      }
      return this.json(res, 200, this.put(patched));
    }
    if (method === 'DELETE') {
      const o = store.get(key);
      if (!o) return this.status(res, 404, 'NotFound', `${c.plural} "${r.name}" not found`);
      this.delete(c.kind, o.metadata.name, o.metadata.namespace);
      return this.json(res, 200, o);
    }
    return this.status(res, 405, 'MethodNotAllowed', method);
  }

  private watch(c: Collection, url: URL, res: ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') ?? '0') || 0;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    if (from !== 0 && from < this.compactedRv) {
      // What a real API server does for a too-old resourceVersion: HTTP 200 with an ERROR event.
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.compactedRv})`, reason: 'Expired', code: 410 } }) + '\n');
      return;
    }
    res.flushHeaders(); // the client's watch() resolves on the response head, before any event
    for (const ev of this.history.get(c.path)!) if (ev.rv > from) res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
    const w: Watcher = { collection: c, res };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
