// The small pure helpers behind the API: prefixes, route paging, static path resolution, views, client.
import { describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiError, fetchJson } from '../../../src/observe/client.js';
import { findPackageRoot, webRoot } from '../../../src/observe/packageRoot.js';
import { comparePrefixes, covers, parsePrefix } from '../../../src/observe/prefix.js';
import { pageRoutes, parseRouteQuery } from '../../../src/observe/routePage.js';
import { resolveStatic } from '../../../src/observe/staticFiles.js';
import { toPolicyView, toServiceView } from '../../../src/observe/views.js';
import { makeRoutes } from './fake-provider.js';

describe('prefix', () => {
  test('parses IPv4, IPv6 and bare addresses; rejects junk', () => {
    expect(parsePrefix('10.244.1.0/24')).toEqual({ v6: false, addr: 0x0af40100n, len: 24 });
    expect(parsePrefix('10.0.0.1')).toEqual({ v6: false, addr: 0x0a000001n, len: 32 });
    expect(parsePrefix('2001:db8::/32')).toEqual({ v6: true, addr: 0x20010db8n << 96n, len: 32 });
    expect(parsePrefix('::ffff:10.0.0.1')?.addr).toBe(0xffff0a000001n);
    expect(parsePrefix('::')).toEqual({ v6: true, addr: 0n, len: 128 });
    for (const bad of ['10.0.0.0/33', '256.1.1.1', '10.0.0', '1::2::3', '2001:db8::/129', 'x', '10.0.0.0/8/8', '1:2:3:4:5:6:7:8:9']) {
      expect({ bad, p: parsePrefix(bad) }).toEqual({ bad, p: undefined });
    }
  });
  test('covers and order', () => {
    expect(covers(parsePrefix('10.0.0.0/8')!, parsePrefix('10.244.1.7')!)).toBe(true);
    expect(covers(parsePrefix('10.0.0.0/8')!, parsePrefix('11.0.0.0/24')!)).toBe(false);
    expect(covers(parsePrefix('0.0.0.0/0')!, parsePrefix('::1')!)).toBe(false);
    const sorted = ['2001:db8::/32', '10.0.0.0/16', '10.0.0.0/8', '9.0.0.0/8'].map((s) => parsePrefix(s)!).sort(comparePrefixes);
    expect(sorted.map((p) => p.len)).toEqual([8, 8, 16, 32]);
    expect(sorted[0].addr).toBe(0x09000000n);
  });
});

describe('route paging', () => {
  test('query parsing defaults and limits', () => {
    expect(parseRouteQuery(new URLSearchParams(''))).toEqual({ ok: true, query: { limit: 100 } });
    expect(parseRouteQuery(new URLSearchParams('limit=7&search=%20abc%20&after=10.0.0.0/8&prefix=10.1.0.0/16')))
      .toEqual({ ok: true, query: { limit: 7, search: 'abc', after: '10.0.0.0/8', prefix: '10.1.0.0/16' } });
    expect(parseRouteQuery(new URLSearchParams('limit=1001')).ok).toBe(false);
    expect(parseRouteQuery(new URLSearchParams(`search=${'x'.repeat(201)}`)).ok).toBe(false);
  });
  test('a cursor survives a route inserted before it', () => {
    const routes = makeRoutes(10);
    const first = pageRoutes(routes, { limit: 3 });
    expect(first.routes.map((r) => r.prefix)).toEqual(['0.0.0.0/0', '10.244.0.0/24', '10.244.1.0/24']);
    routes.push({ prefix: '10.1.0.0/16', family: 'ipv4-unicast', paths: [] });
    const second = pageRoutes(routes, { limit: 3, after: first.next! });
    expect(second.routes.map((r) => r.prefix)).toEqual(['10.244.2.0/24', '10.244.3.0/24', '10.244.4.0/24']);
    expect(pageRoutes(routes, { limit: 3, after: 'garbage' })).toMatchObject({ routes: [] });
  });
  test('search is case-insensitive over next hop, AS path and communities', () => {
    const routes = makeRoutes(10);
    expect(pageRoutes(routes, { limit: 100, search: 'NO-EXPORT' }).total).toBe(10);
    expect(pageRoutes(routes, { limit: 100, search: 'fd00::b' }).routes.map((r) => r.prefix)).toEqual(['2001:db8:244:1::/64']);
    expect(pageRoutes(routes, { limit: 100, search: '64500' }).routes.map((r) => r.prefix)).toEqual(['198.51.100.0/24']);
  });
});

describe('static file resolution', () => {
  const root = '/srv/web';
  test('maps / to index.html and known extensions to content types', () => {
    expect(resolveStatic(root, '/')).toEqual({ ok: true, file: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveStatic(root, '/js/chart.js')).toMatchObject({ ok: true, file: join(root, 'js/chart.js') });
  });
  test('refuses traversal, dotfiles, unknown types and bad encoding', () => {
    for (const p of ['/../x.js', '/a/../../x.js', '/%2e%2e/x.js', '/.env.js', '/x.ts', '/x', '/%E0%A4%A.js', '/a%00.js', '/a%5c..%5cx.js']) {
      expect({ p, ok: resolveStatic(root, p).ok }).toEqual({ p, ok: false });
    }
  });
});

test('the package root holds package.json and web/', () => {
  expect(findPackageRoot()).toBe(join(webRoot(), '..'));
  expect(webRoot().endsWith('/web')).toBe(true);
});

describe('views', () => {
  test('service view reads known fields, defaults the rest', () => {
    expect(toServiceView({ name: 'a', ports: [{ port: 53, protocol: 'UDP' }], endpoints: ['10.0.0.1', { ip: '10.0.0.2', ready: false }] })).toEqual({
      namespace: 'default', name: 'a', type: 'ClusterIP', clusterIP: '', externalIPs: [],
      ports: [{ port: 53, protocol: 'UDP' }],
      endpoints: [{ address: '10.0.0.1', ready: true }, { address: '10.0.0.2', ready: false }],
    });
    expect(toServiceView(null).name).toBe('?');
  });
  test('policy view renders label selectors', () => {
    expect(toPolicyView({ name: 'p', podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, ingressRules: 3 }))
      .toEqual({ namespace: 'default', name: 'p', podSelector: 'tier In (a,b)', policyTypes: [], ingressRules: 3, egressRules: 0 });
  });
});

describe('fetchJson', () => {
  test('returns JSON, and explains HTTP and connection errors', async () => {
    const srv = createServer((req, res) => {
      if (req.url === '/ok') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"a":1}'); return; }
      res.writeHead(400, { 'Content-Type': 'application/json' }); res.end('{"error":"limit must be small"}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      expect(await fetchJson(base, '/ok')).toEqual({ a: 1 });
      await expect(fetchJson(base, '/bad')).rejects.toThrow(/\/bad: HTTP 400: limit must be small/);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
    // A port that was just free: nothing listens, and no pooled connection to it exists.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const goneBase = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((r) => gone.close(r));
    const err = await fetchJson(goneBase, '/ok').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/cannot reach podroute at http:\/\/127\.0\.0\.1:\d+\/ok: .*ECONNREFUSED/);
  });
});
