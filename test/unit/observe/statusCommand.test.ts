import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observe/metrics.js';
import { startObserveServer, type ObserveServer } from '../../../src/observe/server.js';
import { parseStatusArgs, runStatusCommand } from '../../../src/observe/statusCommand.js';
import { makeFakeProvider } from './fake-provider.js';

let server: ObserveServer;
beforeAll(async () => {
  const provider = makeFakeProvider();
  server = await startObserveServer({ port: 0, provider, metrics: createMetrics({ provider, processMetrics: false }) });
});
afterAll(async () => { await server?.close(); });

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runStatusCommand(argv, { out: (s) => (out += s), err: (s) => (err += s), env: { PODROUTE_API: server.url } });
  return { code, out, err };
}

test('summary by default, from $PODROUTE_API', async () => {
  const r = await run();
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.out).toMatch(/^Node: +node-a  AS64600/);
  expect(r.out).toContain('BGP peers:   2/4 established');
});

test('peers, routes with search and paging, fib, services, policies, events', async () => {
  expect((await run('peers')).out).toMatch(/^192\.0\.2\.1 +64512 +\d\d:\d\d:\d\d +Established/m);
  const routes = await run('routes', '--search', '64496');
  expect(routes.out).toContain('*=             192.0.2.2');
  expect(routes.out).toContain('1 of 1 routes');
  expect((await run('routes', '--limit', '2')).out).toContain('2 of 84 routes (more: --after 10.244.0.0/24)');
  expect((await run('routes', '--limit', '2', '--after', '10.244.0.0/24')).out).toMatch(/^\*> +10\.244\.1\.0\/24/m);
  expect((await run('fib')).out).toContain('installed 79');
  expect((await run('services')).out).toContain('shop/web');
  expect((await run('policies')).out).toContain('shop/default-deny');
  expect((await run('events')).out).toContain('ENETUNREACH');
  expect(JSON.parse((await run('peers', '--json')).out)).toHaveLength(4);
});

test('errors: bad usage exits 2, a server-side refusal and an unreachable agent exit 1', async () => {
  expect((await run('nope')).code).toBe(2);
  expect((await run('peers', '--search', 'x')).code).toBe(2);
  const bad = await run('routes', '--limit', '0');
  expect(bad.code).toBe(1);
  expect(bad.err).toContain('HTTP 400: limit must be an integer from 1 to 1000');
  const down = await run('--api', 'http://127.0.0.1:1');
  expect(down.code).toBe(1);
  expect(down.err).toMatch(/cannot reach podroute at http:\/\/127\.0\.0\.1:1\/api\/v1\/status/);
});

test('argument parsing', () => {
  expect(parseStatusArgs(['routes', '--prefix', '10.0.0.1'], {})).toMatchObject({ what: 'routes', api: 'http://127.0.0.1:20245' });
  expect(parseStatusArgs(['--api'], {})).toEqual({ error: '--api needs a URL' });
});

test('--api unix:/path reaches an agent listening on a unix socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podroute-status-'));
  const provider = makeFakeProvider();
  const sock = join(dir, 'api.sock');
  const s = await startObserveServer({ path: sock, provider, metrics: createMetrics({ provider, processMetrics: false }) });
  try {
    let out = '';
    const code = await runStatusCommand(['routes', '--api', `unix:${sock}`, '--search', '64496'], { out: (x) => (out += x), err: () => {}, env: {} });
    expect(code).toBe(0);
    expect(out).toContain('*>  0.0.0.0/0');
    let err = '';
    expect(await runStatusCommand(['--api', `unix:${join(dir, 'nope.sock')}`], { out: () => {}, err: (x) => (err += x), env: {} })).toBe(1);
    expect(err).toMatch(/cannot reach podroute at unix:.*nope\.sock\/api\/v1\/status: .*ENOENT/);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-o json is the same as --json (kubectl spelling); -o yaml is refused', async () => {
  const { parseStatusArgs } = await import('../../../src/observe/statusCommand.js');
  expect(parseStatusArgs(['peers', '-o', 'json'])).toMatchObject({ what: 'peers', json: true });
  expect(parseStatusArgs(['-ojson'])).toMatchObject({ what: 'summary', json: true });
  expect(parseStatusArgs(['peers', '-o', 'yaml'])).toEqual({ error: '-o takes json or table' });
});
