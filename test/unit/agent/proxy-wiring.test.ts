// The service proxy inside the agent, against the in-memory IPVS kernel: a view change syncs only
// the Service that changed, syncs are timed into the metrics, the status view carries endpoints
// and counters; a kernel without IPVS or an unreadable ownership file leaves the proxy off and
// reported, never a crash.
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { NO_IPVS, ProxyWiring } from '../../../src/agent/proxy-wiring.js';
import { serviceStatus } from '../../../src/agent/proxy-status.js';
import type { ClusterSource } from '../../../src/cluster/source.js';
import type { ClusterView } from '../../../src/cluster/view.js';
import { createMetrics, type Metrics } from '../../../src/observe/metrics.js';
import { makeFakeProvider } from '../observe/fake-provider.js';
import { toServiceView } from '../../../src/observe/views.js';
import type { Logger } from '../../../src/util/log.js';
import { FakeIpvsKernel } from '../proxy/fake-kernel.js';
import { ep, slice, svc, view } from '../proxy/fixtures.js';

function source(initial: ClusterView) {
  let current = initial;
  const s = Object.assign(new EventEmitter(), { start: async () => {}, stop: async () => {}, view: () => current, ready: () => true }) as unknown as ClusterSource;
  return { source: s, set: (v: ClusterView) => { current = v; s.emit('change'); } };
}

function logger() {
  const lines: [string, string][] = [];
  const l: Logger = {
    debug: () => {}, info: (m) => void lines.push(['info', m]), warn: (m) => void lines.push(['warn', m]), error: (m) => void lines.push(['error', m]),
    child: () => l,
  } as Logger;
  return { log: l, lines };
}

const twoServices = () => view([svc({ name: 'a' }), svc({ name: 'b', clusterIPs: ['10.96.0.11'] })], [slice('a', [ep('10.244.1.1')]), slice('b', [ep('10.244.1.2')])]);
const settle = async (w: ProxyWiring) => { await new Promise((r) => setTimeout(r, 30)); await w.controller!.idle(); };

describe('ProxyWiring', () => {
  test('a kernel without IPVS: one warning, health ready and "unavailable", no services, no throw', async () => {
    const { source: src } = source(twoServices());
    const { log, lines } = logger();
    const w = new ProxyWiring({ nodeName: 'node-a', source: src, log, kernelObjects: false, openTransport: () => Promise.reject(Object.assign(new Error('ENOENT'), { errno: 2, code: 'ENOENT' })) });
    await w.start();
    expect(w.health()).toEqual({ name: 'proxy', ready: true, lastError: NO_IPVS });
    expect(lines.filter(([lvl]) => lvl !== 'info')).toEqual([['warn', expect.stringContaining('the kernel has no IPVS')]]);
    expect(w.services()).toEqual([]);
    expect(w.running).toBe(false);
    await w.stop();
  });

  test('any other failure to open IPVS: health not ready, with the reason', async () => {
    const { source: src } = source(twoServices());
    const w = new ProxyWiring({ nodeName: 'node-a', source: src, log: logger().log, kernelObjects: false, openTransport: () => Promise.reject(Object.assign(new Error('operation not permitted'), { errno: 1, code: 'EPERM' })) });
    await w.start();
    expect(w.health()).toEqual({ name: 'proxy', ready: false, lastError: 'cannot open IPVS: operation not permitted' });
  });

  test('a corrupt ownership file: the proxy stays off (never guesses what it owns) and says why', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pw-')), 'owned.json');
    writeFileSync(file, '{not json');
    const kernel = new FakeIpvsKernel();
    const w = new ProxyWiring({ nodeName: 'node-a', source: source(twoServices()).source, log: logger().log, kernelObjects: false, ownershipFile: file, openTransport: async () => kernel });
    await w.start();
    expect(w.health()).toMatchObject({ name: 'proxy', ready: false, lastError: expect.stringContaining(file) });
    expect(kernel.services.size).toBe(0);
  });

  test('start programs every Service; a slice change syncs only its Service; syncs timed into metrics', async () => {
    const kernel = new FakeIpvsKernel();
    const s = source(twoServices());
    const synced: string[] = [];
    const metrics = { observeSync: (c: string) => void synced.push(c) } as unknown as Metrics;
    const w = new ProxyWiring({ nodeName: 'node-a', source: s.source, log: logger().log, kernelObjects: false, debounceMs: 5, openTransport: async () => kernel });
    await w.start(metrics);
    expect(kernel.dump()).toEqual({ 'tcp/10.96.0.10/80': ['10.244.1.1:8080 w1'], 'tcp/10.96.0.11/80': ['10.244.1.2:8080 w1'] });
    expect(w.health()).toMatchObject({ name: 'proxy', ready: true, lastSyncAt: expect.any(String) });
    expect(synced).toEqual(['proxy']);

    kernel.log.length = 0;
    const v = twoServices();
    (v.endpointSlices as Map<string, ReturnType<typeof slice>>).set('default/b-abc', slice('b', [ep('10.244.1.3')]));
    s.set(v);
    await settle(w);
    expect(kernel.dump()['tcp/10.96.0.11/80']).toEqual(['10.244.1.3:8080 w1']);
    expect(new Set(kernel.log.map((l) => l.key))).toEqual(new Set(['tcp/10.96.0.11/80']));
    expect(synced).toEqual(['proxy', 'proxy']);

    // The same view again (a change event for something the proxy does not read): no sync at all.
    kernel.log.length = 0;
    s.set(structuredClone(v));
    await settle(w);
    expect(kernel.log).toEqual([]);
    expect(synced.length).toBe(2);
    await w.stop();
  });

  test('services(): the Services we own, in the ServiceView shape, endpoints as IPVS has them', async () => {
    const kernel = new FakeIpvsKernel();
    const s = source(twoServices());
    const w = new ProxyWiring({ nodeName: 'node-a', source: s.source, log: logger().log, kernelObjects: false, openTransport: async () => kernel });
    kernel.services.set('tcp/10.96.0.99/80', { service: { id: { family: 4, protocol: 'tcp', address: '10.96.0.99', port: 80 }, scheduler: 'wlc', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false }, dests: new Map() });
    await w.start();
    const list = w.services();
    expect(list.map((x) => `${x.namespace}/${x.name}`)).toEqual(['default/a', 'default/b']); // the foreign service is not ours
    expect(toServiceView(list[0])).toEqual({
      namespace: 'default', name: 'a', type: 'ClusterIP', clusterIP: '10.96.0.10', externalIPs: [],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      endpoints: [{ address: '10.244.1.1', port: 8080, ready: true }], scheduler: 'rr',
    });
    expect(list[0].stats).toEqual({ connections: 0, packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0 });
    await w.stop();
  });
});

