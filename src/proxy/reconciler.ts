// The thin shell around planSync: read the kernel for the keys at stake, plan, apply in one
// pipelined batch, record ownership and draining state. Per-Service syncs read only that Service's
// keys; a full sync dumps everything (and is what repairs drift).

import type { IpvsClient } from '../netlink/ipvs/client.js';
import { IpvsRequestError } from '../netlink/ipvs/transport.js';
import { serviceIdKey } from '../netlink/ipvs/keys.js';
import type { IpvsServiceEntry, ServiceId } from '../netlink/ipvs/types.js';
import { inAnyCidr, type Cidr } from './cidr.js';
import type { DesiredService, DesiredVirtualServer } from './desired.js';
import type { OwnershipStore } from './ownership.js';
import { planSync, type KernelVirtualServer } from './plan.js';

const ENOENT = 2;
const ESRCH = 3;
const EEXIST = 17;
/** Concurrent GET_DEST dumps during a full read. */
const READ_CONCURRENCY = 128;

export interface SyncStats {
  ops: number;
  failed: number;
  conflicts: string[];
  errors: string[];
  draining: number;
  /** Where the time went (ms): kernel read, plan, apply. For metrics and the benchmark. */
  timings: { readMs: number; planMs: number; applyMs: number };
}

const since = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export interface ReconcilerOptions {
  graceMs: number;
  excluded: Cidr[];
  now?: () => number;
}

const addressOf = (id: ServiceId): string | undefined => id.address;

export class IpvsReconciler {
  /** `${key}|${dest}` → since (ms). */
  readonly draining = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly client: IpvsClient, readonly ownership: OwnershipStore, private readonly opts: ReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  private excluded(id: ServiceId): boolean {
    const a = addressOf(id);
    return a !== undefined && inAnyCidr(this.opts.excluded, a);
  }

  /** Kernel state of the given services (absent ones are simply missing from the map). */
  async readKeys(ids: Iterable<[string, ServiceId]>): Promise<Map<string, KernelVirtualServer>> {
    const out = new Map<string, KernelVirtualServer>();
    const list = [...ids];
    for (let i = 0; i < list.length; i += READ_CONCURRENCY) {
      await Promise.all(list.slice(i, i + READ_CONCURRENCY).map(async ([key, id]) => {
        // Both requests in flight at once: one round trip instead of two. The dest dump of a
        // missing service is simply empty.
        const [service, dests] = await Promise.all([
          this.client.getService(id).catch((e: unknown) => {
            if (e instanceof IpvsRequestError && (e.errno === ESRCH || e.errno === ENOENT)) return undefined;
            throw e;
          }),
          this.client.listDestinations(id),
        ]);
        if (service) out.set(key, { service, dests });
      }));
    }
    return out;
  }

  /** Every IPVS service in the kernel; destinations only for those we own or want. */
  async readAll(interesting: (key: string) => boolean): Promise<Map<string, KernelVirtualServer>> {
    const out = new Map<string, KernelVirtualServer>();
    const services = await this.client.listServices();
    const need: IpvsServiceEntry[] = [];
    for (const s of services) {
      const key = serviceIdKey(s.id);
      out.set(key, { service: s, dests: [] });
      if (interesting(key)) need.push(s);
    }
    for (let i = 0; i < need.length; i += READ_CONCURRENCY) {
      await Promise.all(need.slice(i, i + READ_CONCURRENCY).map(async (s) => {
        out.get(serviceIdKey(s.id))!.dests = await this.client.listDestinations(s.id);
      }));
    }
    return out;
  }

  /** Syncs the given owners to `desired` (an owner missing from `desired` has nothing desired). */
  async syncOwners(owners: Iterable<string>, desired: ReadonlyMap<string, DesiredService>): Promise<SyncStats> {
    const ownerSet = new Set(owners);
    const want: DesiredVirtualServer[] = [];
    const ids = new Map<string, ServiceId>();
    for (const o of ownerSet) {
      for (const vs of desired.get(o)?.virtualServers ?? []) {
        if (this.excluded(vs.service.id)) continue;
        want.push(vs);
        ids.set(vs.key, vs.service.id);
      }
      for (const k of this.ownership.keysOf(o)) ids.set(k, this.ownership.get(k)!.id);
    }
    const t0 = process.hrtime.bigint();
    const actual = await this.readKeys(ids);
    return this.apply(ownerSet, want, actual, since(t0));
  }

