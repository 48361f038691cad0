// Pure planning: desired virtual servers vs what the kernel holds → the IPVS operations to apply.
// Handles ownership (only keys podroute created are changed or deleted) and graceful termination
// of destinations (weight 0 first; deleted once their connections reach 0 or the grace period ends).

import { destKey, serviceIdKey } from '../netlink/ipvs/keys.js';
import type { IpvsOp } from '../netlink/ipvs/client.js';
import type { IpvsDestination, IpvsDestinationEntry, IpvsService, IpvsServiceEntry } from '../netlink/ipvs/types.js';
import type { DesiredVirtualServer } from './desired.js';

export interface KernelVirtualServer {
  service: IpvsServiceEntry;
  dests: IpvsDestinationEntry[];
}

export interface PlanInput {
  /** Desired virtual servers of the owners being synced. */
  desired: readonly DesiredVirtualServer[];
  /** Kernel state for (at least) every desired key and every owned key of those owners. */
  actual: ReadonlyMap<string, KernelVirtualServer>;
  /** Keys podroute owns among the owners being synced (key → owner). */
  owned: ReadonlyMap<string, string>;
  /** Owner of any key podroute owns (to refuse taking over another owner's key). */
  ownerOf: (key: string) => string | undefined;
  /** Draining destinations: `${key}|${destKey}` → ms timestamp when draining began. */
  draining: ReadonlyMap<string, number>;
  now: number;
  graceMs: number;
}

export interface Plan {
  ops: IpvsOp[];
  /** New ownership for the synced owners (key → owner). */
  owned: Map<string, string>;
  /** New draining entries for the synced keys (replaces every entry of those keys). */
  draining: Map<string, number>;
  /** Keys the planner refused to touch (foreign IPVS service in the way). */
  conflicts: string[];
}

export const drainKey = (key: string, d: Pick<IpvsDestination, 'address' | 'port'>): string => `${key}|${destKey(d)}`;

export function sameServiceConfig(a: IpvsService, b: IpvsService): boolean {
  return (
    a.scheduler === b.scheduler &&
    a.persistence === b.persistence &&
    a.netmaskBits === b.netmaskBits &&
    a.onePacket === b.onePacket &&
    !!a.schedFlags.fallback === !!b.schedFlags.fallback &&
    !!a.schedFlags.port === !!b.schedFlags.port &&
    !!a.schedFlags.flag3 === !!b.schedFlags.flag3 &&
    (a.persistenceEngine ?? '') === (b.persistenceEngine ?? '')
  );
}

export function sameDestConfig(a: IpvsDestination, b: IpvsDestination): boolean {
  return a.weight === b.weight && a.forward === b.forward && a.upperThreshold === b.upperThreshold && a.lowerThreshold === b.lowerThreshold;
}

/** Destinations of one owned virtual server: add/update desired ones, drain then delete the rest. */
function planDests(key: string, vs: DesiredVirtualServer, kernel: KernelVirtualServer | undefined, inp: PlanInput, plan: Plan): void {
  const id = vs.service.id;
  const have = new Map((kernel?.dests ?? []).map((d) => [destKey(d), d]));
  const want = new Map(vs.dests.map((d) => [destKey(d), d]));
  for (const [k, d] of want) {
    const cur = have.get(k);
    if (!cur) plan.ops.push({ op: 'add-dest', id, dest: d });
    else if (!sameDestConfig(cur, d)) plan.ops.push({ op: 'update-dest', id, dest: d });
  }
  for (const [k, cur] of have) {
    if (want.has(k)) continue;
    drainOrDelete(key, id, cur, inp, plan);
  }
}

function drainOrDelete(key: string, id: IpvsService['id'], cur: IpvsDestinationEntry, inp: PlanInput, plan: Plan): void {
  const dk = drainKey(key, cur);
  const conns = cur.activeConns + cur.inactiveConns;
  const since = inp.draining.get(dk);
  if (conns === 0 || (since !== undefined && inp.now - since >= inp.graceMs)) {
    plan.ops.push({ op: 'delete-dest', id, dest: { address: cur.address, port: cur.port } });
    return;
  }
  // Connections are still open: stop new ones (weight 0) and let the existing ones finish.
  if (cur.weight !== 0) plan.ops.push({ op: 'update-dest', id, dest: { ...stripEntry(cur), weight: 0 } });
  plan.draining.set(dk, since ?? inp.now);
}

function stripEntry(d: IpvsDestinationEntry): IpvsDestination {
  const { activeConns: _a, inactiveConns: _i, persistConns: _p, stats: _s, ...rest } = d;
  return rest;
}

export function planSync(inp: PlanInput): Plan {
  const plan: Plan = { ops: [], owned: new Map(), draining: new Map(), conflicts: [] };
  const desiredKeys = new Set(inp.desired.map((d) => d.key));
  // Deletions of whole services first, so a VIP that moves between ports frees its slot early.
  for (const key of inp.owned.keys()) {
    if (desiredKeys.has(key)) continue;
    const k = inp.actual.get(key);
    if (k) plan.ops.push({ op: 'delete-service', id: k.service.id });
  }
  for (const vs of inp.desired) {
    const key = vs.key;
    if (key !== serviceIdKey(vs.service.id)) throw new Error(`inconsistent key ${key}`);
    const kernel = inp.actual.get(key);
    const ownedBy = inp.owned.get(key) ?? inp.ownerOf(key);
    if (kernel && ownedBy === undefined) {
      // Someone else's IPVS service sits on this VIP:port. Never touch it.
      plan.conflicts.push(key);
      continue;
    }
    if (kernel && ownedBy !== undefined && ownedBy !== vs.owner) {
      plan.conflicts.push(key); // another Service of ours holds it; its own sync must release it first
      continue;
    }
    plan.owned.set(key, vs.owner);
    if (!kernel) {
      plan.ops.push({ op: 'add-service', service: vs.service });
    } else if (!sameServiceConfig(kernel.service, vs.service)) {
      plan.ops.push({ op: 'update-service', service: vs.service });
    }
    planDests(key, vs, kernel, inp, plan);
  }
  return plan;
}
