// The injector's own tiny BGP encoder: just the messages a minimal active speaker sends (OPEN,
// KEEPALIVE, one-attribute-set UPDATEs, End-of-RIB). Deliberately independent of src/bgp/wire so the
// benchmark measures receivers with an injector nobody is changing underneath it.
import type { Prefix } from './prefixes.js';

export const MAX_MESSAGE = 4096;
const HEADER = 19;

export const MSG = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4 } as const;

function message(type: number, body: Buffer): Buffer {
  const b = Buffer.alloc(HEADER + body.length);
  b.fill(0xff, 0, 16);
  b.writeUInt16BE(b.length, 16);
  b[18] = type;
  body.copy(b, HEADER);
  return b;
}

function ipv4(addr: string): Buffer {
  return Buffer.from(addr.split('.').map(Number));
}

/** OPEN with capabilities: MP IPv4 unicast, route-refresh, 4-octet AS. */
export function open(asn: number, holdTime: number, routerId: string): Buffer {
  const caps = Buffer.from([
    1, 4, 0, 1, 0, 1, // multiprotocol: AFI 1, SAFI 1
    2, 0, // route refresh
    65, 4, (asn >>> 24) & 0xff, (asn >>> 16) & 0xff, (asn >>> 8) & 0xff, asn & 0xff, // 4-octet AS
  ]);
  const body = Buffer.alloc(10 + 2 + caps.length);
  body[0] = 4;
  body.writeUInt16BE(asn > 0xffff ? 23456 : asn, 1); // AS_TRANS when the ASN needs 4 octets
  body.writeUInt16BE(holdTime, 3);
  ipv4(routerId).copy(body, 5);
  body[9] = 2 + caps.length;
  body[10] = 2; // optional parameter: capabilities
  body[11] = caps.length;
  caps.copy(body, 12);
  return message(MSG.OPEN, body);
}

export function keepalive(): Buffer {
  return message(MSG.KEEPALIVE, Buffer.alloc(0));
}

/** The one attribute set every UPDATE carries: ORIGIN IGP, AS_PATH [asn] (4-octet), NEXT_HOP. */
function attributes(asn: number, nextHop: string): Buffer {
  const a = Buffer.alloc(4 + 9 + 7);
  a.set([0x40, 1, 1, 0], 0); // ORIGIN IGP
  a.set([0x40, 2, 6, 2, 1], 4); // AS_PATH: one AS_SEQUENCE of one 4-octet AS
  a.writeUInt32BE(asn, 9);
  a.set([0x40, 3, 4], 13); // NEXT_HOP
  ipv4(nextHop).copy(a, 16);
  return a;
}

function nlriLength(p: Prefix): number { return 1 + ((p.length + 7) >> 3); }

/**
 * Packs the prefixes into as few UPDATEs as fit in 4096 bytes each, all behind one attribute set,
 * returned as one buffer ready for a single socket write.
 */
export function updates(prefixes: Prefix[], asn: number, nextHop: string): { data: Buffer; count: number } {
  const attrs = attributes(asn, nextHop);
  const fixed = HEADER + 2 + 2 + attrs.length;
  let total = 0;
  let count = 0;
  for (let i = 0; i < prefixes.length;) {
    let size = fixed;
    while (i < prefixes.length && size + nlriLength(prefixes[i]) <= MAX_MESSAGE) size += nlriLength(prefixes[i++]);
    total += size;
    count++;
  }
  const out = Buffer.alloc(total);
  let off = 0;
  for (let i = 0; i < prefixes.length;) {
    const start = off;
    out.fill(0xff, off, off + 16);
    out[off + 18] = MSG.UPDATE;
    off += HEADER;
    out.writeUInt16BE(0, off); // no withdrawn routes
    out.writeUInt16BE(attrs.length, off + 2);
    attrs.copy(out, off + 4);
    off += 4 + attrs.length;
    while (i < prefixes.length && off - start + nlriLength(prefixes[i]) <= MAX_MESSAGE) {
      const p = prefixes[i++];
      out[off++] = p.length;
      for (let k = 0; k < (p.length + 7) >> 3; k++) out[off++] = (p.address >>> (24 - 8 * k)) & 0xff;
    }
    out.writeUInt16BE(off - start, start + 16);
  }
  return { data: out, count };
}

/** End-of-RIB for IPv4 unicast: an UPDATE with nothing in it (RFC 4724). */
export function endOfRib(): Buffer {
  return message(MSG.UPDATE, Buffer.alloc(4));
}
