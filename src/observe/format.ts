// Text renderers for `podroute status` and friends. Pure: values in, text out, no colour codes
// (the CLI decides whether the terminal wants them), stable column order for scripts that grep.
import type { SyncSummary } from './metrics.js';
import type { EventRecord, FibStatus, PathStatus, PeerStatus, RouteStatus } from './status.js';
import type { StatusSummary } from './summary.js';
import { renderTable } from './table.js';
import { toPolicyView, toServiceView } from './views.js';

/** "00:32:10" under a day, "3d04:05:06" above: the gobgp Up/Down convention. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d${hms}` : hms;
}

const ORIGIN_CODE: Record<PathStatus['origin'], string> = { igp: 'i', egp: 'e', incomplete: '?' };

export function formatPeers(peers: PeerStatus[]): string {
  if (peers.length === 0) return 'no BGP peers configured\n';
  const rows = peers.map((p) => [
    p.address,
    String(p.asn),
    // The contract has no "down since", so a down session shows '-' rather than a made-up time.
    p.state === 'Established' ? formatDuration(p.uptimeSeconds) : '-',
    p.state,
    String(p.prefixesReceived),
    String(p.prefixesAccepted),
    String(p.prefixesAdvertised),
    String(p.flaps),
    [p.description ?? '', p.state !== 'Established' && p.lastError ? `(${p.lastError})` : ''].filter(Boolean).join(' '),
  ]);
  return renderTable(
    [
      { header: 'Peer' }, { header: 'AS', align: 'right' }, { header: 'Up/Down', align: 'right' }, { header: 'State' },
      { header: 'Received', align: 'right' }, { header: 'Accepted', align: 'right' }, { header: 'Advertised', align: 'right' },
      { header: 'Flaps', align: 'right' }, { header: 'Description' },
    ],
    rows,
  );
}

/**
 * `*>` best, `*=` also used for ECMP (multipath), `* ` valid but unused; a trailing `S` marks a
 * stale path kept by graceful restart. Extra paths of a prefix repeat no prefix, like gobgp.
 */
export function pathMark(p: PathStatus): string {
  return `${p.best ? '*>' : p.multipath ? '*=' : '* '}${p.stale ? 'S' : ''}`;
}

export function formatRoutes(routes: RouteStatus[], page?: { total: number; next?: string }): string {
  if (routes.length === 0) return 'no routes\n';
  const rows: string[][] = [];
  for (const r of routes) {
    r.paths.forEach((p, i) => {
      rows.push([
        pathMark(p),
        i === 0 ? r.prefix : '',
        p.nextHop,
        p.peer,
        p.asPath === '' ? '-' : p.asPath,
        ORIGIN_CODE[p.origin] ?? '?',
        p.localPref === undefined ? '' : String(p.localPref),
        p.med === undefined ? '' : String(p.med),
        [...p.communities, ...p.largeCommunities].join(' '),
      ]);
    });
    if (r.paths.length === 0) rows.push(['', r.prefix, '(no paths)']);
  }
  let out = renderTable(
    [
      { header: '' }, { header: 'Network' }, { header: 'Next Hop' }, { header: 'Peer' }, { header: 'AS Path' },
      { header: 'Origin' }, { header: 'LocPrf', align: 'right' }, { header: 'MED', align: 'right' }, { header: 'Communities' },
    ],
    rows,
  );
  if (page) out += `${routes.length} of ${page.total} routes${page.next ? ` (more: --after ${page.next})` : ''}\n`;
  return out;
}

function formatSyncs(syncs: SyncSummary[]): string {
  const seen = syncs.filter((s) => s.count > 0);
  if (seen.length === 0) return 'none yet';
  return seen.map((s) => `${s.controller} ${((s.lastSeconds ?? 0) * 1000).toFixed(1)}ms (${s.count})`).join(', ');
}

