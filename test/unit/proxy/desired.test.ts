import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { computeIpvs, DEFAULT_AFFINITY_SECONDS } from '../../../src/proxy/desired.js';
import { cfg, ep, node, slice, svc, view } from './fixtures.js';

const dests = (d: ReturnType<typeof computeIpvs>, key: string): string[] => d.virtualServers.get(key)!.dests.map((x) => `${x.address}:${x.port}/${x.weight}`);

describe('ClusterIP', () => {
  test('one virtual server per cluster IP and port, masq destinations from the slice', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('web', [ep('10.244.1.5'), ep('10.244.2.7')])]), cfg());
    expect([...d.virtualServers.keys()]).toEqual(['tcp/10.96.0.10/80']);
    const vs = d.virtualServers.get('tcp/10.96.0.10/80')!;
    expect(vs).toMatchObject({ owner: 'default/web', kind: 'ClusterIP', portName: 'http' });
    expect(vs.service).toEqual({ id: { family: 4, protocol: 'tcp', address: '10.96.0.10', port: 80 }, scheduler: 'rr', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false });
    expect(vs.dests).toEqual([
      { address: '10.244.1.5', port: 8080, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
      { address: '10.244.2.7', port: 8080, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
    ]);
    expect([...d.vips]).toEqual(['10.96.0.10']);
  });

  test('a service with no endpoints still gets its virtual server (connections are refused, not routed elsewhere)', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], []), cfg());
    expect(d.virtualServers.get('tcp/10.96.0.10/80')!.dests).toEqual([]);
  });

  test('headless and ExternalName services get nothing', () => {
    const d = computeIpvs(view([svc({ name: 'h', clusterIPs: ['None'] }), svc({ name: 'x', type: 'ExternalName', clusterIPs: [] }), svc({ name: 'e', clusterIPs: [] })], []), cfg());
    expect(d.virtualServers.size).toBe(0);
    expect(d.vips.size).toBe(0);
  });

  test('dual-stack: each family only takes endpoints of its own address type', () => {
    const s = svc({ name: 'web', clusterIPs: ['10.96.0.10', 'FD00::A'] });
    const d = computeIpvs(view([s], [slice('web', [ep('10.244.1.5')]), slice('web', [ep('fd00:244::5')], { name: 'web-v6', addressType: 'IPv6' })]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.5:8080/1']);
    expect(dests(d, 'tcp/[fd00::a]/80')).toEqual(['fd00:244::5:8080/1']);
    expect(d.virtualServers.get('tcp/[fd00::a]/80')!.service.netmaskBits).toBe(128);
  });

  test('multiple ports match slice ports by name and protocol (UDP and TCP on the same port number)', () => {
    const s = svc({ name: 'dns', ports: [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 }] });
    const sl = slice('dns', [ep('10.244.1.5')], { ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5354, protocol: 'TCP' }] });
    const d = computeIpvs(view([s], [sl]), cfg());
    expect(dests(d, 'udp/10.96.0.10/53')).toEqual(['10.244.1.5:5353/1']);
    expect(dests(d, 'tcp/10.96.0.10/53')).toEqual(['10.244.1.5:5354/1']);
  });

  test('SCTP services map to IPVS sctp', () => {
    const d = computeIpvs(view([svc({ name: 's', ports: [{ name: '', protocol: 'SCTP', port: 9, targetPort: 9 }] })], [slice('s', [ep('10.244.1.5')], { ports: [{ name: '', port: 9, protocol: 'SCTP' }] })]), cfg());
    expect(dests(d, 'sctp/10.96.0.10/9')).toEqual(['10.244.1.5:9/1']);
  });

  test('slices of another service or namespace are ignored', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('other', [ep('10.244.9.9')]), slice('web', [ep('10.244.8.8')], { namespace: 'prod' })]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual([]);
  });
});

describe('endpoint conditions', () => {
  test('ready → weight 1; terminating → weight 0 (drain); not ready and not terminating → absent', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('web', [ep('10.244.1.1'), ep('10.244.1.2', { ready: false, serving: true, terminating: true }), ep('10.244.1.3', { ready: false, serving: false, terminating: false })])]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.1:8080/1', '10.244.1.2:8080/0']);
  });

  test('no ready endpoint: serving-and-terminating endpoints carry traffic; non-serving terminating ones drain', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('web', [ep('10.244.1.2', { ready: false, serving: true, terminating: true }), ep('10.244.1.4', { ready: false, serving: false, terminating: true })])]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.2:8080/1', '10.244.1.4:8080/0']);
  });

  test('an endpoint listed in two slices counts once, ready wins', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('web', [ep('10.244.1.1', { ready: false, terminating: true, serving: false })]), slice('web', [ep('10.244.1.1')], { name: 'web-2' })]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.1:8080/1']);
  });

  test('malformed endpoint addresses are skipped, the rest is programmed', () => {
    const d = computeIpvs(view([svc({ name: 'web' })], [slice('web', [ep('not-an-ip'), ep('10.244.1.1'), { ...ep('x'), addresses: [] }])]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.1:8080/1']);
  });
});

