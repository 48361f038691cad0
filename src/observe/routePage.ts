// Route query parsing (HTTP query string → RouteQuery) and a reference implementation of
// search + pagination over an in-memory route list. The agent may page its own RIB faster; the
// semantics documented in docs/status-api.md are these.
import { comparePrefixes, covers, parsePrefix, type ParsedPrefix } from './prefix.js';
import type { RoutePage, RouteQuery, RouteStatus } from './status.js';

export const DEFAULT_ROUTE_LIMIT = 100;
export const MAX_ROUTE_LIMIT = 1000;

export type ParsedQuery = { ok: true; query: RouteQuery } | { ok: false; error: string };

export function parseRouteQuery(params: URLSearchParams): ParsedQuery {
  const query: RouteQuery = { limit: DEFAULT_ROUTE_LIMIT };
  const limit = params.get('limit');
  if (limit !== null && limit !== '') {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_ROUTE_LIMIT) {
      return { ok: false, error: `limit must be an integer from 1 to ${MAX_ROUTE_LIMIT}` };
    }
    query.limit = Number(limit);
  }
  const prefix = params.get('prefix');
  if (prefix !== null && prefix !== '') {
    if (!parsePrefix(prefix)) return { ok: false, error: `prefix "${prefix}" is not an IP address or prefix` };
    query.prefix = prefix;
  }
  const search = params.get('search');
  if (search !== null && search.trim() !== '') {
    if (search.length > 200) return { ok: false, error: 'search is longer than 200 characters' };
    query.search = search.trim();
  }
  const after = params.get('after');
  if (after !== null && after !== '') query.after = after;
  return { ok: true, query };
}

/** Case-insensitive substring match on everything an operator might type: prefix, peer, next hop, AS path, communities. */
export function routeMatches(r: RouteStatus, needle: string): boolean {
  const n = needle.toLowerCase();
  if (r.prefix.toLowerCase().includes(n) || r.family.toLowerCase() === n) return true;
  return r.paths.some((p) =>
    [p.peer, p.nextHop, p.asPath, ...p.communities, ...p.largeCommunities].some((f) => f.toLowerCase().includes(n)));
}

/**
 * `prefix` selects the route equal to it, or, for a bare address or a longer prefix, every route
 * that covers it (what `ip route get` would consider). The cursor is the last prefix of the page.
 */
export function pageRoutes(all: readonly RouteStatus[], q: RouteQuery): RoutePage {
  const keyed = all
    .map((r) => ({ r, k: parsePrefix(r.prefix) }))
    .filter((x): x is { r: RouteStatus; k: ParsedPrefix } => x.k !== undefined);
  keyed.sort((a, b) => comparePrefixes(a.k, b.k));
  let matching = keyed;
  if (q.prefix !== undefined) {
    const want = parsePrefix(q.prefix);
    matching = want ? matching.filter((x) => covers(x.k, want)) : [];
  }
  if (q.search !== undefined) matching = matching.filter((x) => routeMatches(x.r, q.search!));
  let start = 0;
  if (q.after !== undefined) {
    const cursor = parsePrefix(q.after);
    // Resume strictly after the cursor's position, so a route added or removed meanwhile neither repeats nor shifts the page.
    start = cursor ? matching.findIndex((x) => comparePrefixes(x.k, cursor) > 0) : matching.length;
    if (start < 0) start = matching.length;
  }
  const slice = matching.slice(start, start + Math.max(0, q.limit));
  const page: RoutePage = { routes: slice.map((x) => x.r), total: matching.length };
  if (start + slice.length < matching.length && slice.length > 0) page.next = slice[slice.length - 1].r.prefix;
  return page;
}
