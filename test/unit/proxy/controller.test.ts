// The reconciler and controller against the in-memory fake kernel: ownership, per-Service scope,
// drift repair, graceful termination with a fake clock, excluded CIDRs.
import { describe, expect, test } from '@jest/globals';
import { Cmd } from '../../../src/netlink/ipvs/constants.js';
import { IpvsClient } from '../../../src/netlink/ipvs/client.js';
import { ProxyController } from '../../../src/proxy/controller.js';
import { OwnershipStore } from '../../../src/proxy/ownership.js';
import type { ClusterView } from '../../../src/cluster/view.js';
import { FakeIpvsKernel } from './fake-kernel.js';
import { cfg, ep, slice, svc, view } from './fixtures.js';
import type { ProxyConfig } from '../../../src/proxy/config.js';

function setup(v: ClusterView, c: Partial<ProxyConfig> = {}) {
  const kernel = new FakeIpvsKernel();
  let now = 1_000_000;
  let current = v;
  const ctl = new ProxyController({ client: new IpvsClient(kernel), ownership: new OwnershipStore(), cfg: cfg(c), getView: () => current, now: () => now });
  return { kernel, ctl, setView: (nv: ClusterView) => (current = nv), advance: (ms: number) => (now += ms) };
}

const foreign = { id: { family: 4 as const, protocol: 'tcp' as const, address: '10.96.0.99', port: 80 }, scheduler: 'wlc', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false };