export function formatStatus(s: StatusSummary): string {
  const kv: [string, string][] = [
    ['Node', `${s.node.name}  AS${s.node.asn}  router-id ${s.node.routerId}  version ${s.node.version}`],
    ['Uptime', formatDuration(s.node.uptimeSeconds)],
    ['Health', `${s.health.alive ? 'alive' : 'NOT ALIVE'}, ${s.health.ready ? 'ready' : 'NOT READY'}${s.health.reason ? ` (${s.health.reason})` : ''}`],
    ['Controllers', s.health.controllers.map((c) => `${c.name}${c.ready ? '' : ' (syncing)'}${c.lastError ? ` [${c.lastError}]` : ''}`).join(', ') || '-'],
    ['BGP peers', `${s.bgp.established}/${s.bgp.peers} established${Object.entries(s.bgp.byState).filter(([k]) => k !== 'Established').map(([k, v]) => `, ${v} ${k}`).join('')}`],
    ['RIB', s.bgp.rib.map((f) => `${f.family} ${f.routes} routes/${f.paths} paths`).join(', ') || 'empty'],
    ['FIB', s.fib ? `${s.fib.installed} installed, ${s.fib.pending} pending, ${s.fib.errors} errors, ${s.fib.skipped} skipped${s.fib.lastSyncMs !== undefined ? `, last sync ${s.fib.lastSyncMs}ms` : ''}` : 'not running'],
    ['Services', s.services === null ? 'not running' : String(s.services)],
    ['Policies', s.policies === null ? 'not running' : String(s.policies)],
    ['Last syncs', formatSyncs(s.syncs)],
    ['Events', `${s.events.total} (${s.events.warnings} warnings, ${s.events.errors} errors)${s.events.last ? `, last: ${s.events.last.message}` : ''}`],
  ];
  const w = Math.max(...kv.map(([k]) => k.length));
  return kv.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n') + '\n';
}

export function formatFib(f: FibStatus): string {
  let out = `installed ${f.installed}, pending ${f.pending}, errors ${f.errors}, skipped ${f.skipped.length}`;
  if (f.lastSyncAt) out += `; last sync ${f.lastSyncAt}${f.lastSyncMs !== undefined ? ` took ${f.lastSyncMs}ms` : ''}`;
  out += '\n';
  if (f.skipped.length > 0) out += renderTable([{ header: 'Skipped' }, { header: 'Reason' }], f.skipped.map((s) => [s.prefix, s.reason]));
  return out;
}

export function formatServices(services: unknown[]): string {
  if (services.length === 0) return 'no services\n';
  const rows = services.map(toServiceView).map((s) => {
    const ready = s.endpoints.filter((e) => e.ready);
    return [
      `${s.namespace}/${s.name}`,
      s.type,
      [s.clusterIP, ...s.externalIPs].filter(Boolean).join(',') || '-',
      s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',') || '-',
      `${ready.length}/${s.endpoints.length}`,
      s.endpoints.map((e) => `${e.address}${e.port ? `:${e.port}` : ''}${e.ready ? '' : '(not ready)'}`).join(' ') || '-',
    ];
  });
  return renderTable(
    [{ header: 'Service' }, { header: 'Type' }, { header: 'Addresses' }, { header: 'Ports' }, { header: 'Ready', align: 'right' }, { header: 'Endpoints' }],
    rows,
  );
}

export function formatPolicies(policies: unknown[]): string {
  if (policies.length === 0) return 'no network policies\n';
  const rows = policies.map(toPolicyView).map((p) => [
    `${p.namespace}/${p.name}`,
    p.podSelector === '' ? '(all pods)' : p.podSelector,
    p.policyTypes.join(',') || '-',
    String(p.ingressRules),
    String(p.egressRules),
    p.pods === undefined ? '' : String(p.pods),
  ]);
  return renderTable(
    [{ header: 'Policy' }, { header: 'Pod Selector' }, { header: 'Types' }, { header: 'Ingress', align: 'right' }, { header: 'Egress', align: 'right' }, { header: 'Pods', align: 'right' }],
    rows,
  );
}

export function formatEvents(events: EventRecord[]): string {
  if (events.length === 0) return 'no events\n';
  return renderTable(
    [{ header: 'Time' }, { header: 'Level' }, { header: 'Subsystem' }, { header: 'Message' }],
    events.map((e) => [e.time, e.level.toUpperCase(), e.subsystem, e.message]),
  );
}
