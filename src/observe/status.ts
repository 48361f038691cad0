// The contract between the agent (which owns the state) and observe/ (which only reads it).
// The agent implements StatusProvider; the HTTP API, the metrics and the dashboard are all views
// of what it returns. Fields may be added here; existing ones are never renamed, because the
// JSON API (docs/status-api.md) exposes these shapes verbatim to scripts and the dashboard.

export type PeerState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** Every FSM state in RFC 4271 order; the index + 1 is the numeric value of podroute_bgp_peer_state. */
export const PEER_STATES: readonly PeerState[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

export interface PeerStatus {
  address: string;
  asn: number;
  localAsn: number;
  description?: string;
  state: PeerState;
  establishedSince?: string; // ISO 8601
  uptimeSeconds: number;
  flaps: number;
  prefixesReceived: number;
  prefixesAccepted: number;
  prefixesAdvertised: number;
  messagesReceived: number;
  messagesSent: number;
  updatesReceived: number;
  updatesSent: number;
  families: string[];
  holdTime?: number;
  peerRouterId?: string;
  lastError?: string;
  /** Present when BFD is configured for the peer. */
  bfd?: BfdStatus;
}

export interface BfdStatus {
  state: 'AdminDown' | 'Down' | 'Init' | 'Up';
  remoteState: 'AdminDown' | 'Down' | 'Init' | 'Up';
  /** Our last diagnostic code (RFC 5880 §4.1: 1 detection time expired, 3 neighbor signalled down, …). */
  diag: number;
  /** Negotiated transmit interval and detection time, ms. */
  txIntervalMs?: number;
  detectionTimeMs?: number;
  minTx: number;
  minRx: number;
  multiplier: number;
}

export interface PathStatus {
  peer: string; // address or 'local'
  nextHop: string;
  asPath: string; // "65001 65002 {65003}"
  origin: 'igp' | 'egp' | 'incomplete';
  localPref?: number;
  med?: number;
  communities: string[]; // "65000:100" or well-known names
  largeCommunities: string[];
  best: boolean;
  multipath: boolean;
  stale?: boolean;
}

export interface RouteStatus {
  prefix: string;
  family: string;
  paths: PathStatus[]; // best first
}

export interface RouteQuery {
  prefix?: string;
  search?: string;
  limit: number;
  after?: string; // opaque cursor: the `next` of the previous page
}

export interface RoutePage {
  routes: RouteStatus[];
  total: number; // matching routes, all pages
  next?: string;
}

export interface FibStatus {
  installed: number;
  pending: number;
  errors: number;
  skipped: { prefix: string; reason: string }[];
  lastSyncAt?: string;
  lastSyncMs?: number;
}

export interface EventRecord {
  time: string;
  level: 'info' | 'warn' | 'error';
  subsystem: string;
  message: string;
}

export interface NodeInfo {
  name: string;
  asn: number;
  routerId: string;
  version: string;
  startedAt: string;
}

export interface ControllerHealth {
  name: string;
  ready: boolean;
  lastSyncAt?: string;
  lastError?: string;
}

export interface HealthStatus {
  /** false only when the agent cannot recover by itself (a restart would help). */
  alive: boolean;
  /** true once every controller finished its initial sync; a slow later sync keeps it true. */
  ready: boolean;
  reason?: string;
  controllers: ControllerHealth[];
}

/** Per-family RIB size. Optional so a provider can answer cheaply instead of observe/ paging routes(). */
export interface RibFamilySummary {
  family: string;
  routes: number;
  paths: number;
}

export interface StatusProvider {
  node(): NodeInfo;
  peers(): PeerStatus[];
  routes(q: RouteQuery): RoutePage;
  fib?(): FibStatus;
  /** Loosely typed on purpose: see ServiceView in views.ts for the fields the views understand. */
  services?(): unknown[];
  /** Loosely typed on purpose: see PolicyView in views.ts for the fields the views understand. */
  policies?(): unknown[];
  events(): EventRecord[];
  health(): HealthStatus;
  /** Added by observe/: O(families) RIB sizes. Without it, metrics page through routes() per scrape. */
  ribSummary?(): RibFamilySummary[];
}
