// Renderers: API data in, DOM rows out. Each takes the element it fills and the data, nothing
// else, so app.js decides when to fetch and these decide only how things look.
import { formatDuration, h, num, setRows, timeOfDay } from './dom.js';

const STATE_CLASS = {
  Established: 'ok', Idle: 'bad', Active: 'warn', Connect: 'warn', OpenSent: 'info', OpenConfirm: 'info',
};

export function renderHeader(status, els) {
  const n = status.node;
  els.node.replaceChildren(
    h('strong', null, n.name),
    h('span', null, `AS${n.asn}`),
    h('span', null, `router-id ${n.routerId}`),
    h('span', null, `v${n.version}`),
    h('span', null, `up ${formatDuration(n.uptimeSeconds)}`),
  );
  const hl = status.health;
  const badge = (ok, yes, no, title) => h('span', { class: `badge ${ok ? 'ok' : 'bad'}`, title }, ok ? yes : no);
  els.badges.replaceChildren(
    badge(hl.alive, 'alive', 'not alive', hl.alive ? undefined : hl.reason),
    badge(hl.ready, 'ready', 'not ready', hl.ready ? undefined : hl.reason),
    ...hl.controllers.map((c) => h('span', {
      class: `badge small ${c.ready ? 'muted' : 'warn'}${c.lastError ? ' bad' : ''}`,
      title: c.lastError ?? (c.lastSyncAt ? `last sync ${c.lastSyncAt}` : undefined),
    }, c.name)),
  );
}

export function renderPeers(peers, tbody, sub) {
  const up = peers.filter((p) => p.state === 'Established').length;
  sub.textContent = `${up} of ${peers.length} established`;
  setRows(tbody, peers.map((p) => h('tr', { dataset: { peer: p.address, state: p.state } },
    h('td', { class: 'mono' }, p.address),
    // The error of a down session sits under its description: a column of its own would push the
    // table past its card for the one peer that has an error.
    h('td', { class: 'wrap' }, h('span', { class: 'muted' }, p.description ?? ''),
      p.state !== 'Established' && p.lastError ? h('div', { class: 'error-text', title: p.lastError }, p.lastError) : null),
    h('td', { class: 'num' }, String(p.asn), p.asn === p.localAsn ? h('span', { class: 'tag', title: 'internal BGP (same AS)' }, 'ibgp') : null),
    h('td', null, h('span', { class: `state ${STATE_CLASS[p.state] ?? 'info'}` }, p.state)),
    h('td', { class: 'num' }, p.state === 'Established' ? formatDuration(p.uptimeSeconds) : '–'),
    h('td', { class: 'num', title: 'received / accepted by import policy / advertised' },
      `${num(p.prefixesReceived)} / ${num(p.prefixesAccepted)} / ${num(p.prefixesAdvertised)}`),
    h('td', { class: 'num' }, `${num(p.updatesReceived)} / ${num(p.updatesSent)}`),
    h('td', { class: `num${p.flaps > 0 ? ' warn-text' : ''}` }, num(p.flaps)),
  )), 'No BGP peers configured', 8);
}

const ORIGIN = { igp: 'i', egp: 'e', incomplete: '?' };

/** One row per route; ECMP paths stack inside the cells so the row count equals the route count. */
export function renderRoutes(page, tbody) {
  setRows(tbody, page.routes.map((r) => {
    // With one path "best" says nothing; mark paths only when there is a choice (or a stale one).
    const several = r.paths.length > 1;
    const lines = (f, cls) => r.paths.map((p) => h('div', { class: `path${p.best && several ? ' best' : ''}${cls ? ` ${cls}` : ''}` }, f(p)));
    return h('tr', { dataset: { prefix: r.prefix, paths: String(r.paths.length) } },
      h('td', { class: 'mono prefix' }, r.prefix),
      h('td', { class: 'marks' }, lines((p) => [
        p.best && several ? h('span', { class: 'tag best', title: 'best path' }, 'best') : null,
        p.multipath ? h('span', { class: 'tag ecmp', title: 'used for ECMP' }, 'ecmp') : null,
        p.stale ? h('span', { class: 'tag stale', title: 'stale (graceful restart)' }, 'stale') : null,
      ])),
      h('td', { class: 'mono' }, lines((p) => p.nextHop, 'nexthop')),
      h('td', { class: 'mono' }, lines((p) => p.peer)),
      h('td', { class: 'mono' }, lines((p) => p.asPath || '–')),
      h('td', null, lines((p) => ORIGIN[p.origin] ?? '?')),
      h('td', { class: 'num' }, lines((p) => p.localPref ?? '')),
      h('td', { class: 'num' }, lines((p) => p.med ?? '')),
      h('td', { class: 'muted' }, lines((p) => [...p.communities, ...p.largeCommunities].join(' '))),
    );
  }), 'No routes match', 9);
}