test('serviceStatus sums counters over every virtual server; weight 0 is a not-ready (draining) endpoint', () => {
  const stats = (conns: number, pk: number) => ({ conns: BigInt(conns), inPkts: BigInt(pk), outPkts: BigInt(pk * 2), inBytes: BigInt(pk * 100), outBytes: BigInt(pk * 200), cps: 0n, inPps: 0n, outPps: 0n, inBps: 0n, outBps: 0n });
  const base = { scheduler: 'rr', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false, rawFlags: 0 };
  const dest = (address: string, weight: number, active: number) => ({ address, port: 8080, forward: 'masq' as const, weight, upperThreshold: 0, lowerThreshold: 0, activeConns: active, inactiveConns: 1, persistConns: 0 });
  const st = serviceStatus('shop/web', svc({ name: 'web', namespace: 'shop', type: 'NodePort', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: 30080 }] }), [
    { owner: 'shop/web', service: { ...base, id: { family: 4, protocol: 'tcp', address: '10.96.0.10', port: 80 }, stats: stats(3, 10) }, dests: [dest('10.244.1.2', 0, 1), dest('10.244.1.1', 1, 2)] },
    { owner: 'shop/web', service: { ...base, id: { family: 4, protocol: 'tcp', address: '192.168.1.10', port: 30080 }, stats: stats(2, 5) }, dests: [dest('10.244.1.1', 1, 4)] },
  ]);
  expect(st).toEqual({
    namespace: 'shop', name: 'web', type: 'NodePort', clusterIP: '10.96.0.10', externalIPs: [],
    ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web', nodePort: 30080 }],
    endpoints: [
      { address: '10.244.1.1', port: 8080, ready: true, activeConnections: 2, inactiveConnections: 1 },
      { address: '10.244.1.2', port: 8080, ready: false, activeConnections: 1, inactiveConnections: 1 },
    ],
    scheduler: 'rr', virtualServers: 2,
    stats: { connections: 5, packetsIn: 15, packetsOut: 30, bytesIn: 1500, bytesOut: 3000 },
  });
});

test('metrics: per-service IPVS counters come from services() stats, by namespace/service (and direction)', async () => {
  const provider = { ...makeFakeProvider(), services: () => [{ namespace: 'shop', name: 'web', stats: { connections: 5, packetsIn: 15, packetsOut: 30, bytesIn: 1500, bytesOut: 3000 } }, { namespace: 'x', name: 'no-stats' }] };
  const text = await createMetrics({ provider, processMetrics: false }).text();
  const lines = text.split('\n').filter((l) => l.startsWith('podroute_proxy_service'));
  expect(lines).toEqual([
    'podroute_proxy_services 2',
    'podroute_proxy_service_connections_total{namespace="shop",service="web"} 5',
    'podroute_proxy_service_packets_total{namespace="shop",service="web",direction="in"} 15',
    'podroute_proxy_service_packets_total{namespace="shop",service="web",direction="out"} 30',
    'podroute_proxy_service_bytes_total{namespace="shop",service="web",direction="in"} 1500',
    'podroute_proxy_service_bytes_total{namespace="shop",service="web",direction="out"} 3000',
  ]);
});
