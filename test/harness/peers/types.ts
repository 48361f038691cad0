// One interface over the four real BGP daemons the tests peer with, so a test is written once and
// run against BIRD, FRR, GoBGP and ExaBGP alike.
import type { Netns } from '../netns.js';

export type Family = 'ipv4' | 'ipv6';

export interface NeighborConfig {
  address: string;
  asn: number;
  /** Remote TCP port (default 179). */
  port?: number;
  /** Only accept connections, never connect. */
  passive?: boolean;
  /** Hold time in seconds (default 9, so a dead peer is noticed within a test's patience). */
  holdTime?: number;
  /**
   * Address families exchanged with this neighbor. Default: the family of `address` — IPv6 routes
   * travel as MP-BGP (AFI 2) over an IPv6 session, which every daemon here handles without
   * next-hop tricks.
   */
  families?: Family[];
  /** Our address on the session (required by ExaBGP; optional elsewhere). */
  localAddress?: string;
  /** RFC 2385 TCP MD5 key (BIRD, FRR, GoBGP). */
  password?: string;
  /** GTSM, neighbor directly connected (BIRD `ttl security on`, FRR `ttl-security hops 1`, GoBGP ttl-min 255). */
  ttlSecurity?: boolean;
  /** Send with this TTL (eBGP multihop): BIRD `multihop N`, FRR `ebgp-multihop N`, GoBGP multihop-ttl. */
  multihop?: number;
  /** Graceful restart (RFC 4724) with this restart time in seconds (BIRD `graceful restart on`). */
  gracefulRestart?: number;
}

export interface RouteAttrs {
  /** "65000:1" */
  communities?: string[];
  /** "4200000001:2:3" */
  largeCommunities?: string[];
  med?: number;
  /** CLUSTER_LIST set on the route (BIRD only: `bgp_cluster_list.add(...)`), to test loop detection. */
  clusterList?: string[];
}

export interface Originate extends RouteAttrs { prefix: string }

export interface DaemonConfig {
  asn: number;
  routerId: string;
  /** Address(es) to listen on; default: all. */
  listenAddress?: string;
  /** BGP listen port (default 179). */
  listenPort?: number;
  neighbors: NeighborConfig[];
  originate?: Originate[];
  /** Advertise nothing to anyone (benchmark receivers): no originated or learned routes go out. */
  importOnly?: boolean;
}

export type Origin = 'igp' | 'egp' | 'incomplete';

/** A route as the daemon holds it after receiving it from a neighbor (locally originated routes are not listed). */
export interface Route {
  prefix: string;
  nextHop: string;
  asPath: number[];
  origin: Origin;
  med?: number;
  localPref?: number;
  communities: string[];
  largeCommunities: string[];
}

export type NeighborState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established' | 'unknown';

export type DaemonKind = 'bird' | 'frr' | 'gobgp' | 'exabgp';

export interface BgpDaemon {
  readonly kind: DaemonKind;
  readonly ns: Netns;
  /** PID of the BGP process itself (bird, bgpd, gobgpd, exabgp). */
  readonly pid: number;
  routes(family?: Family): Promise<Route[]>;
  neighborState(address: string): Promise<NeighborState>;
  announce(prefix: string, attrs?: RouteAttrs): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Stops and starts the daemon with the same config plus what was announced since. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Captured stdout+stderr (and log file), for failure messages. */
  logs(): string;
}

export function familyOf(prefixOrAddr: string): Family {
  return prefixOrAddr.includes(':') ? 'ipv6' : 'ipv4';
}

export function neighborFamilies(n: NeighborConfig): Family[] {
  return n.families ?? [familyOf(n.address)];
}

/** Maps the many spellings daemons use for FSM states onto one. */
export function normalizeState(s: string): NeighborState {
  const k = s.toLowerCase().replace(/^bgp_fsm_/, '').replace(/[^a-z]/g, '');
  const known: NeighborState[] = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];
  return (known as string[]).includes(k) ? (k as NeighborState) : k === 'up' ? 'established' : 'unknown';
}

export function parseOrigin(s: string): Origin {
  const k = s.toLowerCase();
  if (k === 'igp' || k === 'i' || k === '0') return 'igp';
  if (k === 'egp' || k === 'e' || k === '1') return 'egp';
  return 'incomplete';
}