export function renderFib(fib, tiles, skippedEl, sub) {
  if (!fib) {
    sub.textContent = 'not running';
    tiles.replaceChildren();
    skippedEl.replaceChildren();
    return;
  }
  sub.textContent = fib.lastSyncAt ? `synced ${timeOfDay(fib.lastSyncAt)}${fib.lastSyncMs !== undefined ? ` in ${fib.lastSyncMs} ms` : ''}` : 'not synced yet';
  const tile = (label, value, cls) => h('div', { class: `tile ${cls}`, dataset: { fib: label } }, h('b', null, num(value)), h('span', null, label));
  tiles.replaceChildren(
    tile('installed', fib.installed, 'ok'),
    tile('pending', fib.pending, fib.pending > 0 ? 'warn' : 'muted'),
    tile('errors', fib.errors, fib.errors > 0 ? 'bad' : 'muted'),
    tile('skipped', fib.skipped.length, fib.skipped.length > 0 ? 'warn' : 'muted'),
  );
  const shown = fib.skipped.slice(0, 5).map((s) => h('div', { class: 'skipped', title: s.reason }, h('span', { class: 'mono' }, s.prefix), ' ', h('span', { class: 'muted' }, s.reason)));
  if (fib.skipped.length > 5) shown.push(h('div', { class: 'muted' }, `…and ${fib.skipped.length - 5} more`));
  skippedEl.replaceChildren(...shown);
}

export function renderEvents(events, ol) {
  const newest = [...events].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, 30);
  ol.replaceChildren(...(newest.length ? newest.map((e) => h('li', { class: `ev ${e.level}` },
    h('time', { datetime: e.time }, timeOfDay(e.time)),
    h('span', { class: 'lvl' }, e.level),
    h('span', { class: 'subsys' }, e.subsystem),
    h('span', { class: 'msg' }, e.message),
  )) : [h('li', { class: 'muted' }, 'No events')]));
}

// Services and policies arrive loosely typed (the controllers own their shapes): read defensively.
const arr = (v) => (Array.isArray(v) ? v : []);

export function renderServices(services, tbody, sub) {
  sub.textContent = `${services.length}`;
  setRows(tbody, services.map((s) => {
    const eps = arr(s.endpoints).map((e) => (typeof e === 'string' ? { address: e, ready: true } : { address: e.address ?? e.ip ?? '?', port: e.port, ready: e.ready !== false, node: e.node }));
    const ready = eps.filter((e) => e.ready).length;
    return h('tr', { dataset: { service: `${s.namespace ?? 'default'}/${s.name}` } },
      h('td', null, h('span', { class: 'muted' }, `${s.namespace ?? 'default'}/`), s.name ?? '?'),
      h('td', null, s.type ?? 'ClusterIP'),
      h('td', { class: 'mono' }, [s.clusterIP, ...arr(s.externalIPs)].filter(Boolean).join(', ') || '–'),
      h('td', { class: 'mono' }, arr(s.ports).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(', ') || '–'),
      h('td', { class: `num ${eps.length && ready === eps.length ? '' : 'warn-text'}` }, `${ready}/${eps.length}`),
      h('td', { class: 'endpoints' }, eps.length ? eps.map((e) => h('span', { class: `chip ${e.ready ? 'ok' : 'off'}`, title: e.node ? `on ${e.node}${e.ready ? '' : ', not ready'}` : undefined }, `${e.address}${e.port ? `:${e.port}` : ''}`)) : h('span', { class: 'warn-text' }, 'no endpoints')),
    );
  }), 'No services', 6);
}

function selectorText(sel) {
  if (typeof sel === 'string') return sel;
  if (!sel || typeof sel !== 'object') return '';
  const labels = sel.matchLabels && typeof sel.matchLabels === 'object' ? sel.matchLabels : 'matchExpressions' in sel ? {} : sel;
  return [
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ...arr(sel.matchExpressions).map((e) => `${e.key} ${e.operator} (${arr(e.values).join(',')})`),
  ].join(', ');
}

export function renderPolicies(policies, tbody, sub) {
  sub.textContent = `${policies.length}`;
  const count = (v) => (typeof v === 'number' ? v : arr(v).length);
  setRows(tbody, policies.map((p) => h('tr', { dataset: { policy: `${p.namespace ?? 'default'}/${p.name}` } },
    h('td', null, h('span', { class: 'muted' }, `${p.namespace ?? 'default'}/`), p.name ?? '?'),
    h('td', { class: 'mono' }, selectorText(p.podSelector) || h('span', { class: 'muted' }, 'all pods')),
    h('td', null, arr(p.policyTypes).join(', ')),
    h('td', { class: 'num' }, String(count(p.ingressRules ?? p.ingress))),
    h('td', { class: 'num' }, String(count(p.egressRules ?? p.egress))),
    h('td', { class: 'num' }, p.pods === undefined ? '' : String(p.pods)),
  )), 'No network policies', 6);
}