describe('NodePort, externalIPs, LoadBalancer', () => {
  const np = svc({ name: 'np', type: 'NodePort', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] });

  test('NodePort on the node InternalIP/ExternalIP addresses; node IPs are not VIPs', () => {
    const d = computeIpvs(view([np], [slice('np', [ep('10.244.1.5')])], [node('node-a', { internalIPs: ['192.168.1.10'], externalIPs: ['203.0.113.4'] })]), cfg());
    expect([...d.virtualServers.keys()].sort()).toEqual(['tcp/10.96.0.10/80', 'tcp/192.168.1.10/30080', 'tcp/203.0.113.4/30080']);
    expect(d.virtualServers.get('tcp/192.168.1.10/30080')!.kind).toBe('NodePort');
    expect([...d.vips]).toEqual(['10.96.0.10']);
  });

  test("nodePortAddresses 'all' uses every local address except loopback; an explicit list is used as given", () => {
    const all = computeIpvs(view([np], []), cfg({ nodePortAddresses: 'all', localAddresses: ['127.0.0.1', '10.0.0.1', '192.168.1.10'] }));
    expect([...all.virtualServers.keys()].filter((k) => k.endsWith('/30080')).sort()).toEqual(['tcp/10.0.0.1/30080', 'tcp/192.168.1.10/30080']);
    const list = computeIpvs(view([np], []), cfg({ nodePortAddresses: ['10.1.1.1'] }));
    expect([...list.virtualServers.keys()].filter((k) => k.endsWith('/30080'))).toEqual(['tcp/10.1.1.1/30080']);
  });

  test('a v4-only service gets no IPv6 NodePort', () => {
    const d = computeIpvs(view([np], [], [node('node-a', { internalIPs: ['192.168.1.10', 'fd00::10'] })]), cfg());
    expect([...d.virtualServers.keys()].some((k) => k.includes('fd00'))).toBe(false);
  });

  test('externalIPs and LoadBalancer ingress IPs become VIPs with the same endpoints; duplicates collapse', () => {
    const lb = svc({ name: 'lb', type: 'LoadBalancer', externalIPs: ['198.51.100.7'], loadBalancerIPs: ['198.51.100.8', '198.51.100.7'], ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30081 }] });
    const d = computeIpvs(view([lb], [slice('lb', [ep('10.244.1.5')])]), cfg());
    expect(d.virtualServers.get('tcp/198.51.100.7/80')!.kind).toBe('ExternalIP');
    expect(d.virtualServers.get('tcp/198.51.100.8/80')!.kind).toBe('LoadBalancer');
    expect([...d.vips].sort()).toEqual(['10.96.0.10', '198.51.100.7', '198.51.100.8']);
    expect(dests(d, 'tcp/198.51.100.8/80')).toEqual(['10.244.1.5:8080/1']);
  });

  test('LoadBalancer IPs of a non-LoadBalancer service are ignored', () => {
    const d = computeIpvs(view([svc({ name: 'c', loadBalancerIPs: ['198.51.100.9'] })], []), cfg());
    expect(d.vips.has('198.51.100.9')).toBe(false);
  });
});

describe('traffic policies and health checks', () => {
  const eps = [ep('10.244.1.5', { nodeName: 'node-a' }), ep('10.244.2.5', { nodeName: 'node-b' })];

  test('externalTrafficPolicy Local: external entries keep local endpoints only, ClusterIP keeps all', () => {
    const s = svc({ name: 'lb', type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerIPs: ['198.51.100.8'], healthCheckNodePort: 32000, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30081 }] });
    const d = computeIpvs(view([s], [slice('lb', eps)]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.5:8080/1', '10.244.2.5:8080/1']);
    expect(dests(d, 'tcp/198.51.100.8/80')).toEqual(['10.244.1.5:8080/1']);
    expect(dests(d, 'tcp/192.168.1.10/30081')).toEqual(['10.244.1.5:8080/1']);
    expect(d.healthChecks).toEqual([{ owner: 'default/lb', port: 32000, localEndpoints: 1 }]);
  });

  test('ETP Local with no local endpoint: external entries are empty, health check reports 0', () => {
    const s = svc({ name: 'lb', type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerIPs: ['198.51.100.8'], healthCheckNodePort: 32000, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30081 }] });
    const d = computeIpvs(view([s], [slice('lb', [eps[1]])]), cfg());
    expect(dests(d, 'tcp/198.51.100.8/80')).toEqual([]);
    expect(d.healthChecks[0].localEndpoints).toBe(0);
  });

  test('internalTrafficPolicy Local: ClusterIP keeps local endpoints only', () => {
    const d = computeIpvs(view([svc({ name: 'web', internalTrafficPolicy: 'Local' })], [slice('web', eps)]), cfg());
    expect(dests(d, 'tcp/10.96.0.10/80')).toEqual(['10.244.1.5:8080/1']);
  });
});

