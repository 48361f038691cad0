// The HTTP face of the agent: /metrics, probes, the JSON status API and the dashboard's files.
// A thin adapter: every answer is shaped by pure code (summary.ts, routePage.ts, staticFiles.ts)
// from what the StatusProvider returns. Binds loopback unless told otherwise, because the API
// shows the whole routing table and is unauthenticated.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ribSummaryOf, type Metrics } from './metrics.js';
import { webRoot } from './packageRoot.js';
import { parseRouteQuery } from './routePage.js';
import { resolveStatic } from './staticFiles.js';
import type { StatusProvider } from './status.js';
import { summarizeStatus } from './summary.js';

/** Next to kube-router's health port (20244); documented in docs/status-api.md. */
export const DEFAULT_OBSERVE_PORT = 20245;

export interface ObserveServerOptions {
  host?: string; // default 127.0.0.1
  /** Listen on this unix socket instead of TCP (the demo reaches agents in other netns this way). */
  path?: string;
  port?: number; // default DEFAULT_OBSERVE_PORT; 0 picks a free port
  provider: StatusProvider;
  metrics: Metrics;
  /** Directory with the dashboard's files; defaults to web/ at the package root. */
  webDir?: string;
  now?: () => Date;
}

export interface ObserveServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // The dashboard is self-contained: no CDN, no inline script, no external fonts.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(head ? undefined : body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown, head: boolean): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, head);

export async function startObserveServer(opts: ObserveServerOptions): Promise<ObserveServer> {
  const { provider, metrics } = opts;
  const host = opts.host ?? '127.0.0.1';
  const root = opts.webDir ?? webRoot();
  const now = opts.now ?? (() => new Date());

  const api: Record<string, (params: URLSearchParams) => unknown> = {
    '/api/v1/status': () => summarizeStatus({
      node: provider.node(),
      health: provider.health(),
      peers: provider.peers(),
      rib: ribSummaryOf(provider),
      ...(provider.fib ? { fib: provider.fib() } : {}),
      ...(provider.services ? { services: provider.services() } : {}),
      ...(provider.policies ? { policies: provider.policies() } : {}),
      events: provider.events(),
      syncs: metrics.syncSummary(),
      now: now(),
    }),
    '/api/v1/bgp/peers': () => provider.peers(),
    '/api/v1/bgp/routes': (params) => {
      const q = parseRouteQuery(params);
      if (!q.ok) throw new HttpError(400, q.error);
      return provider.routes(q.query);
    },
    '/api/v1/fib': () => {
      if (!provider.fib) throw new HttpError(404, 'this agent has no FIB controller');
      return provider.fib();
    },
    '/api/v1/services': () => provider.services?.() ?? [],
    '/api/v1/policies': () => provider.policies?.() ?? [],
    '/api/v1/events': () => provider.events(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `method ${req.method} not allowed` }, false);
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(res, 400, { error: 'bad request URL' }, head);
    }
    const path = url.pathname;

    if (path === '/metrics') return send(res, 200, metrics.contentType, await metrics.text(), head);
    if (path === '/healthz' || path === '/readyz') {
      const h = provider.health();
      // Liveness ignores sync progress: restarting an agent in the middle of a slow sync only makes it slower.
      const ok = path === '/healthz' ? h.alive : h.ready;
      const lines = [ok ? 'ok' : `${path === '/healthz' ? 'not alive' : 'not ready'}: ${h.reason ?? 'no reason given'}`];
      if (path === '/readyz' || url.searchParams.has('verbose')) {
        for (const c of h.controllers) lines.push(`[${c.ready ? '+' : '-'}] ${c.name}${c.lastError ? ` (${c.lastError})` : ''}`);
      }
      return send(res, ok ? 200 : 503, 'text/plain; charset=utf-8', `${lines.join('\n')}\n`, head);
    }
    if (path.startsWith('/api/')) {
      const key = path.replace(/\/+$/, '');
      const h = Object.hasOwn(api, key) ? api[key] : undefined;
      if (!h) return sendJson(res, 404, { error: `no API endpoint ${path}` }, head);
      return sendJson(res, 200, h(url.searchParams), head);
    }
    const r = resolveStatic(root, path);
    if (!r.ok) return send(res, r.status, 'text/plain; charset=utf-8', r.status === 404 ? 'not found\n' : 'bad request\n', head);
    let body: Buffer;
    try {
      body = await readFile(r.file);
    } catch {
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    }
    return send(res, 200, r.contentType, body, head);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (res.headersSent) return void res.destroy();
      sendJson(res, status, { error: message }, req.method === 'HEAD');
    });
  });
  // Keep-alive sockets from browsers would otherwise hold close() open (stack.md §6 pitfall 2).
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolveListen();
    };
    if (opts.path) server.listen(opts.path, done);
    else server.listen(opts.port ?? DEFAULT_OBSERVE_PORT, host, done);
  });
  let url: string;
  if (opts.path) url = `unix:${opts.path}`;
  else {
    const addr = server.address() as AddressInfo;
    url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }
  // Idempotent: shutdown paths (signal handler, test cleanup after a failure) may both close.
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolveClose, reject) => {
        server.close((err) => (err ? reject(err) : resolveClose()));
        server.closeAllConnections();
      })),
  };
}
