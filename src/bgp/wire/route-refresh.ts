// ROUTE-REFRESH (RFC 2918) with the RFC 7313 subtypes (0 request, 1 BoRR, 2 EoRR).

import { MSG_ROUTE_REFRESH, type RouteRefreshMessage } from './types.js';
import { BgpError, ERR_ROUTE_REFRESH, RR_INVALID_LENGTH } from './errors.js';
import { writeHeader } from './header.js';

export function decodeRouteRefresh(b: Buffer): RouteRefreshMessage {
  const subtype = b[21];
  // RFC 7313 §5: BoRR/EoRR must be exactly 4 octets after the header; the data is the whole message.
  // Subtype 0 may carry ORF entries (RFC 5291), which we ignore.
  if ((subtype === 1 || subtype === 2) && b.length !== 23) {
    throw new BgpError(ERR_ROUTE_REFRESH, RR_INVALID_LENGTH, `ROUTE-REFRESH subtype ${subtype} has length ${b.length}, not 23`, new Uint8Array(b));
  }
  return { type: MSG_ROUTE_REFRESH, afi: (b[19] << 8) | b[20], safi: b[22], subtype };
}

export function encodeRouteRefresh(afi: number, safi: number, subtype = 0): Buffer {
  const buf = Buffer.alloc(23);
  writeHeader(buf, 0, 23, MSG_ROUTE_REFRESH);
  buf.writeUInt16BE(afi & 0xffff, 19);
  buf[21] = subtype;
  buf[22] = safi;
  return buf;
}
