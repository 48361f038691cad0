// The node's BGP state as the `podroute.io/bgp-status` annotation: compact JSON anyone can read
// with `kubectl get node -o jsonpath='{.metadata.annotations.podroute\.io/bgp-status}'`.
// Pure shaping; only stable facts go in (state, since, counts), never an uptime that changes every
// second, so an unchanged node produces the same text and the publisher writes nothing.
import type { FibStatus, PeerStatus } from '../observe/status.js';

export const BGP_STATUS_ANNOTATION = 'podroute.io/bgp-status';

export interface PeerSummary {
  address: string;
  asn: number;
  /** Node name for iBGP mesh peers (the speaker's description). */
  name?: string;
  state: string;
  /** When the session came up (ISO 8601); absent while it is down. */
  since?: string;
  /** Prefixes accepted from the peer / advertised to it. */
  in: number;
  out: number;
  lastError?: string;
}

export interface BgpStatusSummary {
  asn: number;
  routerId: string;
  peers: PeerSummary[];
  /** Established sessions / configured sessions. */
  established: number;
  fib?: { installed: number; errors: number };
}

export function shapeBgpStatus(input: { asn: number; routerId: string; peers: PeerStatus[]; fib?: FibStatus }): BgpStatusSummary {
  const peers = [...input.peers]
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    .map((p): PeerSummary => ({
      address: p.address,
      asn: p.asn,
      ...(p.description ? { name: p.description } : {}),
      state: p.state,
      ...(p.state === 'Established' && p.establishedSince ? { since: p.establishedSince } : {}),
      in: p.prefixesAccepted,
      out: p.prefixesAdvertised,
      ...(p.state !== 'Established' && p.lastError ? { lastError: p.lastError } : {}),
    }));
  return {
    asn: input.asn,
    routerId: input.routerId,
    peers,
    established: peers.filter((p) => p.state === 'Established').length,
    ...(input.fib ? { fib: { installed: input.fib.installed, errors: input.fib.errors } } : {}),
  };
}
