// `podroute status …`: asks a running agent's JSON API and prints the tables from format.ts.
// Kept here, next to the API it reads, so cli/main.ts only dispatches to it.
import { fetchJson } from './client.js';
import { formatEvents, formatFib, formatPeers, formatPolicies, formatRoutes, formatServices, formatStatus } from './format.js';
import { DEFAULT_OBSERVE_PORT } from './server.js';
import type { EventRecord, FibStatus, PeerStatus, RoutePage } from './status.js';
import type { StatusSummary } from './summary.js';

export const STATUS_USAGE = `usage: podroute status [what] [options]

what:
  summary (default)    node, health, peers, RIB/FIB sizes, last syncs
  peers                BGP sessions
  routes               Loc-RIB; --search TEXT, --prefix ADDR|PREFIX, --limit N, --after CURSOR
  fib                  kernel route sync state and skipped prefixes
  services             IPVS services and endpoints
  policies             enforced NetworkPolicies
  events               recent agent events

options:
  --api URL            agent API: http://HOST:PORT or unix:/path/to.sock
                       (default http://127.0.0.1:${DEFAULT_OBSERVE_PORT}, or $PODROUTE_API)
  --json, -o json      print the API's JSON instead of a table
`;

export interface StatusIo {
  out(s: string): void;
  err(s: string): void;
  env?: Record<string, string | undefined>;
}

interface Parsed { what: string; api: string; json: boolean; query: URLSearchParams }

export function parseStatusArgs(argv: string[], env: Record<string, string | undefined> = {}): Parsed | { error: string } {
  const p: Parsed = { what: 'summary', api: env.PODROUTE_API ?? `http://127.0.0.1:${DEFAULT_OBSERVE_PORT}`, json: false, query: new URLSearchParams() };
  let whatSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    if (a === '--json') p.json = true;
    else if (a === '-o' || a === '--output') {
      // kubectl's spelling: -o json | -o table
      const v = value();
      if (v !== 'json' && v !== 'table') return { error: `${a} takes json or table` };
      p.json = v === 'json';
    } else if (a === '-ojson' || a === '-o=json') p.json = true;
    else if (a === '--api') { const v = value(); if (!v) return { error: '--api needs a URL' }; p.api = v; }
    else if (a === '--search' || a === '--prefix' || a === '--limit' || a === '--after') {
      const v = value();
      if (v === undefined) return { error: `${a} needs a value` };
      p.query.set(a.slice(2), v);
    } else if (!a.startsWith('-') && !whatSet) { p.what = a; whatSet = true; }
    else return { error: `unknown argument "${a}"` };
  }
  if (!['summary', 'peers', 'routes', 'fib', 'services', 'policies', 'events'].includes(p.what)) return { error: `unknown status view "${p.what}"` };
  if (p.what !== 'routes' && [...p.query.keys()].length > 0) return { error: '--search/--prefix/--limit/--after apply to "routes" only' };
  return p;
}

/** Exit codes: 0 ok, 1 the agent could not be asked, 2 usage. */
export async function runStatusCommand(argv: string[], io: StatusIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { io.out(STATUS_USAGE); return 0; }
  const p = parseStatusArgs(argv, io.env ?? process.env);
  if ('error' in p) { io.err(`podroute status: ${p.error}\n${STATUS_USAGE}`); return 2; }
  const path = {
    summary: '/api/v1/status', peers: '/api/v1/bgp/peers', fib: '/api/v1/fib', services: '/api/v1/services',
    policies: '/api/v1/policies', events: '/api/v1/events', routes: `/api/v1/bgp/routes${p.query.size ? `?${p.query}` : ''}`,
  }[p.what]!;
  let data: unknown;
  try {
    data = await fetchJson(p.api, path);
  } catch (err) {
    io.err(`podroute status: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (p.json) { io.out(`${JSON.stringify(data, null, 2)}\n`); return 0; }
  switch (p.what) {
    case 'summary': io.out(formatStatus(data as StatusSummary)); break;
    case 'peers': io.out(formatPeers(data as PeerStatus[])); break;
    case 'routes': { const page = data as RoutePage; io.out(formatRoutes(page.routes, page)); break; }
    case 'fib': io.out(formatFib(data as FibStatus)); break;
    case 'services': io.out(formatServices(data as unknown[])); break;
    case 'policies': io.out(formatPolicies(data as unknown[])); break;
    case 'events': io.out(formatEvents(data as EventRecord[])); break;
  }
  return 0;
}
