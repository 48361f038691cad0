// Typed rtnetlink operations over a NetlinkSocket (NETLINK_ROUTE): route add/replace/delete,
// batched route changes, and route/link/address dumps.
//
// API
//   await addRoute(nl, spec)              CREATE|EXCL: fails EEXIST rather than overwrite anything
//   await replaceRoute(nl, spec)          CREATE|REPLACE: only for a key we know is ours
//   await deleteRoute(nl, key)            matches dst+table+protocol(+metric): never another protocol's
//   await applyRouteOps(nl, ops, opts)    many ops batched (NetlinkSocket.bulk) → per-op results
//   await dumpRoutes(nl, family?)         every route (filter by table/protocol client-side)
//   await dumpLinks(nl) / dumpAddrs(nl, family?)

import { AF_UNSPEC, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../constants.js';
import type { BulkOptions, BulkResult, NetlinkSocket } from '../socket.js';
import { parseAddr, writeAddrDumpRequest, type InterfaceAddress } from './addr.js';
import { RTM_DELROUTE, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWROUTE } from './constants.js';
import { parseLink, writeLinkDumpRequest, type Link } from './link.js';
import { parseRoute, writeRoute, writeRouteDumpRequest, writeRouteKey, type KernelRoute, type RouteSpec } from './route.js';

export type RouteOp =
  | { op: 'add'; route: RouteSpec }
  | { op: 'replace'; route: RouteSpec }
  | { op: 'delete'; route: { prefix: string; table?: number; protocol: number; metric?: number } };

export async function addRoute(nl: NetlinkSocket, r: RouteSpec): Promise<void> {
  await nl.request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, (w) => writeRoute(w, r));
}

export async function replaceRoute(nl: NetlinkSocket, r: RouteSpec): Promise<void> {
  await nl.request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, (w) => writeRoute(w, r));
}

export async function deleteRoute(nl: NetlinkSocket, r: { prefix: string; table?: number; protocol: number; metric?: number }): Promise<void> {
  await nl.request(RTM_DELROUTE, 0, (w) => writeRouteKey(w, r));
}

/** Applies many route operations, batched; result errors are keyed by index into `ops`. */
export function applyRouteOps(nl: NetlinkSocket, ops: readonly RouteOp[], opts?: BulkOptions): Promise<BulkResult> {
  return nl.bulk(
    ops.length,
    (i, w, seq) => {
      const o = ops[i];
      if (o.op === 'delete') {
        w.beginMessage(RTM_DELROUTE, 0, seq, nl.portId);
        writeRouteKey(w, o.route);
      } else {
        w.beginMessage(RTM_NEWROUTE, NLM_F_CREATE | (o.op === 'add' ? NLM_F_EXCL : NLM_F_REPLACE), seq, nl.portId);
        writeRoute(w, o.route);
      }
      w.endMessage();
    },
    opts,
  );
}

/** Every route of `family` (AF_INET, AF_INET6 or AF_UNSPEC for both), decoded while streaming. */
export async function dumpRoutes(nl: NetlinkSocket, family: number = AF_UNSPEC, keep?: (r: KernelRoute) => boolean): Promise<KernelRoute[]> {
  const out: KernelRoute[] = [];
  await nl.dump(RTM_GETROUTE, (w) => writeRouteDumpRequest(w, family), {
    onMessage: (m) => {
      if (m.type !== RTM_NEWROUTE) return;
      const r = parseRoute(m);
      if (r && (!keep || keep(r))) out.push(r);
    },
  });
  return out;
}

export async function dumpLinks(nl: NetlinkSocket): Promise<Link[]> {
  const msgs = await nl.dump(RTM_GETLINK, writeLinkDumpRequest);
  return msgs.map(parseLink).filter((l): l is Link => l !== undefined);
}

export async function dumpAddrs(nl: NetlinkSocket, family: number = AF_UNSPEC): Promise<InterfaceAddress[]> {
  const msgs = await nl.dump(RTM_GETADDR, (w) => writeAddrDumpRequest(w, family));
  return msgs.map(parseAddr).filter((a): a is InterfaceAddress => a !== undefined);
}
