// The dashboard in Debian's real Chromium against the real observe server and a realistic fake
// provider: what an operator sees, checked through the page, plus a screenshot to look at.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observe/metrics.js';
import { findPackageRoot } from '../../../src/observe/packageRoot.js';
import { startObserveServer, type ObserveServer } from '../../../src/observe/server.js';
import { makeFakeProvider, type FakeProvider } from '../../unit/observe/fake-provider.js';
import {
  chartInk, expectPeerEstablishedGreen, openDashboard, peerRows, routeNextHops, routePrefixes, saveScreenshot,
  searchRoutes, waitForChartInk, waitForPolls, type DashboardSession,
} from './dashboard-checks.js';

jest.setTimeout(60_000);

let provider: FakeProvider;
let server: ObserveServer | undefined;
let session: DashboardSession | undefined;
let ticker: NodeJS.Timeout | undefined;

beforeAll(async () => {
  provider = makeFakeProvider();
  const metrics = createMetrics({ provider });
  server = await startObserveServer({ port: 0, provider, metrics });
  // Traffic and syncs keep flowing while the page polls, as on a live node.
  let n = 0;
  ticker = setInterval(() => {
    provider.tick(0.3);
    metrics.observeSync('routing', 0.004 + 0.003 * Math.sin(n));
    metrics.observeSync('fib', 0.03 + 0.02 * Math.cos(n++ / 2));
  }, 300);
  session = await openDashboard(server.url, { interval: 300 });
});

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  await session?.close();
  await server?.close();
});

test('peers: Established in green, down peers with their error', async () => {
  const { page } = session!;
  await waitForPolls(page, 1);
  await expectPeerEstablishedGreen(page, '192.0.2.1');
  const rows = await peerRows(page);
  expect(rows.map((r) => [r.address, r.state])).toEqual([
    ['192.0.2.1', 'Established'], ['192.0.2.2', 'Established'], ['203.0.113.9', 'Active'], ['10.0.0.11', 'OpenSent'],
  ]);
  const active = rows.find((r) => r.address === '203.0.113.9')!;
  expect(active.cells.join(' ')).toContain('ECONNREFUSED');
  expect(active.color[0]).toBeGreaterThan(active.color[1]); // amber, not green
  expect(await page.textContent('#node')).toContain('node-a');
});

test('routes: listed, paged, ECMP next hops shown, search filters on the server', async () => {
  const { page } = session!;
  const all = await routePrefixes(page);
  expect(all).toHaveLength(50);
  expect(all[0]).toBe('0.0.0.0/0');
  expect(await page.textContent('#routes-sub')).toBe('1–50 of 84');
  expect(await routeNextHops(page, '0.0.0.0/0')).toEqual(['192.0.2.1', '192.0.2.2']);

  await page.click('#routes-next');
  await page.waitForFunction(() => document.getElementById('routes-sub')?.textContent === '51–84 of 84');
  expect(await routePrefixes(page)).toHaveLength(34);
  await page.click('#routes-prev');
  await page.waitForFunction(() => document.getElementById('routes-sub')?.textContent === '1–50 of 84');

  expect(await searchRoutes(page, '10.244.1')).toEqual([
    '10.244.1.0/24', '10.244.10.0/24', '10.244.11.0/24', '10.244.12.0/24', '10.244.13.0/24', '10.244.14.0/24',
    '10.244.15.0/24', '10.244.16.0/24', '10.244.17.0/24', '10.244.18.0/24', '10.244.19.0/24',
  ]);
  expect(await searchRoutes(page, '64496')).toEqual(['0.0.0.0/0']);
  expect(await searchRoutes(page, 'nothing-like-this')).toEqual([]);
  expect(await page.textContent('#routes tbody')).toContain('No routes match');
  expect(await searchRoutes(page, '')).toHaveLength(50);
});

test('charts draw, FIB, services, policies and events are shown', async () => {
  const { page } = session!;
  await waitForPolls(page, 4);
  for (const id of ['chart-routes', 'chart-updates', 'chart-syncs']) await waitForChartInk(page, id);
  expect(await chartInk(page, 'chart-updates')).toBeGreaterThan(50);
  expect(await page.textContent('#legend-routes')).toContain('ipv4-unicast 63');
  expect(await page.textContent('[data-fib="installed"]')).toContain('79');
  expect(await page.textContent('[data-fib="errors"]')).toContain('1');
  expect(await page.locator('#services tbody tr[data-service]').count()).toBe(3);
  expect(await page.textContent('#services tr[data-service="shop/web"]')).toContain('2/3');
  expect(await page.locator('#policies tbody tr[data-policy]').count()).toBe(3);
  expect(await page.textContent('#events')).toContain('ENETUNREACH');
  expect(await page.isVisible('#banner')).toBe(false);
});

test('the page has no console errors and a screenshot is saved', async () => {
  const { page, pageErrors } = session!;
  await page.fill('#route-search', '');
  await waitForPolls(page, 8);
  await saveScreenshot(page, join(findPackageRoot(), 'test-artifacts', 'dashboard.png'));
  await saveScreenshot(page, join(findPackageRoot(), 'test-artifacts', 'dashboard-full.png'), { fullPage: true });
  expect(pageErrors).toEqual([]);
});

test('text from the network is shown as text, never as markup', async () => {
  const { page } = session!;
  provider.peerList[1].description = '<img src=x id=injected onerror="document.body.dataset.pwned=1">tor-b';
  const polls = Number(await page.evaluate(() => document.body.dataset.polls));
  await waitForPolls(page, polls + 2);
  expect(await page.textContent('#peers tr[data-peer="192.0.2.2"]')).toContain('<img src=x');
  expect(await page.locator('#injected').count()).toBe(0);
  expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
});

test('when the agent stops answering, the last data stays and a banner says so', async () => {
  const { page } = session!;
  await server!.close();
  server = undefined;
  await page.waitForSelector('#banner:not(.hidden)', { timeout: 10_000 });
  expect(await page.textContent('#banner')).toContain('Cannot read the agent');
  expect((await peerRows(page)).length).toBe(4);
});
