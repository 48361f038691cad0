import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observe/metrics.js';
import { startObserveServer, type ObserveServer } from '../../../src/observe/server.js';
import type { RoutePage } from '../../../src/observe/status.js';
import type { StatusSummary } from '../../../src/observe/summary.js';
import { makeFakeProvider, type FakeProvider } from './fake-provider.js';

let provider: FakeProvider;
let server: ObserveServer;

beforeAll(async () => {
  provider = makeFakeProvider(() => Date.parse('2026-11-27T04:00:00Z'));
  const metrics = createMetrics({ provider });
  metrics.observeSync('routing', 0.012);
  server = await startObserveServer({ port: 0, provider, metrics, now: () => new Date('2026-11-27T04:00:00Z') });
});
afterAll(async () => {
  await server?.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);
async function json<T>(path: string, status = 200): Promise<T> {
  const res = await get(path);
  expect({ path, status: res.status }).toEqual({ path, status });
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await res.json()) as T;
}

/** Raw request: fetch() normalises "../" away, an attacker's client does not. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('observe server', () => {
  test('binds loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('/metrics is Prometheus text', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const body = await res.text();
    expect(body).toContain('podroute_bgp_peer_state{peer="192.0.2.1",peer_asn="64512"} 6');
    expect(body).toContain('podroute_routing_sync_duration_seconds_count 1');
  });

  test('/healthz and /readyz follow health(), independently', async () => {
    let res = await get('/healthz');
    expect([res.status, await res.text()]).toEqual([200, 'ok\n']);
    provider.healthStatus = { ...provider.healthStatus, ready: false, reason: 'routing: initial sync in progress' };
    res = await get('/healthz');
    expect(res.status).toBe(200); // a slow sync is not a dead agent
    res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('not ready: routing: initial sync in progress');
    provider.healthStatus = { ...provider.healthStatus, alive: false, ready: true, reason: 'event loop stalled' };
    res = await get('/healthz');
    expect([res.status, await res.text()]).toEqual([503, 'not alive: event loop stalled\n']);
    expect((await get('/readyz')).status).toBe(200);
    provider.healthStatus = { ...provider.healthStatus, alive: true, ready: true };
    delete provider.healthStatus.reason;
  });

  test('/api/v1/status summarises the node', async () => {
    const s = await json<StatusSummary>('/api/v1/status');
    expect(s.node).toMatchObject({ name: 'node-a', asn: 64600, uptimeSeconds: 3600 });
    expect(s.bgp).toMatchObject({ peers: 4, established: 2, byState: { Established: 2, Active: 1, OpenSent: 1 } });
    expect(s.bgp.rib).toEqual([
      { family: 'ipv4-unicast', routes: 63, paths: 64 },
      { family: 'ipv6-unicast', routes: 21, paths: 21 },
    ]);
    expect(s.fib).toMatchObject({ installed: 79, errors: 1, skipped: 1 });
    expect(s.services).toBe(3);
    expect(s.syncs.find((x) => x.controller === 'routing')).toMatchObject({ count: 1, lastSeconds: 0.012 });
    expect(s.events).toMatchObject({ total: 4, warnings: 1, errors: 1 });
  });

  test('/api/v1/bgp/peers is the PeerStatus array', async () => {
    const peers = await json<{ address: string; state: string; uptimeSeconds: number }[]>('/api/v1/bgp/peers');
    expect(peers.map((p) => [p.address, p.state])).toEqual([
      ['192.0.2.1', 'Established'], ['192.0.2.2', 'Established'], ['203.0.113.9', 'Active'], ['10.0.0.11', 'OpenSent'],
    ]);
    expect(peers[0].uptimeSeconds).toBe(55 * 60);
  });

  test('/api/v1/bgp/routes pages through every route exactly once', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page: RoutePage = await json<RoutePage>(`/api/v1/bgp/routes?limit=25${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(page.total).toBe(84);
      seen.push(...page.routes.map((r) => r.prefix));
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(84);
    expect(seen[0]).toBe('0.0.0.0/0');
    expect(seen[seen.length - 1]).toBe('2001:db8:244:14::/64');
  });

  test('/api/v1/bgp/routes search and prefix filters', async () => {
    let page = await json<RoutePage>('/api/v1/bgp/routes?search=64496');
    expect(page.routes.map((r) => r.prefix)).toEqual(['0.0.0.0/0']);
    expect(page.routes[0].paths.map((p) => [p.nextHop, p.best, p.multipath])).toEqual([
      ['192.0.2.1', true, true], ['192.0.2.2', false, true],
    ]);
    page = await json<RoutePage>('/api/v1/bgp/routes?prefix=10.244.7.9');
    expect(page.routes.map((r) => r.prefix)).toEqual(['0.0.0.0/0', '10.244.7.0/24']);
    page = await json<RoutePage>('/api/v1/bgp/routes?search=no-match-anywhere');
    expect(page).toEqual({ routes: [], total: 0 });
  });

  test('/api/v1/bgp/routes rejects bad parameters with 400', async () => {
    for (const q of ['limit=0', 'limit=5000', 'limit=abc', 'prefix=10.0.0.0/33', 'prefix=not-an-ip']) {
      const body = await json<{ error: string }>(`/api/v1/bgp/routes?${q}`, 400);
      expect(body.error).toMatch(/limit|prefix/);
    }
  });

  test('fib, services, policies, events', async () => {
    expect(await json('/api/v1/fib')).toMatchObject({ installed: 79, pending: 2 });
    expect(await json<unknown[]>('/api/v1/services')).toHaveLength(3);
    expect(await json<unknown[]>('/api/v1/policies')).toHaveLength(3);
    expect(await json<unknown[]>('/api/v1/events')).toHaveLength(4);
  });

  test('a missing subsystem is 404 for fib and empty for lists', async () => {
    const fib = provider.fib, services = provider.services;
    delete provider.fib; delete provider.services;
    try {
      expect((await json<{ error: string }>('/api/v1/fib', 404)).error).toMatch(/no FIB/);
      expect(await json('/api/v1/services')).toEqual([]);
    } finally {
      provider.fib = fib; provider.services = services;
    }
  });

  test('a throwing provider gives 500 with the message, and the server keeps serving', async () => {
    const peers = provider.peers;
    provider.peers = () => { throw new Error('speaker restarting'); };
    try {
      expect(await json('/api/v1/bgp/peers', 500)).toEqual({ error: 'speaker restarting' });
    } finally {
      provider.peers = peers;
    }
    expect((await get('/api/v1/bgp/peers')).status).toBe(200);
  });

  test('unknown paths are 404, other methods 405', async () => {
    expect((await json<{ error: string }>('/api/v1/nope', 404)).error).toContain('/api/v1/nope');
    expect((await get('/nope.html')).status).toBe(404);
    expect((await get('/nope')).status).toBe(404);
    const res = await fetch(`${server.url}/api/v1/status`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  test('dashboard files with content types', async () => {
    for (const [path, type, needle] of [
      ['/', 'text/html; charset=utf-8', '<canvas'],
      ['/index.html', 'text/html; charset=utf-8', '<title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'import'],
      ['/style.css', 'text/css; charset=utf-8', '{'],
    ] as const) {
      const res = await get(path);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 200, type });
      expect(await res.text()).toContain(needle);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  test('directory traversal is refused', async () => {
    for (const path of [
      '/../package.json', '/..%2fpackage.json', '/%2e%2e/package.json', '/%2e%2e%2fpackage.json',
      '/web/../../package.json', '/..%5cpackage.json', '/%00index.html', '/.git/config', '/%2fetc%2fpasswd',
      '//etc/passwd', '/....//package.json',
    ]) {
      const res = await rawGet(path);
      expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain('"name": "podroute"');
      expect(res.body).not.toContain('root:');
    }
  });

  test('HEAD answers headers without a body', async () => {
    const res = await fetch(`${server.url}/api/v1/status`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

test('close() does not hang on an idle keep-alive connection', async () => {
  const p = makeFakeProvider();
  const s = await startObserveServer({ port: 0, provider: p, metrics: createMetrics({ provider: p, processMetrics: false }) });
  const u = new URL(s.url);
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: '/healthz', headers: { Connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  const t0 = Date.now();
  await s.close();
  expect(Date.now() - t0).toBeLessThan(1000);
  await s.close(); // a second close is harmless
  await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
});

test('listens on a unix socket when given a path (how the demo reaches agents in other netns)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podroute-observe-'));
  const p = makeFakeProvider();
  const path = join(dir, 'api.sock');
  const s = await startObserveServer({ path, provider: p, metrics: createMetrics({ provider: p, processMetrics: false }) });
  try {
    expect(s.url).toBe(`unix:${path}`);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ socketPath: path, path: '/api/v1/bgp/peers' }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toHaveLength(4);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
