// A fresh agent: no peers yet, empty RIB, no FIB/proxy/policy controllers, not ready. The page
// must say so plainly instead of breaking or showing stale placeholders.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { createMetrics } from '../../../src/observe/metrics.js';
import { startObserveServer, type ObserveServer } from '../../../src/observe/server.js';
import type { StatusProvider } from '../../../src/observe/status.js';
import { openDashboard, routePrefixes, waitForChartInk, waitForPolls, type DashboardSession } from './dashboard-checks.js';

jest.setTimeout(60_000);

let server: ObserveServer | undefined;
let session: DashboardSession | undefined;

beforeAll(async () => {
  const provider: StatusProvider = {
    node: () => ({ name: 'node-z', asn: 65000, routerId: '10.9.9.9', version: '0.1.0', startedAt: new Date().toISOString() }),
    peers: () => [],
    routes: () => ({ routes: [], total: 0 }),
    events: () => [],
    health: () => ({ alive: true, ready: false, reason: 'routing: waiting for the node object', controllers: [{ name: 'routing', ready: false }] }),
  };
  server = await startObserveServer({ port: 0, provider, metrics: createMetrics({ provider }) });
  session = await openDashboard(server.url, { interval: 300 });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

test('empty and missing subsystems are stated, not broken', async () => {
  const { page, pageErrors } = session!;
  await waitForPolls(page, 3);
  expect(await page.textContent('#peers tbody')).toContain('No BGP peers configured');
  expect(await routePrefixes(page)).toEqual([]);
  expect(await page.textContent('#routes-sub')).toBe('0 matching');
  expect(await page.textContent('#fib-sub')).toBe('not running');
  expect(await page.textContent('#services tbody')).toContain('No services');
  expect(await page.textContent('#events')).toContain('No events');
  const badges = await page.textContent('#badges');
  expect(badges).toContain('alive');
  expect(badges).toContain('not ready');
  expect(await page.getAttribute('#badges .badge.bad', 'title')).toBe('routing: waiting for the node object');
  // The update-rate chart still draws its (zero) lines.
  await waitForChartInk(page, 'chart-updates', 20);
  expect(await page.isVisible('#banner')).toBe(false);
  expect(pageErrors).toEqual([]);
});