describe('affinity, scheduler, exclusions, conflicts', () => {
  test('ClientIP affinity → persistence with the timeout (default 3h), full netmask', () => {
    const d = computeIpvs(view([svc({ name: 'a', sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 }), svc({ name: 'b', clusterIPs: ['10.96.0.11'], sessionAffinity: 'ClientIP' })], []), cfg());
    expect(d.virtualServers.get('tcp/10.96.0.10/80')!.service).toMatchObject({ persistence: 600, netmaskBits: 32 });
    expect(d.virtualServers.get('tcp/10.96.0.11/80')!.service.persistence).toBe(DEFAULT_AFFINITY_SECONDS);
  });

  test('scheduler from podroute.io or kube-router.io annotations, with flags; bad values fall back and are reported', () => {
    const d = computeIpvs(view([
      svc({ name: 'a', annotations: { 'podroute.io/service.scheduler': 'sh', 'podroute.io/service.schedflags': 'flag-1,flag-2' } }),
      svc({ name: 'b', clusterIPs: ['10.96.0.11'], annotations: { 'kube-router.io/service.scheduler': 'mh' } }),
      svc({ name: 'c', clusterIPs: ['10.96.0.12'], annotations: { 'podroute.io/service.scheduler': 'bogus' } }),
    ], []), cfg({ defaultScheduler: 'wlc' }));
    expect(d.virtualServers.get('tcp/10.96.0.10/80')!.service).toMatchObject({ scheduler: 'sh', schedFlags: { fallback: true, port: true } });
    expect(d.virtualServers.get('tcp/10.96.0.11/80')!.service.scheduler).toBe('mh');
    expect(d.virtualServers.get('tcp/10.96.0.12/80')!.service.scheduler).toBe('wlc');
    expect(d.problems.join('\n')).toMatch(/default\/c: .*unknown scheduler "bogus"/);
  });

  test('VIPs inside excluded CIDRs are not programmed', () => {
    const d = computeIpvs(view([svc({ name: 'a', externalIPs: ['198.51.100.7'] })], []), cfg({ excludedCidrs: ['198.51.100.0/24'] }));
    expect([...d.virtualServers.keys()]).toEqual(['tcp/10.96.0.10/80']);
    expect(d.problems.join()).toMatch(/excluded/);
  });

  test('two services claiming one VIP:port: the first (by name) keeps it, the other is reported', () => {
    const d = computeIpvs(view([svc({ name: 'b' }), svc({ name: 'a' })], []), cfg());
    expect(d.virtualServers.get('tcp/10.96.0.10/80')!.owner).toBe('default/a');
    expect(d.problems.join()).toMatch(/default\/b: .* already belongs to default\/a/);
  });
});

describe('properties', () => {
  const arbEp = fc.record({ host: fc.integer({ min: 1, max: 40 }), ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean(), local: fc.boolean() });
  test('deterministic; every destination comes from a slice endpoint; weights are 0/1; ready endpoints always get 1', () => {
    fc.assert(fc.property(fc.uniqueArray(arbEp, { maxLength: 30, selector: (e) => e.host }), fc.boolean(), (es, itpLocal) => {
      const endpoints = es.map((e) => ep(`10.244.0.${e.host}`, { ready: e.ready, serving: e.serving, terminating: e.terminating, nodeName: e.local ? 'node-a' : 'node-b' }));
      const v = view([svc({ name: 'w', internalTrafficPolicy: itpLocal ? 'Local' : 'Cluster' })], [slice('w', endpoints)]);
      const a = computeIpvs(v, cfg());
      const b = computeIpvs(v, cfg());
      expect(JSON.stringify([...a.virtualServers])).toBe(JSON.stringify([...b.virtualServers]));
      const ds = a.virtualServers.get('tcp/10.96.0.10/80')!.dests;
      expect(new Set(ds.map((d) => d.address)).size).toBe(ds.length);
      for (const d of ds) {
        expect([0, 1]).toContain(d.weight);
        const src = endpoints.filter((e) => e.addresses[0] === d.address);
        expect(src.length).toBeGreaterThan(0);
        if (itpLocal) expect(src.some((e) => e.nodeName === 'node-a')).toBe(true);
      }
      for (const e of endpoints) if (e.ready && (!itpLocal || e.nodeName === 'node-a')) expect(ds.find((d) => d.address === e.addresses[0])?.weight).toBe(1);
    }));
  });
});
