// `podroute cleanup`, looking: lists what exists on the node (routes over our netlink socket,
// links and addresses with `ip -j`, iptables in both backends, ipsets, IPVS services) into an
// Inventory for the pure planner. Only reads; every failure to list becomes "unavailable" with
// its reason, so the plan can say what it could not see.
import { existsSync } from 'node:fs';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { openNetlink } from '../netlink/socket.js';
import { dumpRoutes } from '../netlink/route/rtnl.js';
import { IpvsClient } from '../netlink/ipvs/client.js';
import { SocketIpvsTransport } from '../netlink/ipvs/socket-transport.js';
import { canonicalAddr } from '../netlink/ipvs/address.js';
import { OwnershipStore } from '../proxy/ownership.js';
import { toolsFor } from '../netfilter/backend.js';
import type { Runner } from '../netfilter/exec.js';
import { candidatePaths, NETFILTER_TABLES, type Backend, type CleanupOptions, type Inventory, type IpvsInventory, type LinkInfo, type NetfilterListing } from './plan.js';

export interface InventoryDeps {
  run: Runner;
  /** Network namespace for netlink sockets (tests); the `run`ner must target the same one. */
  netns?: string;
  /** The proxy's IPVS ownership file, when it keeps one. */
  ownershipFile?: string;
  /** Opens the IPVS client; injectable because this host kernel has no IPVS. */
  openIpvs?: () => Promise<IpvsClient>;
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function tryRun(run: Runner, argv: string[]): Promise<{ ok: true; out: string } | { ok: false; error: string }> {
  try {
    const r = await run(argv);
    return r.code === 0 ? { ok: true, out: r.stdout } : { ok: false, error: r.stderr.trim().split('\n')[0] || `exit ${r.code}` };
  } catch (e) {
    return { ok: false, error: why(e) };
  }
}

export async function listLinks(run: Runner): Promise<LinkInfo[]> {
  const r = await tryRun(run, ['ip', '-j', '-d', 'link', 'show']);
  if (!r.ok) throw new Error(`ip link show: ${r.error}`);
  const links = JSON.parse(r.out || '[]') as { ifname: string; master?: string; linkinfo?: { info_kind?: string } }[];
  return links.map((l) => ({ name: l.ifname, kind: l.linkinfo?.info_kind, master: l.master }));
}

async function listAddresses(run: Runner, ifname: string): Promise<string[]> {
  const r = await tryRun(run, ['ip', '-j', 'addr', 'show', 'dev', ifname]);
  if (!r.ok) return [];
  const j = JSON.parse(r.out || '[]') as { addr_info?: { local: string; scope?: string }[] }[];
  return (j[0]?.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => canonicalAddr(a.local));
}

export async function listNetfilter(run: Runner): Promise<NetfilterListing[]> {
  const out: NetfilterListing[] = [];
  for (const backend of ['nft', 'legacy'] as Backend[]) {
    for (const family of [4, 6] as const) {
      for (const table of NETFILTER_TABLES) {
        const r = await tryRun(run, [toolsFor(backend).cmd[family], '-w', '5', '-t', table, '-S']);
        out.push(r.ok ? { backend, family, table, listing: r.out } : { backend, family, table, error: r.error });
      }
    }
  }
  return out;
}

async function listIpvs(deps: InventoryDeps): Promise<IpvsInventory> {
  let client: IpvsClient;
  try {
    client = await openIpvs(deps);
  } catch (e) {
    // No "IPVS" generic netlink family: the kernel has no ip_vs (module not loaded or not built).
    return { available: false, reason: why(e) };
  }
  try {
    return { available: true, services: (await client.listServices()).map((s) => s.id) };
  } catch (e) {
    return { available: false, reason: why(e) };
  } finally {
    client.transport.close();
  }
}

export async function openIpvs(deps: Pick<InventoryDeps, 'openIpvs' | 'netns'>): Promise<IpvsClient> {
  return deps.openIpvs ? deps.openIpvs() : new IpvsClient(await SocketIpvsTransport.open(deps.netns ? { netns: deps.netns } : {}));
}

export async function takeInventory(o: CleanupOptions, deps: InventoryDeps): Promise<Inventory> {
  const nl = openNetlink({ protocol: NETLINK_ROUTE, ...(deps.netns ? { netns: deps.netns } : {}) });
  let routes;
  try {
    routes = (await dumpRoutes(nl, undefined, (r) => r.protocol === o.protocol)).map((r) => ({ prefix: r.prefix, family: r.family, table: r.table, protocol: r.protocol, metric: r.metric }));
  } finally {
    nl.close();
  }
  const links = await listLinks(deps.run);
  const vipAddresses = links.some((l) => l.name === o.vipInterface) ? await listAddresses(deps.run, o.vipInterface) : [];
  const sets = await tryRun(deps.run, ['ipset', 'list', '-n']);
  const ownedIpvs = deps.ownershipFile ? new OwnershipStore(deps.ownershipFile).load().ownerMap() : new Map<string, string>();
  const cand = candidatePaths(o);
  return {
    routes,
    links,
    vipAddresses,
    netfilter: await listNetfilter(deps.run),
    ipsets: sets.ok ? sets.out.split('\n').map((s) => s.trim()).filter(Boolean) : undefined,
    ipvs: await listIpvs(deps),
    ownedIpvs: [...ownedIpvs.keys()],
    // Paths are the host's (or the mounted host dirs'): the same in any network namespace.
    existingPaths: [...cand.files, ...cand.dirs].filter((p) => existsSync(p)),
  };
}
