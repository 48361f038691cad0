// Capabilities (RFC 5492) carried in OPEN: each one a <code, length, value> triple. Known ones are
// decoded into `Capabilities`; others are kept in `unknown`. A known capability with a malformed
// value is an OPEN Message Error with subcode 0 (RFC 4271 §6.2: recognized but malformed).

import type { Capabilities } from './types.js';
import { BgpError, ERR_OPEN, OPEN_BAD_PEER_AS } from './errors.js';
import type { ByteWriter } from './writer.js';
import * as C from './codes.js';

export function emptyCapabilities(): Capabilities {
  return { multiprotocol: [], routeRefresh: false, enhancedRouteRefresh: false, extendedMessage: false, unknown: [] };
}

function malformed(name: string, len: number): never {
  throw new BgpError(ERR_OPEN, 0, `malformed ${name} capability (length ${len})`);
}

/** Decodes the capabilities in `b[start..end)` into `caps`. */
export function decodeCapabilities(b: Uint8Array, start: number, end: number, caps: Capabilities): void {
  let p = start;
  while (p < end) {
    if (end - p < 2) throw new BgpError(ERR_OPEN, 0, 'capability header overruns its optional parameter');
    const code = b[p];
    const len = b[p + 1];
    const v = p + 2;
    p = v + len;
    if (p > end) throw new BgpError(ERR_OPEN, 0, `capability ${code} length ${len} overruns its optional parameter`);
    const u16 = (o: number) => (b[v + o] << 8) | b[v + o + 1];
    switch (code) {
      case C.CAP_MULTIPROTOCOL:
        if (len !== 4) malformed('multiprotocol', len);
        caps.multiprotocol.push({ afi: u16(0), safi: b[v + 3] });
        break;
      case C.CAP_ROUTE_REFRESH:
        if (len !== 0) malformed('route refresh', len);
        caps.routeRefresh = true;
        break;
      case C.CAP_ENHANCED_ROUTE_REFRESH:
        if (len !== 0) malformed('enhanced route refresh', len);
        caps.enhancedRouteRefresh = true;
        break;
      case C.CAP_EXTENDED_MESSAGE:
        if (len !== 0) malformed('extended message', len);
        caps.extendedMessage = true;
        break;
      case C.CAP_ASN4: {
        if (len !== 4) malformed('4-octet AS', len);
        const asn = ((b[v] << 24) | (b[v + 1] << 16) | (b[v + 2] << 8) | b[v + 3]) >>> 0;
        // RFC 7607: AS 0 is never a valid peer AS.
        if (asn === 0) throw new BgpError(ERR_OPEN, OPEN_BAD_PEER_AS, '4-octet AS capability carries AS 0');
        caps.asn4 = asn;
        break;
      }
      case C.CAP_GRACEFUL_RESTART: {
        if (len < 2 || (len - 2) % 4 !== 0) malformed('graceful restart', len);
        const head = u16(0);
        const families = [];
        for (let o = 2; o < len; o += 4) families.push({ afi: u16(o), safi: b[v + o + 2], forwarding: (b[v + o + 3] & 0x80) !== 0 });
        caps.gracefulRestart = { restartState: (head & 0x8000) !== 0, notification: (head & 0x4000) !== 0, restartTime: head & 0x0fff, families };
        break;
      }
      case C.CAP_ADD_PATH: {
        if (len === 0 || len % 4 !== 0) malformed('ADD-PATH', len);
        const families = caps.addPath?.families ?? [];
        for (let o = 0; o < len; o += 4) {
          const sr = b[v + o + 3];
          if (sr > 3) malformed('ADD-PATH (send/receive value ' + sr + ')', len);
          // 0 (neither): FRR sends it for a family with `disable-addpath-rx` and no addpath-tx.
          if (sr === 0) continue;
          families.push({ afi: u16(o), safi: b[v + o + 2], receive: (sr & 1) !== 0, send: (sr & 2) !== 0 });
        }
        caps.addPath = { families };
        break;
      }
      default:
        caps.unknown.push({ code, value: new Uint8Array(b.subarray(v, p)) });
    }
  }
}

function cap(w: ByteWriter, code: number, value: Uint8Array = new Uint8Array(0)): void {
  if (value.length > 255) throw new Error(`capability ${code} value is ${value.length} bytes, more than 255`);
  w.u8(code).u8(value.length).bytes(value);
}

/** Writes capability triples in the order BIRD and FRR use for the common ones. */
export function writeCapabilities(w: ByteWriter, c: Capabilities): void {
  for (const m of c.multiprotocol) cap(w, C.CAP_MULTIPROTOCOL, Uint8Array.of(m.afi >> 8, m.afi & 0xff, 0, m.safi));
  if (c.routeRefresh) cap(w, C.CAP_ROUTE_REFRESH);
  if (c.extendedMessage) cap(w, C.CAP_EXTENDED_MESSAGE);
  if (c.gracefulRestart !== undefined) {
    const g = c.gracefulRestart;
    if (!Number.isInteger(g.restartTime) || g.restartTime < 0 || g.restartTime > 0xfff) throw new Error(`restart time ${g.restartTime} is not 0..4095`);
    const head = (g.restartState ? 0x8000 : 0) | (g.notification ? 0x4000 : 0) | g.restartTime;
    const v = [head >> 8, head & 0xff];
    for (const f of g.families) v.push(f.afi >> 8, f.afi & 0xff, f.safi, f.forwarding ? 0x80 : 0);
    cap(w, C.CAP_GRACEFUL_RESTART, Uint8Array.from(v));
  }
  if (c.asn4 !== undefined) {
    const a = c.asn4 >>> 0;
    cap(w, C.CAP_ASN4, Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff));
  }
  if (c.addPath !== undefined && c.addPath.families.length > 0) {
    const v: number[] = [];
    for (const f of c.addPath.families) {
      const sr = (f.receive ? 1 : 0) | (f.send ? 2 : 0);
      if (sr === 0) throw new Error('ADD-PATH family must send, receive or both');
      v.push(f.afi >> 8, f.afi & 0xff, f.safi, sr);
    }
    cap(w, C.CAP_ADD_PATH, Uint8Array.from(v));
  }
  if (c.enhancedRouteRefresh) cap(w, C.CAP_ENHANCED_ROUTE_REFRESH);
  for (const u of c.unknown) cap(w, u.code, u.value);
}
