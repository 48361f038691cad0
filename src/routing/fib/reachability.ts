// Which next hops are directly reachable: the gateway lies in a connected subnet of an interface
// that is up (IFF_UP and carrier), or — IPv6 link-local — the route names an up interface.
// Pure: takes the link and address dumps, returns resolved next hops (with ifindex filled in) and
// the reasons for the rest. The kernel would refuse (ENETUNREACH) or install a dead route
// otherwise; we skip such routes visibly instead and retry when links or addresses change.

import { addressToBytes, inSubnet } from '../../netlink/route/address.js';
import type { InterfaceAddress } from '../../netlink/route/addr.js';
import type { Link } from '../../netlink/route/link.js';
import type { FibNextHop } from './types.js';

export interface ConnectedState {
  links: ReadonlyMap<number, Link>;
  addrs: readonly InterfaceAddress[];
}

export interface Resolution {
  reachable: FibNextHop[];
  unreachable: { gateway: string; reason: string }[];
}

export function buildConnectedState(links: readonly Link[], addrs: readonly InterfaceAddress[]): ConnectedState {
  return { links: new Map(links.map((l) => [l.index, l])), addrs };
}

function isLinkLocal6(b: Uint8Array): boolean {
  return b.length === 16 && b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
}

export function resolveNextHop(h: FibNextHop, s: ConnectedState): FibNextHop | string {
  let gw: Uint8Array;
  try {
    gw = addressToBytes(h.gateway);
  } catch {
    return `invalid gateway "${h.gateway}"`;
  }
  if (h.ifindex) {
    const l = s.links.get(h.ifindex);
    if (!l) return `interface ${h.ifindex} does not exist`;
    if (!l.up) return `interface ${l.name} is down`;
  }
  if (isLinkLocal6(gw)) {
    return h.ifindex ? { ...h } : 'link-local gateway needs an interface';
  }
  let downName: string | undefined;
  for (const a of s.addrs) {
    if (a.tentative || a.network.length !== gw.length) continue;
    if (h.ifindex && a.ifindex !== h.ifindex) continue;
    if (!inSubnet(gw, a.network, a.prefixLen)) continue;
    const l = s.links.get(a.ifindex);
    if (!l || !l.up) {
      downName ??= l?.name ?? String(a.ifindex);
      continue;
    }
    if (a.address === h.gateway) return 'gateway is a local address';
    return { ...h, ifindex: a.ifindex };
  }
  return downName ? `interface ${downName} (connected to the gateway) is down` : 'not on a connected subnet of any interface';
}

/**
 * Resolves a route's next hops. `cache` (one per pass over the desired set) memoizes by
 * gateway+interface: a node's routes share a handful of next hops (the other nodes), so 100k routes
 * cost a handful of subnet searches instead of 100k.
 */
export function resolveNextHops(hops: readonly FibNextHop[], s: ConnectedState, cache?: Map<string, FibNextHop | string>): Resolution {
  const res: Resolution = { reachable: [], unreachable: [] };
  for (const h of hops) {
    let r: FibNextHop | string | undefined;
    if (cache) {
      // The weight is part of the key so that the resolved object can be shared as is.
      const key = `${h.gateway}%${h.ifindex ?? ''}#${h.weight ?? ''}`;
      r = cache.get(key);
      if (r === undefined) cache.set(key, (r = resolveNextHop(h, s)));
    } else r = resolveNextHop(h, s);
    if (typeof r === 'string') res.unreachable.push({ gateway: h.gateway, reason: r });
    else res.reachable.push(r);
  }
  return res;
}
