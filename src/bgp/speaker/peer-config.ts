// What the speaker needs to know about one neighbour. Kept apart from SessionConfig because the
// speaker also owns RIB-side settings (route reflection, next-hop-self) the FSM never sees.
import type { Family } from '../wire/types.js';
import type { MaxPrefixAction, MaxPrefixes } from '../security/max-prefix.js';
import type { BfdPeerConfig } from '../bfd/config.js';

export interface PeerConfig {
  address: string;
  asn: number;
  port?: number;
  passive?: boolean;
  holdTime?: number;
  keepaliveTime?: number;
  connectRetryTime?: number;
  localAddress?: string;
  /** Our IPv6 next hop toward this peer when IPv6 routes travel over an IPv4 session. */
  nextHop6?: string;
  /** Our IPv4 next hop toward this peer when IPv4 routes travel over an IPv6 session. */
  nextHop4?: string;
  families?: Family[];
  description?: string;
  nextHopSelf?: boolean;
  rrClient?: boolean;
  /** Override the local ASN for this session (local-as). */
  localAsn?: number;
  /** RFC 2385 TCP MD5 key, on our connections and on the listener for this address. */
  password?: string;
  /** GTSM (RFC 5082): TTL 255 out, TTL ≥ 254 required in. */
  ttlSecurity?: boolean;
  /** eBGP multihop TTL (default for eBGP: 1). */
  ebgpMultihop?: number;
  /** Accepted-prefix limits per family. */
  maxPrefixes?: MaxPrefixes;
  /** 'cease' (default): Cease/1 and the session goes down; 'warn': log only. */
  maxPrefixAction?: MaxPrefixAction;
  /** After a max-prefix Cease, start the session again after this many seconds (unset: stay down). */
  maxPrefixRestartSeconds?: number;
  /**
   * ADD-PATH (RFC 7911) per family: offer to send several paths per prefix and/or to receive
   * them. We send several only where the peer said it can receive (negotiated per session).
   */
  addPath?: Partial<Record<Family, { send: boolean; receive: boolean }>>;
  /** ADD-PATH send: 'all' (default) every eligible path, 'ecmp' the multipath set only. */
  addPathSendMode?: 'all' | 'ecmp';
  /** ADD-PATH send: at most this many paths per prefix, best first (default: no limit). */
  addPathSendMax?: number;
  /** BFD (RFC 5880/5881 single hop) toward this peer; its Down after Up closes the BGP session at once. */
  bfd?: BfdPeerConfig;
}

/** Key for a peer everywhere (maps, status, metrics): its address in canonical text. */
export function peerKey(address: string): string {
  return canonicalAddress(address);
}

/** Strips the IPv4-mapped IPv6 form Node reports for dual-stack sockets, lowercases IPv6. */
export function canonicalAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (m) return m[1];
  return a.includes(':') ? expandCompress(a) : a;
}

function expandCompress(a: string): string {
  // Normalize through URL parsing, which yields RFC 5952 compressed lowercase text.
  try {
    return new URL(`http://[${a}]/`).hostname.slice(1, -1);
  } catch {
    return a.toLowerCase();
  }
}
