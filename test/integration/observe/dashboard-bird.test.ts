// The dashboard of a real podroute speaker peered with a real BIRD, in Debian's Chromium: the peer
// shows Established (in green), BIRD's routes are listed and searchable, a chart draws. The
// screenshot is kept as a test artifact (test-artifacts/dashboard-bird.png).
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { Lab, waitFor } from '../../harness/netns.js';
import { startDaemon, type BgpDaemon } from '../../harness/peers/index.js';
import { PodrouteSpeaker } from '../../harness/podroute.js';
import { forwardTcpToUnix, type Forwarder } from '../../../src/lab/forward.js';
import {
  expectPeerEstablishedGreen, openDashboard, routeNextHops, routePrefixes, saveScreenshot, searchRoutes, waitForChartInk,
  waitForPeerState, type DashboardSession,
} from './dashboard-checks.js';

jest.setTimeout(90_000);

let lab: Lab;
let bird: BgpDaemon;
let speaker: PodrouteSpeaker;
let fwd: Forwarder;
let session: DashboardSession | undefined;

const THEIRS = ['198.51.100.0/24', '198.51.101.0/24', '198.51.102.0/25'];

beforeAll(async () => {
  lab = new Lab();
  const [us, them] = await lab.pair('10.78.0.1', '10.78.0.2');
  bird = await startDaemon('bird', them, { asn: 65010, routerId: '10.78.0.2', neighbors: [{ address: '10.78.0.1', asn: 65000 }], originate: THEIRS.map((prefix) => ({ prefix, communities: ['65010:42'] })) });
  speaker = await PodrouteSpeaker.start(us, { asn: 65000, routerId: '10.78.0.1', listen: { address: '10.78.0.1' }, peers: [{ address: '10.78.0.2', asn: 65010, holdTime: 9, description: 'tor-a' } as never], originate: ['203.0.113.0/24'] });
  await waitFor('BIRD routes in podroute', async () => (await speaker.routes()).total >= THEIRS.length + 1, { timeoutMs: 30_000 });
  fwd = await forwardTcpToUnix(speaker.sock);
  session = await openDashboard(fwd.url, { interval: 500 });
});

afterAll(async () => {
  await session?.close();
  await fwd?.close();
  await lab?.dispose();
});

test('the BIRD peer shows Established in green', async () => {
  await waitForPeerState(session!.page, '10.78.0.2', 'Established');
  const row = await expectPeerEstablishedGreen(session!.page, '10.78.0.2');
  expect(row.cells.join(' ')).toContain('65010');
});

test("BIRD's routes are listed with their next hop, and search filters them", async () => {
  await waitFor('routes on the page', async () => (await routePrefixes(session!.page)).length >= 4, { timeoutMs: 15_000 });
  const prefixes = await routePrefixes(session!.page);
  for (const p of THEIRS) expect(prefixes).toContain(p);
  expect(prefixes).toContain('203.0.113.0/24');
  expect(await routeNextHops(session!.page, '198.51.100.0/24')).toContain('10.78.0.2');
  const found = await searchRoutes(session!.page, '198.51.102');
  expect(found).toEqual(['198.51.102.0/25']);
  await searchRoutes(session!.page, '');
});

test('a chart draws, and the screenshot is kept', async () => {
  expect(await waitForChartInk(session!.page, 'chart-routes')).toBeGreaterThanOrEqual(50);
  await saveScreenshot(session!.page, 'test-artifacts/dashboard-bird.png', { fullPage: true });
  expect(session!.pageErrors).toEqual([]);
});