  /** Full sync: every owner we know of or want; repairs drift. */
  async fullSync(desired: ReadonlyMap<string, DesiredService>): Promise<SyncStats> {
    const owners = new Set<string>([...desired.keys(), ...this.ownership.owners()]);
    const want: DesiredVirtualServer[] = [];
    const wantKeys = new Set<string>();
    for (const o of owners) for (const vs of desired.get(o)?.virtualServers ?? []) {
      if (this.excluded(vs.service.id)) continue;
      want.push(vs);
      wantKeys.add(vs.key);
    }
    const t0 = process.hrtime.bigint();
    const actual = await this.readAll((k) => wantKeys.has(k) || this.ownership.has(k));
    return this.apply(owners, want, actual, since(t0));
  }

  private async apply(owners: Set<string>, want: DesiredVirtualServer[], actual: Map<string, KernelVirtualServer>, readMs: number): Promise<SyncStats> {
    const t0 = process.hrtime.bigint();
    const ownedKeys: string[] = [];
    for (const o of owners) ownedKeys.push(...this.ownership.keysOf(o));
    const ownedHere = this.ownership.ownerMap(ownedKeys);
    const plan = planSync({ desired: want, actual, owned: ownedHere, ownerOf: (k) => this.ownership.get(k)?.owner, draining: this.draining, now: this.now(), graceMs: this.opts.graceMs });
    const planMs = since(t0);
    const t1 = process.hrtime.bigint();
    const errnos = plan.ops.length ? await this.client.apply(plan.ops) : [];
    const applyMs = since(t1);
    const errors: string[] = [];
    const failedAdds = new Set<string>();
    errnos.forEach((e, i) => {
      if (!e) return;
      const op = plan.ops[i];
      // Deleting what is already gone is success for a level-triggered sync.
      if ((op.op === 'delete-dest' || op.op === 'delete-service') && (e === ENOENT || e === ESRCH)) return;
      if (op.op === 'add-service') failedAdds.add(serviceIdKey(op.service.id));
      errors.push(`${op.op} ${JSON.stringify('service' in op ? op.service.id : op.id)}: errno ${e}${e === EEXIST ? ' (EEXIST)' : ''}`);
    });
    // Ownership: the synced owners now own exactly what the plan owns (minus failed creations).
    const wantByKey = new Map(want.map((w) => [w.key, w]));
    for (const k of ownedHere.keys()) if (!plan.owned.has(k) || failedAdds.has(k)) this.ownership.delete(k);
    for (const [k, owner] of plan.owned) {
      if (failedAdds.has(k)) continue; // never claim a service we could not create
      const vs = wantByKey.get(k);
      if (vs) this.ownership.set(k, { owner, id: vs.service.id });
    }
    const touched = new Set([...ownedHere.keys(), ...want.map((w) => w.key)]);
    for (const dk of [...this.draining.keys()]) if (touched.has(dk.slice(0, dk.indexOf('|')))) this.draining.delete(dk);
    for (const [dk, since] of plan.draining) this.draining.set(dk, since);
    this.ownership.save();
    return { ops: plan.ops.length, failed: errors.length, conflicts: plan.conflicts, errors, draining: this.draining.size, timings: { readMs, planMs, applyMs } };
  }

  /** Owners with draining destinations (the controller re-syncs them until the drains finish). */
  drainingOwners(): string[] {
    const s = new Set<string>();
    for (const dk of this.draining.keys()) {
      const e = this.ownership.get(dk.slice(0, dk.indexOf('|')));
      if (e) s.add(e.owner);
    }
    return [...s];
  }
}
