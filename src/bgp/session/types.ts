// The session engine's public types: configuration in, negotiated parameters and statistics out.
import type { CodecContext, Family, GracefulRestartCap } from '../wire/types.js';

export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface SessionConfig {
  localAsn: number;
  routerId: string;
  peerAddress: string;
  peerAsn: number;
  localAddress?: string;
  /** TCP port of the peer for outbound connections (default 179). */
  port?: number;
  /** Never connect out; wait for the peer (ManualStart_with_PassiveTcpEstablishment). */
  passive?: boolean;
  /** Seconds; 0 or 3..65535 (default 90). */
  holdTime?: number;
  /** Seconds (default holdTime / 3). */
  keepaliveTime?: number;
  /** Seconds (default 30). */
  connectRetryTime?: number;
  /**
   * DelayOpen (RFC 4271 §8.1.1), seconds: after TCP comes up, wait this long for the peer's OPEN
   * before sending ours. 0 or unset sends OPEN at once.
   */
  delayOpenTime?: number;
  /** Default: ipv4-unicast and ipv6-unicast. */
  families?: Family[];
  gracefulRestart?: { restartTime: number; restarting: boolean; forwarding: boolean };
  addPath?: Partial<Record<Family, { send: boolean; receive: boolean }>>;
  /** RFC 8654 (default true). */
  extendedMessage?: boolean;
  description?: string;
  /** RFC 2385 TCP MD5 key shared with the peer (UTF-8, at most 80 bytes). */
  password?: string;
  /** GTSM (RFC 5082): send with TTL 255 and drop the peer's packets below TTL 254. */
  ttlSecurity?: boolean;
  /** eBGP multihop: send with this TTL (1..255) instead of eBGP's default 1. */
  ebgpMultihop?: number;
}

export interface Negotiated {
  holdTime: number;
  keepaliveTime: number;
  asn4: boolean;
  peerAsn: number;
  peerRouterId: string;
  /** Families both sides advertised (ipv4-unicast if the peer sent no MP capability). */
  families: Family[];
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  peerGracefulRestart?: GracefulRestartCap;
  codec: CodecContext;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

export interface DownReason {
  text: string;
  code?: number;
  subcode?: number;
  sentByUs: boolean;
  /**
   * Set when the peer negotiated graceful restart (listing families) and the session ended
   * without a NOTIFICATION (TCP loss, or the peer reconnected): RFC 4724 says keep its routes,
   * marked stale, for its restart time instead of withdrawing them at once.
   */
  gracefulRestart?: boolean;
  /** With gracefulRestart: the peer's capability from the session that just ended (restart time, families). */
  peerGracefulRestart?: GracefulRestartCap;
}

export interface SessionStats {
  messagesIn: number;
  messagesOut: number;
  updatesIn: number;
  updatesOut: number;
  /** Times the session left Established. */
  flaps: number;
  establishedAt?: number;
  lastDown?: DownReason;
  lastStateChangeAt: number;
}

/** What the default transport passes to net.connect; tests substitute their own connector. */
export interface ConnectParams {
  host: string;
  port: number;
  localAddress?: string;
  /** RFC 2385 key to install before the SYN (transport.ts). */
  password?: string;
  /** IP TTL to send with. */
  ttl?: number;
  /** Minimum TTL accepted from the peer (GTSM). */
  minTtl?: number;
}

export const DEFAULT_PORT = 179;
export const DEFAULT_HOLD_TIME = 90;
export const DEFAULT_CONNECT_RETRY_TIME = 30;
/** RFC 4271 §8: the hold timer in OpenSent is "a large value"; 4 minutes is suggested. */
export const OPEN_SENT_HOLD_TIME = 240;
export const DEFAULT_FAMILIES: readonly Family[] = ['ipv4-unicast', 'ipv6-unicast'];
