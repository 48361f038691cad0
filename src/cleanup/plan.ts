// `podroute cleanup`, the pure part: from what exists on the node (an Inventory) to what must go
// (a CleanupPlan). Everything is decided here by name and number, so "ours and nothing else" is
// unit-tested without a kernel:
//   routes      protocol == ours (any table): the protocol number is our only mark on a route;
//   netfilter   chains named PODROUTE-*, and the rules elsewhere that jump to them (a chain that
//               is still referenced cannot be deleted); rules in other chains are never touched;
//   ipsets      names starting with "podroute-" (the hyphen matters: "podrouter-x" is not ours);
//   IPVS        services whose VIP sits on our dummy interface, or that the proxy's ownership
//               file lists; a service on a node address made by someone else stays;
//   links       the VIP dummy interface; the pod bridge only when no port is attached (a port is
//               a running pod) unless forced;
//   files       our CNI conflist (and its .tmp), and host-local's store for our network, under the
//               same "no pod left" rule as the bridge: removing them under live pods would stop the
//               container runtime from tearing those pods down.
import { CNI_FILE_NAME } from '../routing/podnet/cni.js';
import { canonicalAddr } from '../netlink/ipvs/address.js';
import { serviceIdKey } from '../netlink/ipvs/keys.js';
import type { ServiceId } from '../netlink/ipvs/types.js';

export const CHAIN_PREFIX = 'PODROUTE-';
export const SET_PREFIX = 'podroute-';
/** Tables our chains can live in: nat (SNAT, service marks), filter (policy, service firewall), and the two we never use yet but would own by name. */
export const NETFILTER_TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;

export type Backend = 'nft' | 'legacy';
export type Fam = 4 | 6;

export interface RouteKey {
  prefix: string;
  family: number;
  table: number;
  protocol: number;
  metric: number;
}

export interface LinkInfo {
  name: string;
  /** linkinfo kind: bridge, dummy, veth… (undefined for plain devices). */
  kind?: string;
  /** Name of the bridge/bond this link is a port of. */
  master?: string;
}

/** One `iptables -t TABLE -S` listing; `listing` undefined when the tool or table is unavailable. */
export interface NetfilterListing {
  backend: Backend;
  family: Fam;
  table: string;
  listing?: string;
  error?: string;
}

export type IpvsInventory = { available: false; reason: string } | { available: true; services: ServiceId[] };

export interface Inventory {
  routes: RouteKey[];
  links: LinkInfo[];
  /** Addresses on the VIP interface (canonical text). */
  vipAddresses: string[];
  netfilter: NetfilterListing[];
  /** `ipset list -n`; undefined when ipset is unavailable. */
  ipsets?: string[];
  ipvs: IpvsInventory;
  /** IPVS service keys from the proxy's ownership file (serviceIdKey form). */
  ownedIpvs: string[];
  /** Paths that exist, among those the planner asked about (see candidatePaths). */
  existingPaths: string[];
}

export interface CleanupOptions {
  protocol: number;
  bridge: string;
  vipInterface: string;
  cniConfDir?: string;
  ipamDir?: string;
  force: boolean;
}

export interface NetfilterStep {
  backend: Backend;
  family: Fam;
  table: string;
  /** Rules outside our chains that jump to ours, as `-A CHAIN …` lines from the listing. */
  jumps: string[];
  chains: string[];
  /** The `iptables-restore --noflush` input doing all of it in one commit. */
  restore: string;
}

export interface CleanupPlan {
  ipvs: { key: string; id: ServiceId; why: string }[];
  netfilter: NetfilterStep[];
  ipsets: string[];
  links: string[];
  routes: RouteKey[];
  files: string[];
  dirs: string[];
  /** Things of ours left in place, with the reason (e.g. pods still attached). */
  kept: { what: string; reason: string }[];
  /** Facts the operator should know (IPVS unavailable, a backend missing…). */
  notes: string[];
}

/** Paths the inventory must check for existence. */
export function candidatePaths(o: CleanupOptions): { files: string[]; dirs: string[] } {
  const files = o.cniConfDir ? [`${o.cniConfDir.replace(/\/+$/, '')}/${CNI_FILE_NAME}`, `${o.cniConfDir.replace(/\/+$/, '')}/${CNI_FILE_NAME}.tmp`] : [];
  return { files, dirs: o.ipamDir ? [o.ipamDir] : [] };
}

const isOurChain = (c: string): boolean => c.startsWith(CHAIN_PREFIX);

