// Connection collision resolution (RFC 4271 §6.8, RFC 6286 §2.3). Both speakers run the same
// comparison, so both keep the same TCP connection and close the other with Cease/7.
import { ipv4ToUint32 } from './router-id.js';

/** Which side's outbound connection survives: 'local' keeps ours, 'remote' keeps the peer's. */
export function collisionWinner(localId: string, localAsn: number, remoteId: string, remoteAsn: number): 'local' | 'remote' {
  const l = ipv4ToUint32(localId);
  const r = ipv4ToUint32(remoteId);
  if (l !== r) return l > r ? 'local' : 'remote';
  // RFC 6286: equal identifiers (possible only on eBGP) fall back to the larger AS number.
  return localAsn > remoteAsn ? 'local' : 'remote';
}
