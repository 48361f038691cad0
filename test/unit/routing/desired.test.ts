import { computeRouting, type RoutingFlags } from '../../../src/routing/desired.js';
import { emptyClusterView, type ClusterView, type NodeView } from '../../../src/cluster/view.js';

function node(name: string, ip: string, cidr: string, annotations: Record<string, string> = {}): NodeView {
  return { name, podCIDRs: [cidr], internalIPs: [ip], externalIPs: [], labels: {}, annotations, ready: true };
}
function view(...nodes: NodeView[]): ClusterView {
  return { ...emptyClusterView(), nodes: new Map(nodes.map((n) => [n.name, n])) };
}
const flags = (over: Partial<RoutingFlags> = {}): RoutingFlags => ({
  nodeName: 'n1', clusterAsn: 64512, fullMesh: true, bgpPort: 179, globalPeers: [], advertisePodCidr: true, ...over,
});

test('full mesh: every other node of the same ASN, own podCIDR originated', () => {
  const v = view(node('n1', '10.0.0.1', '10.244.1.0/24'), node('n2', '10.0.0.2', '10.244.2.0/24'), node('n3', '10.0.0.3', '10.244.3.0/24'));
  const { desired } = computeRouting(v, flags());
  expect(desired.asn).toBe(64512);
  expect(desired.routerId).toBe('10.0.0.1');
  expect(desired.originate).toEqual(['10.244.1.0/24']);
  expect(desired.peers.map((p) => [p.kind, p.nodeName, p.address, p.asn])).toEqual([
    ['node', 'n2', '10.0.0.2', 64512], ['node', 'n3', '10.0.0.3', 64512],
  ]);
});

test('nodes with another node.asn are not meshed; external peers from flags and annotations', () => {
  const v = view(
    node('n1', '10.0.0.1', '10.244.1.0/24', { 'kube-router.io/peers': '- {remoteip: 10.0.0.254, remoteasn: 65000}' }),
    node('n2', '10.0.0.2', '10.244.2.0/24', { 'podroute.io/node.asn': '64600' }),
  );
  const { desired } = computeRouting(v, flags({ globalPeers: [{ address: '10.0.0.253', asn: 65001 }] }));
  expect(desired.peers.map((p) => [p.kind, p.address, p.asn])).toEqual([
    ['external', '10.0.0.254', 65000], ['external', '10.0.0.253', 65001],
  ]);
});

test('route reflectors replace the mesh', () => {
  const rr = { 'podroute.io/rr.server': '1.1.1.1' };
  const cl = { 'podroute.io/rr.client': '1.1.1.1' };
  const v = view(node('n1', '10.0.0.1', '10.244.1.0/24', rr), node('r2', '10.0.0.2', '10.244.2.0/24', rr),
    node('c3', '10.0.0.3', '10.244.3.0/24', cl), node('c4', '10.0.0.4', '10.244.4.0/24', cl));
  const server = computeRouting(v, flags()).desired;
  expect(server.clusterId).toBe('1.1.1.1');
  expect(server.peers.map((p) => [p.nodeName, !!p.rrClient])).toEqual([['r2', false], ['c3', true], ['c4', true]]);
  const client = computeRouting(v, flags({ nodeName: 'c3' })).desired;
  expect(client.peers.map((p) => p.nodeName)).toEqual(['n1', 'r2']);
});

test('a bad annotation keeps the last good value and is reported', () => {
  const good = view(node('n1', '10.0.0.1', '10.244.1.0/24', { 'podroute.io/peers': '- {remoteip: 10.0.0.254, remoteasn: 65000}' }));
  const first = computeRouting(good, flags());
  expect(first.desired.errors).toEqual([]);
  const bad = view(node('n1', '10.0.0.1', '10.244.1.0/24', { 'podroute.io/peers': '- {remoteip: 10.0.0.254}' }));
  const second = computeRouting(bad, flags(), first.lastGood);
  expect(second.desired.errors).toEqual([expect.objectContaining({ node: 'n1', annotation: 'podroute.io/peers' })]);
  expect(second.desired.peers.map((p) => p.address)).toEqual(['10.0.0.254']);
});

test('prepend and communities toward external peers; pod-cidr annotation overrides spec', () => {
  const v = view(node('n1', '10.0.0.1', '10.244.1.0/24', {
    'kube-router.io/path-prepend.as': '64512', 'kube-router.io/path-prepend.repeat-n': '2',
    'kube-router.io/node.bgp.communities': '64512:1', 'podroute.io/pod-cidrs': '10.250.0.0/24,fd00:10::/64',
  }));
  const { desired } = computeRouting(v, flags());
  expect(desired.policy).toEqual({ communities: ['64512:1'], prepend: { asn: 64512, repeat: 2 }, importReject: [] });
  expect(desired.originate).toEqual(['10.250.0.0/24', 'fd00:10::/64']);
});

test('missing self is a clear error', () => {
  expect(() => computeRouting(view(), flags())).toThrow('node "n1" is not in the cluster view');
});
