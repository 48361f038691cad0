// RTA_MULTIPATH: a sequence of struct rtnexthop { u16 rtnh_len; u8 rtnh_flags; u8 rtnh_hops;
// i32 rtnh_ifindex; } each followed by its own attributes (RTA_GATEWAY, or RTA_VIA for an IPv4
// route via an IPv6 gateway), each 4-aligned. rtnh_hops is the weight minus one (weight 1..256).

import { forEachAttribute } from '../attributes.js';
import { AF_INET6, align4 } from '../constants.js';
import type { NetlinkWriter } from '../writer.js';
import { addressToBytes, bytesToAddress } from './address.js';
import { RTA_GATEWAY, RTA_MULTIPATH, RTA_VIA, RTNH_LEN } from './constants.js';

export interface NextHop {
  /** Gateway address text (canonical); absent for a device route. */
  gateway?: string;
  /** Outgoing interface; 0/absent lets the kernel pick the one on the gateway's subnet. */
  ifindex?: number;
  /** ECMP weight 1..256 (default 1). */
  weight?: number;
  /** RTNH_F_* as reported by the kernel (DEAD, LINKDOWN, ONLINK, …). */
  flags?: number;
}

/** Writes an RTA_MULTIPATH attribute for `hops` of a route of `routeFamily`. */
export function writeMultipath(w: NetlinkWriter, hops: readonly NextHop[], routeFamily: number): void {
  w.beginNested(RTA_MULTIPATH);
  for (const h of hops) {
    const weight = h.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new RangeError(`next-hop weight ${weight} outside 1..256`);
    const start = w.reserve(RTNH_LEN);
    w.buf[start + 2] = h.flags ?? 0;
    w.buf[start + 3] = weight - 1;
    w.buf.writeInt32LE(h.ifindex ?? 0, start + 4);
    if (h.gateway !== undefined) writeGateway(w, h.gateway, routeFamily);
    w.buf.writeUInt16LE(w.length - start, start);
  }
  w.endNested();
}

/** RTA_GATEWAY for a same-family gateway; RTA_VIA (struct rtvia {u16 family; u8 addr[]}) for IPv4 over IPv6. */
export function writeGateway(w: NetlinkWriter, gateway: string, routeFamily: number): void {
  const gw = addressToBytes(gateway);
  const gwFamily = gw.length === 16 ? AF_INET6 : 2;
  if (gwFamily === routeFamily) {
    w.attr(RTA_GATEWAY, gw);
  } else {
    const via = new Uint8Array(2 + gw.length);
    via[0] = gwFamily & 0xff;
    via[1] = gwFamily >> 8;
    via.set(gw, 2);
    w.attr(RTA_VIA, via);
  }
}

/** Decodes RTA_VIA bytes to address text. */
export function parseVia(v: Buffer): string | undefined {
  if (v.length < 6) return undefined;
  const fam = v.readUInt16LE(0);
  const n = fam === AF_INET6 ? 16 : 4;
  if (v.length < 2 + n) return undefined;
  return bytesToAddress(v.subarray(2, 2 + n));
}

/** Decodes the value of an RTA_MULTIPATH attribute. Weight is always reported (hops + 1). */
export function parseMultipath(v: Buffer): NextHop[] {
  const out: NextHop[] = [];
  let o = 0;
  while (o + RTNH_LEN <= v.length) {
    const len = v.readUInt16LE(o);
    if (len < RTNH_LEN || o + len > v.length) break;
    const hop: NextHop = { ifindex: v.readInt32LE(o + 4), weight: v[o + 3] + 1 };
    const flags = v[o + 2];
    if (flags) hop.flags = flags;
    forEachAttribute(v, o + RTNH_LEN, o + len, (t, a) => {
      if (t === RTA_GATEWAY) hop.gateway = bytesToAddress(a);
      else if (t === RTA_VIA) hop.gateway = parseVia(a);
    });
    out.push(hop);
    o += align4(len);
  }
  return out;
}
