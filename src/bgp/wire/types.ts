// Typed BGP messages: the contract between the wire codec, the session engine and the RIB.
//
// Representation choices (why):
// - Prefixes are canonical text ("10.0.0.0/24", "2001:db8::/32"): one string is the map key in every
//   table (Adj-RIB-In, Loc-RIB, FIB, status API) so no layer converts keys. Host bits are zero.
// - NLRI travel as parallel arrays (`NlriList`) rather than one object per prefix, so decoding an
//   UPDATE with ~900 NLRI allocates strings and nothing else per prefix.
// - Path attributes of one UPDATE are one `PathAttributes` object; the RIB interns it by its raw
//   bytes (`raw`), so identical attribute sets from thousands of UPDATEs share one object.

export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export type Afi = typeof AFI_IPV4 | typeof AFI_IPV6;
export const SAFI_UNICAST = 1;
export type Safi = number;

/** "ipv4-unicast" | "ipv6-unicast": the key for per-family state. */
export type Family = 'ipv4-unicast' | 'ipv6-unicast';

export const MSG_OPEN = 1;
export const MSG_UPDATE = 2;
export const MSG_NOTIFICATION = 3;
export const MSG_KEEPALIVE = 4;
export const MSG_ROUTE_REFRESH = 5;

export const HEADER_LEN = 19;
export const MAX_MESSAGE_LEN = 4096;
export const MAX_EXTENDED_MESSAGE_LEN = 65535;
export const AS_TRANS = 23456;

/** NLRI of one family, as parallel arrays. `pathIds` is present only when ADD-PATH applies. */
export interface NlriList {
  prefixes: string[];
  pathIds?: number[];
}

export type Origin = 0 | 1 | 2; // IGP, EGP, INCOMPLETE

export const AS_SET = 1;
export const AS_SEQUENCE = 2;
export const AS_CONFED_SEQUENCE = 3;
export const AS_CONFED_SET = 4;
export interface AsPathSegment {
  type: number; // AS_SET | AS_SEQUENCE | AS_CONFED_*
  asns: number[];
}

export interface Aggregator {
  asn: number;
  address: string;
}

export interface MpReach {
  afi: number;
  safi: number;
  /** Global next hop (IPv4 or IPv6 text). */
  nextHop: string;
  /** IPv6 link-local next hop when the next-hop field is 32 bytes. */
  linkLocalNextHop?: string;
  nlri: NlriList;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  withdrawn: NlriList;
}

export interface LargeCommunity {
  global: number;
  local1: number;
  local2: number;
}

/** An attribute we do not interpret, kept byte-exact to pass on (optional transitive gets Partial). */
export interface RawAttribute {
  flags: number;
  code: number;
  value: Uint8Array;
}

export interface PathAttributes {
  origin?: Origin;
  /** AS_PATH as the speaker sees it after RFC 6793 reconstruction: always 4-octet ASNs. */
  asPath?: AsPathSegment[];
  nextHop?: string;
  /**
   * IPv6 link-local next hop (RFC 2545), sent after `nextHop` in a 32-byte MP_REACH next-hop field
   * by packUpdates for ipv6-unicast. Decoding puts it in `mpReach.linkLocalNextHop` instead.
   */
  linkLocalNextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  /** RFC 1997 communities as uint32 (high 16 bits ASN, low 16 bits value). */
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** RFC 4360 extended communities, 8 bytes each as 16 lowercase hex digits. */
  extCommunities?: string[];
  largeCommunities?: LargeCommunity[];
  /** Unknown optional transitive (and non-transitive, which are dropped on re-advertisement). */
  unknown?: RawAttribute[];
}

// ---- Capabilities (RFC 5492) ----

export interface AfiSafi {
  afi: number;
  safi: number;
}
export interface GracefulRestartCap {
  restartState: boolean; // R bit
  notification: boolean; // N bit (RFC 8538)
  restartTime: number; // seconds, 12 bits
  families: { afi: number; safi: number; forwarding: boolean }[];
}
export interface AddPathCap {
  families: { afi: number; safi: number; send: boolean; receive: boolean }[];
}
export interface Capabilities {
  multiprotocol: AfiSafi[];
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** 4-octet AS number when the capability is present. */
  asn4?: number;
  gracefulRestart?: GracefulRestartCap;
  addPath?: AddPathCap;
  extendedMessage: boolean;
  /** Capabilities we do not interpret, kept for logs/status. */
  unknown: { code: number; value: Uint8Array }[];
}

// ---- Messages ----

export interface OpenMessage {
  type: typeof MSG_OPEN;
  version: number;
  /** The 2-octet "My AS" field as sent (AS_TRANS when the real ASN needs 4 octets). */
  myAsn: number;
  holdTime: number;
  routerId: string;
  capabilities: Capabilities;
}

export interface UpdateMessage {
  type: typeof MSG_UPDATE;
  /** IPv4 unicast withdrawals from the classic Withdrawn Routes field. */
  withdrawn: NlriList;
  /** null when the UPDATE carries no path attributes (pure withdrawal / End-of-RIB). */
  attributes: PathAttributes | null;
  /** IPv4 unicast NLRI from the classic NLRI field. */
  nlri: NlriList;
  /**
   * The raw bytes of the path attribute section minus MP_REACH/MP_UNREACH: the RIB interns
   * attribute sets by this key, so equal sets from different UPDATEs become one object.
   */
  attrKey?: string;
  /**
   * RFC 7606: set (to the reason) when the UPDATE is to be treated as a withdrawal of every NLRI it
   * carries (classic and MP_REACH); the session stays up.
   */
  treatAsWithdraw?: string;
  /** RFC 7606 attribute-discard: reasons for attributes dropped while decoding. */
  discarded?: string[];
}

export interface NotificationMessage {
  type: typeof MSG_NOTIFICATION;
  code: number;
  subcode: number;
  data: Uint8Array;
}

export interface KeepaliveMessage {
  type: typeof MSG_KEEPALIVE;
}

export interface RouteRefreshMessage {
  type: typeof MSG_ROUTE_REFRESH;
  afi: number;
  safi: number;
  /** RFC 7313: 0 normal request, 1 BoRR, 2 EoRR. */
  subtype: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/** What the codec needs to know about a session to decode or encode UPDATEs correctly. */
export interface CodecContext {
  /** Both sides advertised 4-octet AS (RFC 6793): AS_PATH carries 4-octet ASNs. */
  asn4: boolean;
  /** RFC 8654 negotiated: messages up to 65535 bytes. */
  extendedMessage: boolean;
  /** Families for which we receive (decode) path identifiers, as Family keys. */
  addPathReceive: ReadonlySet<Family>;
  /** Families for which we send (encode) path identifiers. */
  addPathSend: ReadonlySet<Family>;
  /** True for eBGP sessions (RFC 7606: LOCAL_PREF from an eBGP peer is discarded, etc.). */
  ebgp: boolean;
}

export const DEFAULT_CODEC_CONTEXT: CodecContext = {
  asn4: true,
  extendedMessage: false,
  addPathReceive: new Set(),
  addPathSend: new Set(),
  ebgp: true,
};
