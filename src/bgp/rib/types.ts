// The RIB's public shapes: what the speaker hands in (peers, UPDATEs) and what it reads back
// (entries, best-path changes). Kept apart from the logic so callers can import types only.

import type { CodecContext, Family, PathAttributes } from '../wire/index.js';

/** A configured neighbour, as the speaker knows it before and after the session comes up. */
export interface PeerInfo {
  id: string;
  address: string;
  asn: number;
  localAsn: number;
  routerId?: string;
  ebgp: boolean;
  /** Our IPv4 address toward the peer: NEXT_HOP for eBGP / next-hop-self / originated routes. */
  localAddress?: string;
  /** Our IPv6 address toward the peer, for ipv6-unicast next hops. */
  localAddress6?: string;
  /** The peer is a route-reflector client of ours (RFC 4456). */
  rrClient?: boolean;
  nextHopSelf?: boolean;
  /**
   * ADD-PATH send (RFC 7911), for the families where it was negotiated: which paths go out.
   * 'all' (default): every eligible path; 'ecmp': the multipath set only.
   */
  addPathSendMode?: 'all' | 'ecmp';
  /** ADD-PATH send: at most this many paths per prefix, best first (default: no limit). */
  addPathSendMax?: number;
}

/** Why a received path is kept in Adj-RIB-In but not eligible for the decision process. */
export type RejectReason = 'as-loop' | 'originator-id' | 'cluster-loop' | 'import-filter';

/**
 * One path to a prefix. Paths are shared: every prefix of one UPDATE (per ADD-PATH id) points at
 * the same RibPath object, so a full table from one peer costs a handful of these, not a million.
 * Treat them as immutable (only `stale` flips, for a whole peer at once).
 */
export interface RibPath {
  /** null = originated locally. */
  peerId: string | null;
  /** Interned: nextHop set to the effective next hop, mpReach/mpUnreach stripped. */
  attrs: PathAttributes;
  nextHop: string;
  pathId?: number;
  ebgp: boolean;
  peerAsn: number;
  peerRouterId: string;
  peerAddress: string;
  /** Kept from a session that went down (graceful restart helper) until refreshed or swept. */
  stale?: boolean;
  receivedAt: number;
  /** Set on Adj-RIB-In paths that are not eligible (loop or import filter). Never in Loc-RIB. */
  rejected?: RejectReason;
}

export interface RibEntry {
  prefix: string;
  family: Family;
  /** Eligible paths, best first. */
  paths: RibPath[];
  best: RibPath;
  /** The ECMP set, best included. */
  multipath: RibPath[];
}

export interface BestChange {
  prefix: string;
  family: Family;
  /** null: the prefix left the Loc-RIB. */
  best: RibPath | null;
  multipath: RibPath[];
}

/** Return the attributes to store (possibly modified), or null to reject the path. */
export type ImportFilter = (peer: PeerInfo, prefix: string, attrs: PathAttributes) => PathAttributes | null;
/** Return the attributes to send (possibly modified), or null to not advertise to this peer. */
export type ExportFilter = (peer: PeerInfo, prefix: string, path: RibPath, attrs: PathAttributes) => PathAttributes | null;

export interface RibOptions {
  localAsn: number;
  routerId: string;
  /** Route-reflector cluster id; defaults to our router id (RFC 4456 §7). */
  clusterId?: string;
  /** ECMP width; default 8. 1 disables multipath. */
  maxPaths?: number;
  now?: () => number;
  importFilter?: ImportFilter;
  exportFilter?: ExportFilter;
}

/** What peerUp learns from the established session. */
export interface PeerSession {
  families: Family[];
  codec: CodecContext;
  routerId: string;
}

export interface PeerCounters {
  /** Prefixes (per path id) held in Adj-RIB-In, rejected included. */
  received: number;
  /** Of those, eligible for the decision process. */
  accepted: number;
  /** Prefixes currently advertised to the peer (Adj-RIB-Out). */
  advertised: number;
}
