import { parseClusterFile } from '../../../src/cluster/file-format.js';

const FILE = `
apiVersion: v1
kind: Node
metadata: { name: node-1, annotations: { podroute.io/node.asn: "64512" }, labels: { zone: a } }
spec: { podCIDR: 10.244.1.0/24 }
status: { addresses: [ { type: InternalIP, address: 10.0.0.11 }, { type: Hostname, address: node-1 } ] }
---
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { nodeName: node-1, containers: [ { name: c, ports: [ { name: http, containerPort: 8080 } ] } ] }
status: { podIP: 10.244.1.5, phase: Running }
---
kind: NetworkPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  egress: [ { to: [ { ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } } ], ports: [ { port: 53, protocol: UDP } ] } ]
---
kind: EndpointSlice
metadata: { name: web-abc, namespace: shop, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [ { name: http, port: 8080 } ]
endpoints: [ { addresses: [10.244.1.5], conditions: { ready: false, serving: true, terminating: true } }, { addresses: [10.244.1.6] } ]
`;

test('Kubernetes objects as YAML become a ClusterView', () => {
  const v = parseClusterFile(FILE);
  expect(v.nodes.get('node-1')).toEqual({
    name: 'node-1', podCIDRs: ['10.244.1.0/24'], internalIPs: ['10.0.0.11'], externalIPs: [],
    labels: { zone: 'a' }, annotations: { 'podroute.io/node.asn': '64512' }, ready: true,
  });
  expect(v.pods.get('shop/web')).toMatchObject({ ips: ['10.244.1.5'], nodeName: 'node-1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
  expect(v.namespaces.get('shop')).toEqual({ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } });
  const np = v.networkPolicies.get('shop/allow-web')!;
  expect(np.policyTypes).toEqual(['Ingress', 'Egress']); // API defaulting: egress rules present
  expect(np.egress[0]).toEqual({ peers: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'UDP', port: 53 }] });
  const es = v.endpointSlices.get('shop/web-abc')!;
  expect(es.serviceName).toBe('web');
  expect(es.endpoints.map((e) => [e.ready, e.serving, e.terminating])).toEqual([[false, true, true], [true, true, false]]);
});

test.each([
  ['kind: Gadget\nmetadata: { name: x }\n', 'unsupported kind "Gadget"'],
  ['kind: Node\nmetadata: {}\n', 'metadata.name is missing'],
  ['kind: Node\nmetadata: { name: a }\n---\nkind: Node\nmetadata: { name: a }\n', 'Node a is defined twice'],
  ['kind: Node\nmetadata: { name: [\n', 'document 1'],
  ['- 1\n', 'not a Kubernetes object'],
])('bad file %j is rejected with a clear reason', (text, reason) => {
  expect(() => parseClusterFile(text, 'f.yaml')).toThrow(reason);
});

test('a kind: List works like multiple documents', () => {
  const v = parseClusterFile('kind: List\nitems:\n- { kind: Node, metadata: { name: a } }\n- { kind: Node, metadata: { name: b } }\n');
  expect([...v.nodes.keys()]).toEqual(['a', 'b']);
});
