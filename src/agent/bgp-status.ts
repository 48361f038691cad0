// Speaker state → the observe/ status shapes (PeerStatus, RouteStatus, pages of the Loc-RIB).
// Pure reads: nothing here changes the speaker. Route pages walk the RIB in its own order with an
// offset cursor, because sorting a million prefixes per request would stall the agent; a `prefix`
// query is answered with direct lookups of every covering length instead of a scan.
import { isIP } from 'node:net';
import type { Speaker, SpeakerPeerView } from '../bgp/speaker/speaker.js';
import type { RibEntry, RibPath } from '../bgp/rib/index.js';
import { AS_SEQUENCE, AS_SET, type AsPathSegment } from '../bgp/wire/types.js';
import { normalizePrefix } from '../bgp/wire/index.js';
import type { PathStatus, PeerStatus, RoutePage, RouteQuery, RouteStatus, RibFamilySummary } from '../observe/status.js';
import { routeMatches } from '../observe/routePage.js';

export function peerStatus(v: SpeakerPeerView, localAsn: number, now: number): PeerStatus {
  const up = v.state === 'Established' && v.stats.establishedAt !== undefined;
  const neg = v.negotiated;
  return {
    address: v.config.address,
    asn: v.config.asn,
    localAsn: v.config.localAsn ?? localAsn,
    ...(v.config.description ? { description: v.config.description } : {}),
    state: v.state,
    ...(up ? { establishedSince: new Date(v.stats.establishedAt!).toISOString() } : {}),
    uptimeSeconds: up ? Math.max(0, Math.floor((now - v.stats.establishedAt!) / 1000)) : 0,
    flaps: v.stats.flaps,
    prefixesReceived: v.counters.received,
    prefixesAccepted: v.counters.accepted,
    prefixesAdvertised: v.counters.advertised,
    messagesReceived: v.stats.messagesIn,
    messagesSent: v.stats.messagesOut,
    updatesReceived: v.stats.updatesIn,
    updatesSent: v.stats.updatesOut,
    families: neg?.families ?? v.config.families ?? [],
    ...(neg ? { holdTime: neg.holdTime, peerRouterId: neg.peerRouterId } : {}),
    ...(v.lastDown ? { lastError: v.lastDown.text } : {}),
    ...(v.bfd ? {
      bfd: {
        state: v.bfd.state, remoteState: v.bfd.remoteState, diag: v.bfd.diag,
        txIntervalMs: v.bfd.txIntervalMs, detectionTimeMs: v.bfd.detectionTimeMs, ...v.bfd.config,
      },
    } : {}),
  };
}

export function peersStatus(speaker: Speaker | undefined, now = Date.now()): PeerStatus[] {
  if (!speaker) return [];
  return speaker.peerViews().map((v) => peerStatus(v, speaker.config.asn, now));
}

export function formatAsPath(segs: AsPathSegment[] | undefined): string {
  if (!segs) return '';
  return segs
    .map((s) => (s.type === AS_SEQUENCE ? s.asns.join(' ') : s.type === AS_SET ? `{${s.asns.join(' ')}}` : `(${s.asns.join(' ')})`))
    .filter((s) => s !== '')
    .join(' ');
}

const WELL_KNOWN: Record<number, string> = { 0xffffff01: 'no-export', 0xffffff02: 'no-advertise', 0xffffff03: 'no-export-subconfed', 0xffffff04: 'no-peer' };

export function formatCommunity(c: number): string {
  return WELL_KNOWN[c] ?? `${c >>> 16}:${c & 0xffff}`;
}

function pathStatus(p: RibPath, best: boolean, multipath: boolean): PathStatus {
  const a = p.attrs;
  return {
    peer: p.peerId === null ? 'local' : p.peerAddress,
    nextHop: p.nextHop,
    asPath: formatAsPath(a.asPath),
    origin: a.origin === 1 ? 'egp' : a.origin === 2 ? 'incomplete' : 'igp',
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    communities: (a.communities ?? []).map(formatCommunity),
    largeCommunities: (a.largeCommunities ?? []).map((l) => `${l.global}:${l.local1}:${l.local2}`),
    best,
    multipath,
    ...(p.stale ? { stale: true } : {}),
  };
}

export function routeStatus(e: RibEntry): RouteStatus {
  // A one-path "ECMP set" is just the best path: mark multipath only when traffic is really split.
  const mp = new Set(e.multipath.length > 1 ? e.multipath : []);
  return { prefix: e.prefix, family: e.family, paths: e.paths.map((p) => pathStatus(p, p === e.best, mp.has(p))) };
}

/** Every prefix that covers `q` (an address or a prefix), longest first, by direct lookup. */
function covering(speaker: Speaker, q: string): RibEntry[] {
  const [addr, lenText] = q.split('/');
  const fam = isIP(addr);
  if (!fam) return [];
  const max = lenText === undefined ? (fam === 4 ? 32 : 128) : Number(lenText);
  const out: RibEntry[] = [];
  for (let len = max; len >= 0; len--) {
    let key: string;
    try {
      key = normalizePrefix(`${addr}/${len}`);
    } catch {
      continue;
    }
    const e = speaker.rib.lookup(key);
    if (e) out.push(e);
  }
  return out;
}

export function routesPage(speaker: Speaker | undefined, q: RouteQuery): RoutePage {
  if (!speaker) return { routes: [], total: 0 };
  if (q.prefix !== undefined) {
    let found = covering(speaker, q.prefix).map(routeStatus);
    if (q.search !== undefined) found = found.filter((r) => routeMatches(r, q.search!));
    return { routes: found.slice(0, q.limit), total: found.length };
  }
  const offset = q.after !== undefined && /^\d+$/.test(q.after) ? Number(q.after) : 0;
  const routes: RouteStatus[] = [];
  let index = 0;
  let total = 0;
  if (q.search === undefined) {
    total = speaker.rib.size();
    for (const e of speaker.rib.entries()) {
      if (index++ < offset) continue;
      routes.push(routeStatus(e));
      if (routes.length >= q.limit) break;
    }
  } else {
    for (const e of speaker.rib.entries()) {
      const r = routeStatus(e);
      if (!routeMatches(r, q.search)) continue;
      if (total++ >= offset && routes.length < q.limit) routes.push(r);
    }
  }
  const end = offset + routes.length;
  return { routes, total, ...(end < total ? { next: String(end) } : {}) };
}

export function ribSummary(speaker: Speaker | undefined): RibFamilySummary[] {
  if (!speaker) return [];
  return (['ipv4-unicast', 'ipv6-unicast'] as const).map((family) => {
    let paths = 0;
    const routes = speaker.rib.size(family);
    // Path counts need a walk; only do it for tables small enough that a scrape stays cheap.
    if (routes <= 100_000) for (const e of speaker.rib.entries(family)) paths += e.paths.length;
    else paths = routes;
    return { family, routes, paths };
  });
}