/** Our chains in one listing, and the rules in other chains that target them. */
export function netfilterStep(l: NetfilterListing): NetfilterStep | undefined {
  if (l.listing === undefined) return undefined;
  const chains: string[] = [];
  const jumps: string[] = [];
  for (const raw of l.listing.split('\n')) {
    const line = raw.trim();
    const n = /^-N (\S+)$/.exec(line);
    if (n && isOurChain(n[1])) chains.push(n[1]);
    const a = /^-A (\S+) /.exec(line);
    if (!a || isOurChain(a[1])) continue; // rules inside our chains go with the flush
    const target = /(?:^| )-[jg] (\S+)(?: |$)/.exec(line);
    if (target && isOurChain(target[1])) jumps.push(line);
  }
  if (chains.length === 0 && jumps.length === 0) return undefined;
  // --noflush: only what is named changes. Jumps first (-D with the listed rule, which
  // iptables-restore matches exactly), then declaring our chains flushes them, then -X.
  const lines = [`*${l.table}`];
  for (const j of jumps) lines.push(`-D ${j.slice(3)}`);
  for (const c of chains) lines.push(`:${c} - [0:0]`);
  for (const c of chains) lines.push(`-X ${c}`);
  lines.push('COMMIT', '');
  return { backend: l.backend, family: l.family, table: l.table, jumps, chains, restore: lines.join('\n') };
}

export function planCleanup(inv: Inventory, o: CleanupOptions): CleanupPlan {
  const plan: CleanupPlan = { ipvs: [], netfilter: [], ipsets: [], links: [], routes: [], files: [], dirs: [], kept: [], notes: [] };

  // IPVS first: once its VIPs leave the dummy interface we could no longer tell which were ours.
  if (!inv.ipvs.available) plan.notes.push(`IPVS not available (${inv.ipvs.reason}): no IPVS service to remove`);
  else {
    const vips = new Set(inv.vipAddresses.map(canonicalAddr));
    const owned = new Set(inv.ownedIpvs);
    for (const raw of inv.ipvs.services) {
      // Keys compare canonical text, as the ownership file stores them.
      const id: ServiceId = raw.address === undefined ? raw : { ...raw, address: canonicalAddr(raw.address) };
      const key = serviceIdKey(id);
      if (owned.has(key)) plan.ipvs.push({ key, id, why: 'listed in the ownership file' });
      else if (id.address !== undefined && vips.has(id.address)) plan.ipvs.push({ key, id, why: `VIP on ${o.vipInterface}` });
    }
  }

  const seen = new Set<string>();
  for (const l of inv.netfilter) {
    if (l.listing === undefined) {
      const k = `${l.backend}/${l.family}`;
      if (!seen.has(k)) plan.notes.push(`iptables ${l.backend} IPv${l.family} ${l.table}: not listed (${l.error ?? 'unavailable'})`);
      seen.add(k);
      continue;
    }
    const s = netfilterStep(l);
    if (s) plan.netfilter.push(s);
  }

  if (inv.ipsets === undefined) plan.notes.push('ipset not available: no set listed');
  else plan.ipsets = inv.ipsets.filter((n) => n.startsWith(SET_PREFIX)).sort();

  const links = new Map(inv.links.map((l) => [l.name, l]));
  const vip = links.get(o.vipInterface);
  if (vip) {
    if (vip.kind === 'dummy') plan.links.push(vip.name);
    else plan.kept.push({ what: `link ${vip.name}`, reason: `is a ${vip.kind ?? 'plain'} device, not the dummy the proxy creates` });
  }

  const bridge = links.get(o.bridge);
  const ports = inv.links.filter((l) => l.master === o.bridge).map((l) => l.name).sort();
  const podsGone = ports.length === 0 || o.force;
  if (bridge) {
    if (bridge.kind !== 'bridge') plan.kept.push({ what: `link ${bridge.name}`, reason: `is a ${bridge.kind ?? 'plain'} device, not a bridge` });
    else if (podsGone) plan.links.push(bridge.name);
    else plan.kept.push({ what: `bridge ${bridge.name}`, reason: `${ports.length} port(s) attached (pods still running: ${ports.join(', ')}); use --force` });
  }

  const key = (r: RouteKey): string => `${r.table}|${r.prefix}|${r.metric}`;
  const routeSeen = new Set<string>();
  for (const r of inv.routes) {
    if (r.protocol !== o.protocol || routeSeen.has(key(r))) continue;
    routeSeen.add(key(r));
    plan.routes.push(r);
  }

  const exists = new Set(inv.existingPaths);
  const cand = candidatePaths(o);
  for (const p of [...cand.files, ...cand.dirs]) {
    if (!exists.has(p)) continue;
    const isDir = cand.dirs.includes(p);
    if (podsGone) (isDir ? plan.dirs : plan.files).push(p);
    else plan.kept.push({ what: p, reason: `pods still attached to ${o.bridge}: the runtime needs it to tear them down; use --force` });
  }
  return plan;
}

export function planIsEmpty(p: CleanupPlan): boolean {
  return p.ipvs.length + p.netfilter.length + p.ipsets.length + p.links.length + p.routes.length + p.files.length + p.dirs.length === 0;
}
