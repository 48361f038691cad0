// Dashboard entry: polls the JSON API every 2 s (override with ?interval=ms, at least 250) and
// hands each answer to a renderer. The route table is searched and paged on the server, so the
// page stays fast with a full Internet table in the RIB.
import { getJson } from './api.js';
import { LineChart } from './chart.js';
import { renderEvents, renderFib, renderHeader, renderPeers, renderPolicies, renderRoutes, renderServices } from './views.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const INTERVAL = Math.max(250, Number(params.get('interval')) || 2000);
const ROUTE_PAGE = 50;

const charts = {
  routes: new LineChart($('chart-routes'), $('legend-routes')),
  updates: new LineChart($('chart-updates'), $('legend-updates')),
  syncs: new LineChart($('chart-syncs'), $('legend-syncs')),
};

// Route table state: the search text and a stack of cursors, one per page already visited.
const routeView = { search: '', cursors: [undefined], total: 0, next: undefined, seq: 0 };
let previous; // last status, for update rates
let polls = 0;

function routesPath() {
  const q = new URLSearchParams({ limit: String(ROUTE_PAGE) });
  if (routeView.search) q.set('search', routeView.search);
  const after = routeView.cursors[routeView.cursors.length - 1];
  if (after) q.set('after', after);
  return `/api/v1/bgp/routes?${q}`;
}

async function loadRoutes() {
  // A slow answer to an old search must not overwrite a newer one.
  const seq = ++routeView.seq;
  const search = routeView.search;
  const page = await getJson(routesPath());
  if (seq !== routeView.seq) return;
  routeView.total = page.total;
  routeView.next = page.next;
  renderRoutes(page, $('routes').tBodies[0]);
  const first = (routeView.cursors.length - 1) * ROUTE_PAGE;
  $('routes-sub').textContent = page.total === 0 ? '0 matching' : `${first + 1}–${first + page.routes.length} of ${page.total}${routeView.search ? ' matching' : ''}`;
  $('routes-prev').disabled = routeView.cursors.length <= 1;
  $('routes-next').disabled = !page.next;
  // For tests and scripts: which search the table currently shows, and how many loads happened.
  document.body.dataset.routesSearch = search;
  document.body.dataset.routesLoaded = String(seq);
}

function chartSample(status, now) {
  const rib = {};
  for (const f of status.bgp.rib) rib[f.family] = f.routes;
  charts.routes.push(now, rib);

  if (previous) {
    const dt = (Date.parse(status.time) - Date.parse(previous.time)) / 1000 || INTERVAL / 1000;
    // A counter going down means a peer reset; show 0 rather than a negative rate.
    const rate = (a, b) => Math.max(0, (a - b) / dt);
    charts.updates.push(now, { received: rate(status.bgp.updatesReceived, previous.bgp.updatesReceived), sent: rate(status.bgp.updatesSent, previous.bgp.updatesSent) });
  } else {
    charts.updates.push(now, { received: 0, sent: 0 });
  }

  const syncs = {};
  for (const s of status.syncs) if (s.count > 0 && s.lastSeconds !== undefined) syncs[s.controller] = s.lastSeconds * 1000;
  if (status.fib && status.fib.lastSyncMs !== undefined && !('fib' in syncs)) syncs.fib = status.fib.lastSyncMs;
  charts.syncs.push(now, syncs);
  for (const c of Object.values(charts)) c.draw();
}

function showError(err) {
  const b = $('banner');
  if (!err) { b.classList.add('hidden'); b.textContent = ''; return; }
  b.textContent = `Cannot read the agent's status (${err.message}); showing the last data, retrying every ${INTERVAL / 1000} s.`;
  b.classList.remove('hidden');
}

async function poll() {
  try {
    const status = await getJson('/api/v1/status');
    // status.fib is null when the agent has no FIB controller: skip the request that would 404.
    const [peers, fib, services, policies, events] = await Promise.all([
      getJson('/api/v1/bgp/peers'),
      status.fib === null ? null : getJson('/api/v1/fib').catch((e) => (e.status === 404 ? null : Promise.reject(e))),
      getJson('/api/v1/services'),
      getJson('/api/v1/policies'),
      getJson('/api/v1/events'),
    ]);
    renderHeader(status, { node: $('node'), badges: $('badges') });
    renderPeers(peers, $('peers').tBodies[0], $('peers-sub'));
    renderFib(fib, $('fib'), $('fib-skipped'), $('fib-sub'));
    renderServices(services, $('services').tBodies[0], $('services-sub'));
    renderPolicies(policies, $('policies').tBodies[0], $('policies-sub'));
    renderEvents(events, $('events'));
    await loadRoutes();
    chartSample(status, Date.now());
    previous = status;
    $('updated').textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
    showError(null);
  } catch (err) {
    showError(err);
  } finally {
    document.body.dataset.polls = String(++polls);
    setTimeout(poll, INTERVAL);
  }
}

let debounce;
$('route-search').addEventListener('input', (ev) => {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    routeView.search = ev.target.value.trim();
    routeView.cursors = [undefined];
    loadRoutes().catch(showError);
  }, 200);
});
$('routes-next').addEventListener('click', () => {
  if (!routeView.next) return;
  routeView.cursors.push(routeView.next);
  loadRoutes().catch(showError);
});
$('routes-prev').addEventListener('click', () => {
  if (routeView.cursors.length <= 1) return;
  routeView.cursors.pop();
  loadRoutes().catch(showError);
});
window.addEventListener('resize', () => { for (const c of Object.values(charts)) c.draw(); });

poll();
