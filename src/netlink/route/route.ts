// RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE codec: typed KernelRoute ⇄ struct rtmsg + attributes.
//
// Encoding choices (why):
// - RTA_TABLE is always sent (rtm_table only holds 8 bits); rtm_table gets the table when < 256.
// - One next hop → RTA_GATEWAY + RTA_OIF (what `ip route` does); several → RTA_MULTIPATH with
//   weights. The kernel reports IPv4 and IPv6 ECMP routes back as RTA_MULTIPATH either way.
// - RTA_PRIORITY (metric) is always sent: with the table, dst and tos it is the kernel's key for
//   a route, so it decides whether we sit beside another protocol's route for the same prefix.

import { attrU32, forEachAttribute } from '../attributes.js';
import { AF_INET, AF_INET6 } from '../constants.js';
import type { NetlinkMessage } from '../message.js';
import type { NetlinkWriter } from '../writer.js';
import { bytesToAddress, bytesToPrefix, prefixToBytes } from './address.js';
import {
  RTA_DST,
  RTA_GATEWAY,
  RTA_MULTIPATH,
  RTA_OIF,
  RTA_PRIORITY,
  RTA_TABLE,
  RTA_VIA,
  RTMSG_LEN,
  RTN_UNICAST,
  RT_SCOPE_LINK,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_MAIN,
} from './constants.js';
import { parseMultipath, parseVia, writeGateway, writeMultipath, type NextHop } from './multipath.js';

export interface KernelRoute {
  /** Canonical prefix text, e.g. "10.0.0.0/24", "2001:db8::/32". */
  prefix: string;
  family: number;
  table: number;
  protocol: number;
  /** RTA_PRIORITY; the kernel reports 0 for IPv4 without one and 1024 for IPv6. */
  metric: number;
  type: number;
  scope: number;
  tos: number;
  /** rtm_flags (RTM_F_*, RTNH_F_* for single-hop routes). */
  flags: number;
  nextHops: NextHop[];
}

export interface RouteSpec {
  prefix: string;
  table?: number;
  protocol: number;
  metric?: number;
  type?: number;
  scope?: number;
  nextHops: readonly NextHop[];
}

/** Writes the body (rtmsg + attributes) of an RTM_NEWROUTE/RTM_DELROUTE for `r`. */
export function writeRoute(w: NetlinkWriter, r: RouteSpec): void {
  const p = prefixToBytes(r.prefix);
  const table = r.table ?? RT_TABLE_MAIN;
  const hasGateway = r.nextHops.some((h) => h.gateway !== undefined);
  const scope = r.scope ?? (r.nextHops.length > 0 && !hasGateway ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  w.u8(p.family).u8(p.len).u8(0).u8(0).u8(table < 256 ? table : 0).u8(r.protocol).u8(scope).u8(r.type ?? RTN_UNICAST).u32(0);
  w.attrU32(RTA_TABLE, table);
  if (p.len > 0) w.attr(RTA_DST, p.bytes); // a default route carries no RTA_DST, as `ip route` sends it
  if (r.metric !== undefined) w.attrU32(RTA_PRIORITY, r.metric);
  if (r.nextHops.length === 1) {
    const h = r.nextHops[0];
    if (h.gateway !== undefined) writeGateway(w, h.gateway, p.family);
    if (h.ifindex) w.attrU32(RTA_OIF, h.ifindex);
  } else if (r.nextHops.length > 1) {
    writeMultipath(w, r.nextHops, p.family);
  }
}

/** Writes a delete body: dst, table, protocol and metric only, so the kernel matches exactly our route. */
export function writeRouteKey(w: NetlinkWriter, r: { prefix: string; table?: number; protocol: number; metric?: number }): void {
  const p = prefixToBytes(r.prefix);
  const table = r.table ?? RT_TABLE_MAIN;
  // scope NOWHERE (255) on delete means "any scope" to the kernel's fib_table_delete matcher
  w.u8(p.family).u8(p.len).u8(0).u8(0).u8(table < 256 ? table : 0).u8(r.protocol).u8(255).u8(0).u32(0);
  w.attrU32(RTA_TABLE, table);
  if (p.len > 0) w.attr(RTA_DST, p.bytes);
  if (r.metric !== undefined) w.attrU32(RTA_PRIORITY, r.metric);
}

/** Writes a dump request body for one family (AF_UNSPEC for both). */
export function writeRouteDumpRequest(w: NetlinkWriter, family: number): void {
  w.u8(family).zeros(RTMSG_LEN - 1);
}

/** Decodes an RTM_NEWROUTE message (from a dump or a notification). */
export function parseRoute(msg: NetlinkMessage): KernelRoute | undefined {
  const p = msg.payload;
  if (p.length < RTMSG_LEN) return undefined;
  const family = p[0];
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const dstLen = p[1];
  let table = p[4];
  let dst: Buffer | undefined;
  let metric = 0;
  let gateway: string | undefined;
  let oif = 0;
  let multipath: NextHop[] | undefined;
  forEachAttribute(p, RTMSG_LEN, p.length, (t, v) => {
    switch (t) {
      case RTA_DST:
        dst = v;
        break;
      case RTA_TABLE:
        table = attrU32(v) ?? table;
        break;
      case RTA_PRIORITY:
        metric = attrU32(v) ?? 0;
        break;
      case RTA_GATEWAY:
        gateway = bytesToAddress(v);
        break;
      case RTA_VIA:
        gateway = parseVia(v);
        break;
      case RTA_OIF:
        oif = attrU32(v) ?? 0;
        break;
      case RTA_MULTIPATH:
        multipath = parseMultipath(v);
        break;
    }
  });
  const flags = p.readUInt32LE(8);
  let nextHops: NextHop[];
  if (multipath) nextHops = multipath;
  else if (gateway !== undefined || oif) {
    const h: NextHop = {};
    if (gateway !== undefined) h.gateway = gateway;
    if (oif) h.ifindex = oif;
    nextHops = [h];
  } else nextHops = [];
  return {
    prefix: bytesToPrefix(family, dstLen, dst),
    family,
    table,
    protocol: p[5],
    metric,
    type: p[7],
    scope: p[6],
    tos: p[3],
    flags,
    nextHops,
  };
}
