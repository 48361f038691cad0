// computeServiceRoutes: which service VIPs a node advertises to its external peers (kube-router's
// flags, per-service annotations, traffic policy Local), and which VIPs are never imported.
import { describe, expect, test } from '@jest/globals';
import { computeServiceRoutes, DEFAULT_SERVICE_ADVERTISE, hostPrefix } from '../../../src/routing/service-routes.js';
import { ep, slice, svc, view } from '../proxy/fixtures.js';

const ALL = { clusterIP: true, externalIP: true, loadBalancerIP: true };

describe('flags', () => {
  const s = svc({ name: 'web', type: 'LoadBalancer', clusterIPs: ['10.96.0.10'], externalIPs: ['198.51.100.7'], loadBalancerIPs: ['203.0.113.5'] });
  test('defaults: externalIPs and LoadBalancer IPs, not ClusterIPs (kube-router defaults)', () => {
    const r = computeServiceRoutes(view([s], []), 'node-a', DEFAULT_SERVICE_ADVERTISE);
    expect(r.advertise).toEqual(['198.51.100.7/32', '203.0.113.5/32']);
    expect(r.errors).toEqual([]);
  });
  test('each kind switched by its flag', () => {
    expect(computeServiceRoutes(view([s], []), 'node-a', ALL).advertise).toEqual(['10.96.0.10/32', '198.51.100.7/32', '203.0.113.5/32']);
    expect(computeServiceRoutes(view([s], []), 'node-a', { clusterIP: false, externalIP: false, loadBalancerIP: true }).advertise).toEqual(['203.0.113.5/32']);
    expect(computeServiceRoutes(view([s], []), 'node-a', { clusterIP: false, externalIP: false, loadBalancerIP: false }).advertise).toEqual([]);
  });
  test('every VIP is on the import reject list, advertised here or not', () => {
    const r = computeServiceRoutes(view([s], []), 'node-a', { clusterIP: false, externalIP: false, loadBalancerIP: false });
    expect(r.reject).toEqual(['10.96.0.10/32', '198.51.100.7/32', '203.0.113.5/32']);
  });
});

describe('per-service annotations', () => {
  test('podroute.io names override the flags both ways', () => {
    const s = svc({ name: 'a', clusterIPs: ['10.96.0.1'], externalIPs: ['198.51.100.1'], annotations: { 'podroute.io/service.advertise.clusterip': 'true', 'podroute.io/service.advertise.externalip': 'false' } });
    expect(computeServiceRoutes(view([s], []), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual(['10.96.0.1/32']);
  });
  test('kube-router.io names are honoured; ours win when both are set', () => {
    const s = svc({ name: 'a', loadBalancerIPs: ['203.0.113.1'], annotations: { 'kube-router.io/service.advertise.loadbalancerip': 'false' } });
    expect(computeServiceRoutes(view([s], []), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual([]);
    const both = { ...s, annotations: { ...s.annotations, 'podroute.io/service.advertise.loadbalancerip': 'true' } };
    expect(computeServiceRoutes(view([both], []), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual(['203.0.113.1/32']);
  });
  test('a bad value is reported with the exact reason and the flag default applies', () => {
    const s = svc({ name: 'a', namespace: 'shop', externalIPs: ['198.51.100.9'], annotations: { 'podroute.io/service.advertise.externalip': 'yes please' } });
    const r = computeServiceRoutes(view([s], []), 'node-a', DEFAULT_SERVICE_ADVERTISE);
    expect(r.advertise).toEqual(['198.51.100.9/32']);
    expect(r.errors).toEqual([{ service: 'shop/a', annotation: 'podroute.io/service.advertise.externalip', value: 'yes please', reason: '"yes please" is not "true" or "false"; using the default (true)' }]);
  });
});

describe('traffic policy Local', () => {
  const local = svc({ name: 'web', externalIPs: ['198.51.100.7'], loadBalancerIPs: ['203.0.113.5'], externalTrafficPolicy: 'Local' });
  test('advertised only by a node with a ready local endpoint', () => {
    const here = slice('web', [ep('10.244.1.5', { nodeName: 'node-a' })]);
    const elsewhere = slice('web', [ep('10.244.2.5', { nodeName: 'node-b' })]);
    const notReady = slice('web', [ep('10.244.1.6', { nodeName: 'node-a', ready: false })]);
    expect(computeServiceRoutes(view([local], [here]), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual(['198.51.100.7/32', '203.0.113.5/32']);
    expect(computeServiceRoutes(view([local], [elsewhere]), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual([]);
    expect(computeServiceRoutes(view([local], [notReady]), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual([]);
    expect(computeServiceRoutes(view([local], []), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual([]);
  });
  test('externalTrafficPolicy Local leaves the ClusterIP to internalTrafficPolicy', () => {
    const r = computeServiceRoutes(view([local], []), 'node-a', ALL);
    expect(r.advertise).toEqual(['10.96.0.10/32']);
    const itpLocal = { ...local, internalTrafficPolicy: 'Local' as const };
    expect(computeServiceRoutes(view([itpLocal], []), 'node-a', ALL).advertise).toEqual([]);
  });
  test('the service.local annotation makes every VIP local', () => {
    const s = svc({ name: 'web', externalIPs: ['198.51.100.7'], annotations: { 'kube-router.io/service.local': 'true' } });
    expect(computeServiceRoutes(view([s], []), 'node-a', ALL).advertise).toEqual([]);
    expect(computeServiceRoutes(view([s], [slice('web', [ep('10.244.1.5')])]), 'node-a', ALL).advertise).toEqual(['10.96.0.10/32', '198.51.100.7/32']);
  });
  test('a slice of another service or namespace does not count', () => {
    const other = slice('api', [ep('10.244.1.5')]);
    const otherNs = slice('web', [ep('10.244.1.5')], { namespace: 'shop' });
    expect(computeServiceRoutes(view([local], [other, otherNs]), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual([]);
  });
});

describe('shapes', () => {
  test('IPv6 VIPs become canonical /128s; headless and ExternalName services give nothing', () => {
    const v6 = svc({ name: 'v6', clusterIPs: ['fd00:96::000a'], externalIPs: ['2001:DB8::7'] });
    const headless = svc({ name: 'h', clusterIPs: ['None'] });
    const ext = svc({ name: 'x', type: 'ExternalName', clusterIPs: [], externalIPs: ['198.51.100.50'] });
    const r = computeServiceRoutes(view([v6, headless, ext], []), 'node-a', ALL);
    expect(r.advertise).toEqual(['2001:db8::7/128', 'fd00:96::a/128']);
    expect(r.reject).toEqual(r.advertise);
    expect(hostPrefix('10.1.2.3')).toBe('10.1.2.3/32');
  });
  test('a VIP shared by two services is advertised once', () => {
    const a = svc({ name: 'a', externalIPs: ['198.51.100.7'] });
    const b = svc({ name: 'b', externalIPs: ['198.51.100.7'] });
    expect(computeServiceRoutes(view([a, b], []), 'node-a', DEFAULT_SERVICE_ADVERTISE).advertise).toEqual(['198.51.100.7/32']);
  });
});
