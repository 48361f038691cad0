// View changes → per-Service dirtiness: only the Services and EndpointSlices whose normalized value
// changed are marked; node facts every Service depends on ask for one full sync instead.
import { describe, expect, test } from '@jest/globals';
import { canonicalText, clusterCidrsOf, proxyChanges } from '../../../src/agent/proxy-changes.js';
import { ep, node, slice, svc, view } from '../proxy/fixtures.js';

const base = () => view([svc({ name: 'a' }), svc({ name: 'b', clusterIPs: ['10.96.0.11'] })], [slice('a', [ep('10.244.1.1')]), slice('b', [ep('10.244.1.2')])], [node('node-a'), node('node-b', { podCIDRs: ['10.244.2.0/24'] })]);
const clone = <T>(v: T): T => structuredClone(v);

describe('proxyChanges', () => {
  test('the first view is a full sync', () => {
    expect(proxyChanges(undefined, base(), 'node-a')).toEqual({ services: [], slices: [], global: true });
  });

  test('an equal view rebuilt from scratch (other objects, other key order) changes nothing', () => {
    const a = base();
    const b = clone(a);
    const s = b.services.get('default/a')!;
    (b.services as Map<string, typeof s>).set('default/a', Object.fromEntries(Object.entries(s).reverse()) as typeof s);
    expect(proxyChanges(a, b, 'node-a')).toEqual({ services: [], slices: [], global: false });
  });

  test("one slice's endpoints change: only that slice is reported", () => {
    const a = base();
    const b = clone(a);
    (b.endpointSlices as Map<string, ReturnType<typeof slice>>).set('default/b-abc', slice('b', [ep('10.244.1.2'), ep('10.244.1.3')]));
    expect(proxyChanges(a, b, 'node-a')).toEqual({ services: [], slices: [{ ...slice('b', [ep('10.244.1.2'), ep('10.244.1.3')]) }], global: false });
  });

  test('a Service changed, one removed, one added; a slice removed is reported as it was', () => {
    const a = base();
    const b = clone(a);
    const services = b.services as Map<string, ReturnType<typeof svc>>;
    services.set('default/a', svc({ name: 'a', ports: [{ name: 'http', protocol: 'TCP', port: 81, targetPort: 8080 }] }));
    services.delete('default/b');
    services.set('shop/c', svc({ name: 'c', namespace: 'shop', clusterIPs: ['10.96.0.12'] }));
    (b.endpointSlices as Map<string, unknown>).delete('default/b-abc');
    const ch = proxyChanges(a, b, 'node-a');
    expect(ch.services.map((s) => `${s.namespace}/${s.name}`).sort()).toEqual(['default/a', 'default/b', 'shop/c']);
    expect(ch.slices.map((s) => `${s.namespace}/${s.name}→${s.serviceName}`)).toEqual(['default/b-abc→b']);
    expect(ch.global).toBe(false);
  });

  test('a slice relabelled to another Service dirties both', () => {
    const a = base();
    const b = clone(a);
    (b.endpointSlices as Map<string, ReturnType<typeof slice>>).set('default/b-abc', { ...slice('b', [ep('10.244.1.2')]), serviceName: 'a' });
    expect(proxyChanges(a, b, 'node-a').slices.map((s) => s.serviceName)).toEqual(['b', 'a']);
  });

  test("this node's addresses or any podCIDR → global; another node's addresses → nothing", () => {
    const a = base();
    const mine = clone(a);
    (mine.nodes as Map<string, ReturnType<typeof node>>).set('node-a', node('node-a', { internalIPs: ['192.168.1.11'] }));
    expect(proxyChanges(a, mine, 'node-a').global).toBe(true);
    const cidr = clone(a);
    (cidr.nodes as Map<string, ReturnType<typeof node>>).set('node-b', node('node-b', { podCIDRs: ['10.244.3.0/24'] }));
    expect(proxyChanges(a, cidr, 'node-a').global).toBe(true);
    const other = clone(a);
    (other.nodes as Map<string, ReturnType<typeof node>>).set('node-b', node('node-b', { podCIDRs: ['10.244.2.0/24'], internalIPs: ['192.168.1.99'], labels: { x: 'y' } }));
    expect(proxyChanges(a, other, 'node-a')).toEqual({ services: [], slices: [], global: false });
  });
});

test('canonicalText sorts object keys at every depth, keeps array order', () => {
  expect(canonicalText({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
});

test('clusterCidrsOf: every podCIDR plus the extra ones, deduplicated and sorted', () => {
  expect(clusterCidrsOf(base(), ['10.96.0.0/12', '10.244.2.0/24'])).toEqual(['10.244.2.0/24', '10.96.0.0/12']);
});