describe('ProxyController with a fake kernel', () => {
  test('full sync programs every Service; a foreign service is never touched', async () => {
    const { kernel, ctl } = setup(view([svc({ name: 'a' }), svc({ name: 'b', clusterIPs: ['10.96.0.11'] })], [slice('a', [ep('10.244.1.1')]), slice('b', [ep('10.244.1.2')])]));
    kernel.services.set('tcp/10.96.0.99/80', { service: foreign, dests: new Map() });
    const st = await ctl.fullSync();
    expect(st.errors).toEqual([]);
    expect(kernel.dump()).toEqual({
      'tcp/10.96.0.10/80': ['10.244.1.1:8080 w1'],
      'tcp/10.96.0.11/80': ['10.244.1.2:8080 w1'],
      'tcp/10.96.0.99/80': [],
    });
    expect(kernel.log.filter((l) => l.key === 'tcp/10.96.0.99/80')).toEqual([]);
    // A second full sync changes nothing.
    kernel.log.length = 0;
    expect((await ctl.fullSync()).ops).toEqual(0);
  });

  test('a Service whose VIP:port is held by a foreign service is reported, not taken over', async () => {
    const { kernel, ctl } = setup(view([svc({ name: 'a', clusterIPs: ['10.96.0.99'] })], [slice('a', [ep('10.244.1.1')])]));
    kernel.services.set('tcp/10.96.0.99/80', { service: foreign, dests: new Map() });
    const st = await ctl.fullSync();
    expect(st.conflicts).toEqual(['tcp/10.96.0.99/80']);
    expect(kernel.services.get('tcp/10.96.0.99/80')!.service.scheduler).toBe('wlc');
    expect(ctl.reconciler.ownership.size).toBe(0);
  });

  test('an EndpointSlice change touches only its own Service', async () => {
    const v = view([svc({ name: 'a' }), svc({ name: 'b', clusterIPs: ['10.96.0.11'] })], [slice('a', [ep('10.244.1.1')]), slice('b', [ep('10.244.1.2')])]);
    const { kernel, ctl, setView } = setup(v);
    await ctl.fullSync();
    kernel.log.length = 0;
    const nv = view([...v.services.values()], [slice('a', [ep('10.244.1.3')]), slice('b', [ep('10.244.1.2')])]);
    setView(nv);
    ctl.endpointSliceChanged({ namespace: 'default', name: 'a-abc', serviceName: 'a' });
    await ctl.syncDirty();
    expect(new Set(kernel.log.map((l) => l.key))).toEqual(new Set(['tcp/10.96.0.10/80']));
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.3:8080 w1']);
  });

  test('a deleted Service loses its IPVS services; drift is repaired by the full sync', async () => {
    const v = view([svc({ name: 'a' }), svc({ name: 'b', clusterIPs: ['10.96.0.11'] })], [slice('a', [ep('10.244.1.1')])]);
    const { kernel, ctl, setView } = setup(v);
    await ctl.fullSync();
    setView(view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1')])]));
    ctl.serviceChanged('default', 'b');
    await ctl.syncDirty();
    expect(Object.keys(kernel.dump())).toEqual(['tcp/10.96.0.10/80']);
    kernel.services.get('tcp/10.96.0.10/80')!.dests.clear(); // someone flushed our destinations
    kernel.services.get('tcp/10.96.0.10/80')!.service.scheduler = 'lc';
    await ctl.fullSync();
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.1:8080 w1']);
    expect(kernel.services.get('tcp/10.96.0.10/80')!.service.scheduler).toBe('rr');
  });

  test('graceful termination: weight 0 while connections remain, deleted after the grace period', async () => {
    const v = view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1'), ep('10.244.1.2')])]);
    const { kernel, ctl, setView, advance } = setup(v, { gracefulTerminationSeconds: 30 });
    await ctl.fullSync();
    kernel.services.get('tcp/10.96.0.10/80')!.dests.get('10.244.1.2:8080')!.activeConns = 3;
    setView(view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1')])]));
    ctl.endpointSliceChanged({ namespace: 'default', name: 'a-abc', serviceName: 'a' });
    await ctl.syncDirty();
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.1:8080 w1', '10.244.1.2:8080 w0']);
    advance(10_000);
    await ctl.syncDirty(); // the drain tick: still connections, still inside the period
    expect(kernel.dump()['tcp/10.96.0.10/80']).toHaveLength(2);
    advance(20_000);
    await ctl.syncDirty();
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.1:8080 w1']);
    expect(ctl.reconciler.draining.size).toBe(0);
  });

  test('graceful termination ends early when the connections reach 0', async () => {
    const v = view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1'), ep('10.244.1.2')])]);
    const { kernel, ctl, setView, advance } = setup(v);
    await ctl.fullSync();
    const d = kernel.services.get('tcp/10.96.0.10/80')!.dests.get('10.244.1.2:8080')!;
    d.inactiveConns = 1;
    setView(view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1')])]));
    ctl.endpointSliceChanged({ namespace: 'default', name: 'a-abc', serviceName: 'a' });
    await ctl.syncDirty();
    kernel.services.get('tcp/10.96.0.10/80')!.dests.get('10.244.1.2:8080')!.inactiveConns = 0;
    advance(1000);
    await ctl.syncDirty();
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.1:8080 w1']);
  });

  test('owned services in excluded CIDRs are left alone, and never created', async () => {
    const { kernel, ctl } = setup(view([svc({ name: 'a', externalIPs: ['198.51.100.7'] })], []), { excludedCidrs: ['198.51.100.0/24'] });
    await ctl.fullSync();
    expect(Object.keys(kernel.dump())).toEqual(['tcp/10.96.0.10/80']);
    expect(kernel.log.some((l) => l.key.includes('198.51.100') && l.cmd !== Cmd.GET_SERVICE)).toBe(false);
  });

  test('lost replies keep the Service dirty: the next sync applies it', async () => {
    const { IpvsResyncError } = await import('../../../src/netlink/ipvs/transport.js');
    const v = view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1')])]);
    const { kernel, ctl, setView } = setup(v);
    await ctl.fullSync();
    setView(view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.2')])]));
    const real = kernel.batch.bind(kernel);
    kernel.batch = async () => { throw new IpvsResyncError('ENOBUFS'); };
    ctl.endpointSliceChanged({ namespace: 'default', name: 'a-abc', serviceName: 'a' });
    await expect(ctl.syncDirty()).rejects.toThrow(/ENOBUFS/);
    kernel.batch = real;
    await ctl.syncDirty();
    expect(kernel.dump()['tcp/10.96.0.10/80']).toEqual(['10.244.1.2:8080 w1']);
  });

  test('ownership persists across controllers through the store file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/podroute-own-');
    try {
      const kernel = new FakeIpvsKernel();
      const file = `${dir}/owned.json`;
      let v = view([svc({ name: 'a' })], [slice('a', [ep('10.244.1.1')])]);
      const c1 = new ProxyController({ client: new IpvsClient(kernel), ownership: new OwnershipStore(file), cfg: cfg(), getView: () => v });
      await c1.fullSync();
      v = view([], []);
      const c2 = new ProxyController({ client: new IpvsClient(kernel), ownership: new OwnershipStore(file).load(), cfg: cfg(), getView: () => v });
      await c2.fullSync();
      expect(kernel.dump()).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
