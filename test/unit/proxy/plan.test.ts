import { describe, expect, test } from '@jest/globals';
import type { IpvsDestinationEntry, IpvsServiceEntry } from '../../../src/netlink/ipvs/types.js';
import type { DesiredVirtualServer } from '../../../src/proxy/desired.js';
import { drainKey, planSync, type KernelVirtualServer, type PlanInput } from '../../../src/proxy/plan.js';

const id = { family: 4 as const, protocol: 'tcp' as const, address: '10.96.0.10', port: 80 };
const KEY = 'tcp/10.96.0.10/80';
const service = { id, scheduler: 'rr', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false };
const d = (address: string, weight = 1) => ({ address, port: 8080, forward: 'masq' as const, weight, upperThreshold: 0, lowerThreshold: 0 });
const kd = (address: string, weight = 1, active = 0, inactive = 0): IpvsDestinationEntry => ({ ...d(address, weight), activeConns: active, inactiveConns: inactive, persistConns: 0 });
const vs = (dests = [d('10.244.1.1')], owner = 'default/web'): DesiredVirtualServer => ({ key: KEY, owner, kind: 'ClusterIP', portName: 'http', localOnly: false, service, dests });
const kernel = (dests: IpvsDestinationEntry[], svc: Partial<IpvsServiceEntry> = {}): KernelVirtualServer => ({ service: { ...service, rawFlags: 2, ...svc }, dests });

function input(p: Partial<PlanInput>): PlanInput {
  return { desired: [], actual: new Map(), owned: new Map(), ownerOf: () => undefined, draining: new Map(), now: 1_000_000, graceMs: 30_000, ...p };
}

describe('planSync', () => {
  test('new service: add the service, then its destinations; ownership recorded', () => {
    const p = planSync(input({ desired: [vs([d('10.244.1.1'), d('10.244.1.2')])] }));
    expect(p.ops.map((o) => o.op)).toEqual(['add-service', 'add-dest', 'add-dest']);
    expect([...p.owned]).toEqual([[KEY, 'default/web']]);
  });

  test('in sync: no operations', () => {
    const own = new Map([[KEY, 'default/web']]);
    expect(planSync(input({ desired: [vs()], actual: new Map([[KEY, kernel([kd('10.244.1.1')])]]), owned: own })).ops).toEqual([]);
  });

  test('scheduler or persistence change → update-service; weight change → update-dest', () => {
    const own = new Map([[KEY, 'default/web']]);
    const p = planSync(input({ desired: [vs([d('10.244.1.1', 1)])], actual: new Map([[KEY, kernel([kd('10.244.1.1', 0)], { scheduler: 'wlc' })]]), owned: own }));
    expect(p.ops).toEqual([{ op: 'update-service', service }, { op: 'update-dest', id, dest: d('10.244.1.1', 1) }]);
  });

  test('a removed endpoint with open connections gets weight 0 and starts draining', () => {
    const own = new Map([[KEY, 'default/web']]);
    const p = planSync(input({ desired: [vs()], actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2', 1, 2, 1)])]]), owned: own }));
    expect(p.ops).toEqual([{ op: 'update-dest', id, dest: d('10.244.1.2', 0) }]);
    expect([...p.draining]).toEqual([[drainKey(KEY, d('10.244.1.2')), 1_000_000]]);
  });

  test('draining: kept while connections remain inside the grace period; deleted when they reach 0 or the period ends', () => {
    const own = new Map([[KEY, 'default/web']]);
    const dk = drainKey(KEY, d('10.244.1.2'));
    const base = { desired: [vs()], owned: own, draining: new Map([[dk, 1_000_000]]) };
    const still = planSync(input({ ...base, now: 1_010_000, actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2', 0, 1, 0)])]]) }));
    expect(still.ops).toEqual([]);
    expect(still.draining.get(dk)).toBe(1_000_000);
    const zero = planSync(input({ ...base, now: 1_010_000, actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2', 0, 0, 0)])]]) }));
    expect(zero.ops).toEqual([{ op: 'delete-dest', id, dest: { address: '10.244.1.2', port: 8080 } }]);
    expect(zero.draining.size).toBe(0);
    const late = planSync(input({ ...base, now: 1_030_000, actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2', 0, 5, 5)])]]) }));
    expect(late.ops.map((o) => o.op)).toEqual(['delete-dest']);
  });

  test('a removed endpoint with no connections is deleted at once', () => {
    const own = new Map([[KEY, 'default/web']]);
    const p = planSync(input({ desired: [vs()], actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2')])]]), owned: own }));
    expect(p.ops.map((o) => o.op)).toEqual(['delete-dest']);
  });

  test('an endpoint that comes back while draining gets its weight back', () => {
    const own = new Map([[KEY, 'default/web']]);
    const dk = drainKey(KEY, d('10.244.1.2'));
    const p = planSync(input({ desired: [vs([d('10.244.1.1'), d('10.244.1.2')])], actual: new Map([[KEY, kernel([kd('10.244.1.1'), kd('10.244.1.2', 0, 3, 0)])]]), owned: own, draining: new Map([[dk, 1]]) }));
    expect(p.ops).toEqual([{ op: 'update-dest', id, dest: d('10.244.1.2', 1) }]);
    expect(p.draining.size).toBe(0);
  });

  test('owned service no longer desired → deleted; ownership dropped', () => {
    const p = planSync(input({ desired: [], actual: new Map([[KEY, kernel([kd('10.244.1.1')])]]), owned: new Map([[KEY, 'default/web']]) }));
    expect(p.ops).toEqual([{ op: 'delete-service', id }]);
    expect(p.owned.size).toBe(0);
  });

  test('a foreign IPVS service on a desired VIP:port is never touched (reported as a conflict)', () => {
    const p = planSync(input({ desired: [vs()], actual: new Map([[KEY, kernel([kd('10.9.9.9')], { scheduler: 'wlc' })]]) }));
    expect(p.ops).toEqual([]);
    expect(p.conflicts).toEqual([KEY]);
    expect(p.owned.size).toBe(0);
  });

  test('a key owned by another Service of ours is not taken over', () => {
    const p = planSync(input({ desired: [vs(undefined, 'default/b')], actual: new Map([[KEY, kernel([])]]), ownerOf: (k) => (k === KEY ? 'default/a' : undefined) }));
    expect(p.ops).toEqual([]);
    expect(p.conflicts).toEqual([KEY]);
  });

  test('drift repair: an owned service deleted behind our back is re-created', () => {
    const p = planSync(input({ desired: [vs()], owned: new Map([[KEY, 'default/web']]) }));
    expect(p.ops.map((o) => o.op)).toEqual(['add-service', 'add-dest']);
  });
});
