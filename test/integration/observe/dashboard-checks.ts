// Page checks for the dashboard, shared by the fake-provider test here and the lead's test
// against a real BIRD-peered agent. Plain async functions that throw Errors with a clear message,
// so they work from any test runner and report what the page actually showed.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PODROUTE_CHROMIUM ?? '/usr/bin/chromium';
// From notes/stack.md §6: headless Debian chromium, no background traffic, no sandbox (root in CI).
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface DashboardSession {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page exceptions seen so far: a clean dashboard has none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openDashboard(baseUrl: string, opts: { viewport?: { width: number; height: number }; interval?: number } = {}): Promise<DashboardSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (scripts/install-deps.sh) or set PODROUTE_CHROMIUM`);
  }
  // A fresh profile dir per run, removed on close, so runs never share cache or cookies.
  const profile = mkdtempSync(join(tmpdir(), 'podroute-chromium-'));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, `--disk-cache-dir=${profile}`], headless: true });
    const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => pageErrors.push(`exception: ${e.message}`));
    const url = new URL(baseUrl);
    if (opts.interval !== undefined) url.searchParams.set('interval', String(opts.interval));
    await page.goto(url.toString());
    const b = browser;
    return {
      browser: b, page, pageErrors,
      close: async () => {
        try { await b.close(); } finally { rmSync(profile, { recursive: true, force: true }); }
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Waits until the page has finished `n` poll cycles (app.js counts them in body[data-polls]). */
export async function waitForPolls(page: Page, n: number, timeoutMs = 15_000): Promise<void> {
  try {
    await page.waitForFunction((want) => Number(document.body.dataset.polls ?? 0) >= want, n, { timeout: timeoutMs });
  } catch {
    const got = await page.evaluate(() => document.body.dataset.polls ?? '0');
    const banner = await page.locator('#banner').textContent();
    throw new Error(`dashboard did only ${got} of ${n} polls in ${timeoutMs} ms${banner ? `; banner: ${banner}` : ''}`);
  }
}

export interface PeerRow { address: string; state: string; color: [number, number, number]; cells: string[] }

export async function peerRows(page: Page): Promise<PeerRow[]> {
  return page.$$eval('#peers tbody tr[data-peer]', (rows) => rows.map((tr) => {
    const state = tr.querySelector('.state') as HTMLElement | null;
    const m = state ? getComputedStyle(state).color.match(/\d+(\.\d+)?/g) : null;
    return {
      address: (tr as HTMLElement).dataset.peer ?? '',
      state: state?.textContent ?? '',
      color: (m ? m.slice(0, 3).map(Number) : [0, 0, 0]) as [number, number, number],
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    };
  }));
}

/** Green: the green channel clearly dominates (the Established colour is #1e7f4d). */
export const isGreen = ([r, g, b]: [number, number, number]): boolean => g > r + 40 && g > b + 20;

export async function expectPeerEstablishedGreen(page: Page, address: string): Promise<PeerRow> {
  const rows = await peerRows(page);
  const row = rows.find((r) => r.address === address);
  if (!row) throw new Error(`peer ${address} not in the peers table; rows: ${rows.map((r) => r.address).join(', ') || 'none'}`);
  if (row.state !== 'Established') throw new Error(`peer ${address} shows "${row.state}", expected "Established"`);
  if (!isGreen(row.color)) throw new Error(`peer ${address} state colour rgb(${row.color.join(',')}) is not green`);
  return row;
}

/** Waits until the given peer shows the given state (sessions take a few seconds to come up). */
export async function waitForPeerState(page: Page, address: string, state: string, timeoutMs = 30_000): Promise<void> {
  try {
    await page.waitForFunction(([a, s]) => document.querySelector(`#peers tr[data-peer="${a}"]`)?.getAttribute('data-state') === s, [address, state] as const, { timeout: timeoutMs });
  } catch {
    const rows = await peerRows(page);
    throw new Error(`peer ${address} did not reach ${state} in ${timeoutMs} ms; table: ${rows.map((r) => `${r.address}=${r.state}`).join(', ') || 'empty'}`);
  }
}

export async function routePrefixes(page: Page): Promise<string[]> {
  return page.$$eval('#routes tbody tr[data-prefix]', (rows) => rows.map((tr) => (tr as HTMLElement).dataset.prefix ?? ''));
}

/** Next hops shown for one prefix, best first, as the page lists them. */
export async function routeNextHops(page: Page, prefix: string): Promise<string[]> {
  return page.$$eval(`#routes tbody tr[data-prefix="${prefix}"] .nexthop`, (els) => els.map((e) => e.textContent ?? ''));
}

/** Types into the search box and waits until the table shows the server's answer for that text. */
export async function searchRoutes(page: Page, text: string, timeoutMs = 10_000): Promise<string[]> {
  await page.fill('#route-search', text);
  try {
    await page.waitForFunction((t) => document.body.dataset.routesSearch === t, text.trim(), { timeout: timeoutMs });
  } catch {
    const shown = await page.evaluate(() => document.body.dataset.routesSearch);
    throw new Error(`route search for "${text}" got no answer in ${timeoutMs} ms (table shows search "${shown ?? ''}")`);
  }
  return routePrefixes(page);
}

/** Pixels on a chart canvas drawn in a saturated colour (series lines), not grey grid or text. */
export async function chartInk(page: Page, canvasId: string): Promise<number> {
  return page.$eval(`#${canvasId}`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
    }
    return n;
  });
}

export async function waitForChartInk(page: Page, canvasId: string, minPixels = 50, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const ink = await chartInk(page, canvasId);
    if (ink >= minPixels) return ink;
    if (Date.now() - t0 > timeoutMs) throw new Error(`chart #${canvasId} has ${ink} coloured pixels after ${timeoutMs} ms, expected at least ${minPixels}`);
    await page.waitForTimeout(200);
  }
}

export async function saveScreenshot(page: Page, path: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
}
