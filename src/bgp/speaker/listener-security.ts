// What one listening socket needs so that protected peers can reach it: the MD5 key of every peer
// with a password, and the TTL pair when GTSM peers use it. Pure: the listener applies the result.
//
// The kernel checks IP_MINTTL on the listening socket before it answers a SYN, so a GTSM peer's
// connection from too far away never completes — but the listener's minimum applies to everyone.
// It is therefore set only when every peer this listener serves uses GTSM; otherwise the accepted
// socket gets it (later segments from a far peer are dropped, so its OPEN never arrives).
// The SYN-ACK leaves with the listener's own TTL: with any GTSM peer it must be 255, or the peer's
// IP_MINTTL drops our answer.
import { isIP } from 'node:net';
import { GTSM_MIN_TTL, GTSM_TTL } from '../security/ttl-policy.js';

export interface ListenerPeer {
  address: string;
  password?: string;
  ttlSecurity?: boolean;
}

export interface ListenerSecurity {
  /** Peer address → key; only peers that can reach a socket of this family. */
  keys: Map<string, string>;
  /** IP_TTL for the listening socket; -1 is the system default. */
  ttl: number;
  /** IP_MINTTL for the listening socket; 0 is off. */
  minTtl: number;
}

/** Peers an IPv4 socket can never see (IPv6 addresses) are left out. */
export function listenerSecurity(socketFamily: 4 | 6, peers: readonly ListenerPeer[]): ListenerSecurity {
  const reachable = peers.filter((p) => socketFamily === 6 || isIP(p.address) === 4);
  const keys = new Map<string, string>();
  for (const p of reachable) if (p.password !== undefined) keys.set(p.address, p.password);
  const anyGtsm = reachable.some((p) => p.ttlSecurity);
  const allGtsm = reachable.length > 0 && reachable.every((p) => p.ttlSecurity);
  return { keys, ttl: anyGtsm ? GTSM_TTL : -1, minTtl: allGtsm ? GTSM_MIN_TTL : 0 };
}
