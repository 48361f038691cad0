import { describe, expect, test } from '@jest/globals';
import { computeIpvs } from '../../../src/proxy/desired.js';
import { computeNetfilter, setName } from '../../../src/proxy/netfilter.js';
import { renderRestore, setLines } from '../../../src/proxy/netfilter-apply.js';
import { cfg, ep, slice, svc, view } from './fixtures.js';

const np = svc({ name: 'np', type: 'NodePort', externalIPs: ['198.51.100.7'], ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] });
const local = svc({ name: 'loc', clusterIPs: ['10.96.0.11'], type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30053 }] });
const v = view([np, local], [slice('np', [ep('10.244.1.5')]), slice('loc', [ep('10.244.1.6')], { ports: [{ name: 'http', port: 5353, protocol: 'UDP' }] })]);
const members = (spec: ReturnType<typeof computeNetfilter>, name: string): string[] => spec.v4.sets.find((s) => s.name === name)!.members;

describe('computeNetfilter', () => {
  const spec = computeNetfilter(computeIpvs(v, cfg()).virtualServers.values(), { masqueradeAll: false, clusterCidrs: ['10.244.0.0/16', 'fd00:244::/56'] });

  test('VIP set has cluster and external IPs but not node addresses; port set has every virtual server', () => {
    expect(members(spec, setName('vip', 4))).toEqual(['10.96.0.10', '10.96.0.11', '198.51.100.7']);
    expect(members(spec, setName('port', 4))).toEqual(['10.96.0.10,tcp:80', '10.96.0.11,udp:53', '192.168.1.10,tcp:30080', '192.168.1.10,udp:30053', '198.51.100.7,tcp:80']);
  });

  test('external entries with traffic policy Cluster are masqueraded from outside; policy Local keeps the client IP', () => {
    expect(members(spec, setName('ext', 4))).toEqual(['192.168.1.10,tcp:30080', '198.51.100.7,tcp:80']);
    expect(spec.v4.nat.get('PODROUTE-SVC-MARK')).toEqual([`-m set --match-set podroute-svc-ext-v4 dst,dst -m set ! --match-set podroute-svc-cluster-v4 src -j MARK --set-xmark 0x8000/0x8000`]);
  });

  test('hairpin set pairs every endpoint with itself; cluster CIDRs split by family', () => {
    expect(members(spec, setName('hairpin', 4))).toEqual(['10.244.1.5,tcp:8080,10.244.1.5', '10.244.1.6,udp:5353,10.244.1.6']);
    expect(members(spec, setName('cluster', 4))).toEqual(['10.244.0.0/16']);
    expect(spec.v6.sets.find((s) => s.name === setName('cluster', 6))!.members).toEqual(['fd00:244::/56']);
  });

  test('masqueradeAll marks every service packet', () => {
    const all = computeNetfilter(computeIpvs(v, cfg()).virtualServers.values(), { masqueradeAll: true, clusterCidrs: [] });
    expect(all.v4.nat.get('PODROUTE-SVC-MARK')).toEqual(['-m set --match-set podroute-svc-port-v4 dst,dst -j MARK --set-xmark 0x8000/0x8000']);
  });

  test('firewall: non-VIP traffic returns, service ports accepted, ICMP accepted, the rest rejected', () => {
    expect(spec.v4.filter.get('PODROUTE-SVC-FW')).toEqual([
      '-m set ! --match-set podroute-svc-vip-v4 dst -j RETURN',
      '-m set --match-set podroute-svc-port-v4 dst,dst -j ACCEPT',
      '-p icmp -j ACCEPT',
      '-j REJECT --reject-with icmp-port-unreachable',
    ]);
    expect(spec.v6.filter.get('PODROUTE-SVC-FW')![2]).toBe('-p ipv6-icmp -j ACCEPT');
  });

  test('set names fit ipset (31 characters)', () => {
    for (const f of [spec.v4, spec.v6]) for (const s of f.sets) expect(s.name.length).toBeLessThanOrEqual(28);
  });
});

describe('restore rendering', () => {
  test('first apply replaces through a temp set; later applies send only the delta', () => {
    const s = { name: 'podroute-svc-vip-v4', type: 'hash:ip' as const, family: 4 as const, members: ['10.0.0.1', '10.0.0.2'] };
    expect(setLines(s, undefined)).toEqual([
      'create podroute-svc-vip-v4 hash:ip family inet hashsize 1024 maxelem 65536 -exist',
      'create podroute-svc-vip-v4-t hash:ip family inet hashsize 1024 maxelem 65536 -exist',
      'flush podroute-svc-vip-v4-t', 'add podroute-svc-vip-v4-t 10.0.0.1', 'add podroute-svc-vip-v4-t 10.0.0.2',
      'swap podroute-svc-vip-v4-t podroute-svc-vip-v4', 'destroy podroute-svc-vip-v4-t',
    ]);
    expect(setLines(s, ['10.0.0.1', '10.0.0.3'])).toEqual(['del podroute-svc-vip-v4 10.0.0.3 -exist', 'add podroute-svc-vip-v4 10.0.0.2 -exist']);
  });

  test('iptables-restore input declares only our chains (noflush keeps everything else)', () => {
    const spec = computeNetfilter(computeIpvs(v, cfg()).virtualServers.values(), { masqueradeAll: false, clusterCidrs: [] });
    const text = renderRestore(spec.v4);
    expect(text.split('\n').filter((l) => l.startsWith(':'))).toEqual([':PODROUTE-SVC-MARK - [0:0]', ':PODROUTE-SVC-POSTRT - [0:0]', ':PODROUTE-SVC-FW - [0:0]']);
    expect(text).toMatch(/^\*nat\n[\s\S]*COMMIT\n\*filter\n[\s\S]*COMMIT\n$/);
  });
});
