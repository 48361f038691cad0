// Property tests. (1) The compiled rules, run by the simulator, decide every packet exactly as a
// direct reading of the NetworkPolicy API semantics does, on random clusters, policies and
// packets. (2) Incremental compilation (PolicyCompiler reusing its caches over a sequence of
// changed views) always yields what a fresh compile of the same view yields.
import fc from 'fast-check';
import type {
  ClusterView, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, NetworkPolicyView, PodView, Protocol,
} from '../../../src/cluster/view.js';
import { compile, effectiveTypes, PolicyCompiler } from '../../../src/netpol/compile.js';
import { matchesSelector } from '../../../src/netpol/selector.js';
import { allowed, inCidr, type Packet } from './simulate.js';
import { node, view } from './fixtures.js';

const NODE = 'node-a';
const CIDR = '10.1.0.0/24';
const KEYS = ['app', 'tier'];
const VALS = ['x', 'y'];
const NSS = ['n1', 'n2', 'n3'];

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALS), { maxKeys: 2 });
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALS), { maxKeys: 1 }),
  matchExpressions: fc.array(fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom('In' as const, 'NotIn' as const, 'Exists' as const, 'DoesNotExist' as const),
    values: fc.subarray(VALS, { minLength: 1 }),
  }), { maxLength: 1 }),
});
const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({ ipBlock: fc.constantFrom<{ cidr: string; except: string[] }>(
    { cidr: '10.1.0.0/24', except: ['10.1.0.0/29'] }, { cidr: '10.2.0.0/16', except: [] }, { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
  ) }),
);
const portArb: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.constantFrom(53, 80, 81) }),
  fc.record({ protocol: fc.constant<Protocol>('TCP'), port: fc.constant(80), endPort: fc.constant(81) }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.constantFrom('http', 'dns') }),
);
const ruleArb: fc.Arbitrary<NetworkPolicyRule> = fc.record({ peers: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) });
const policyArb = (i: number): fc.Arbitrary<NetworkPolicyView> => fc.record({
  namespace: fc.constantFrom(...NSS),
  name: fc.constant(`p${i}`),
  podSelector: selectorArb,
  policyTypes: fc.constantFrom<('Ingress' | 'Egress')[]>([], ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.array(ruleArb, { maxLength: 2 }),
  egress: fc.array(ruleArb, { maxLength: 2 }),
});
const podArb = (i: number): fc.Arbitrary<PodView> => fc.record({
  // n4 has pods but no Namespace object in the view (an informer race): labels {}.
  namespace: fc.constantFrom(...NSS, 'n4'),
  name: fc.constant(`pod${i}`),
  local: fc.boolean(),
  labels: labelsArb,
  ports: fc.subarray([{ name: 'http', containerPort: 80, protocol: 'TCP' as const }, { name: 'dns', containerPort: 53, protocol: 'UDP' as const }, { name: 'http', containerPort: 81, protocol: 'UDP' as const }]),
}).map(({ local, ...p }) => ({ ...p, nodeName: local ? NODE : 'node-b', ips: [local ? `10.1.0.${10 + i}` : `10.2.0.${10 + i}`], hostNetwork: false, phase: 'Running' }));

const clusterArb = fc.record({
  nsLabels: fc.tuple(labelsArb, labelsArb, labelsArb),
  pods: fc.tuple(...Array.from({ length: 6 }, (_, i) => podArb(i))),
  policies: fc.integer({ min: 0, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(i)))),
}).map(({ nsLabels, pods, policies }) => view({
  namespaces: Object.fromEntries(NSS.map((n, i) => [n, nsLabels[i]])), pods, policies, nodes: [node(NODE, [CIDR])],
}));

// ---- the reference: NetworkPolicy semantics read directly off the API ----
function podByIp(v: ClusterView, ip: string): PodView | undefined {
  for (const p of v.pods.values()) if (p.ips.includes(ip)) return p;
  return undefined;
}
function peerMatches(v: ClusterView, policyNs: string, peer: NetworkPolicyPeer, ip: string, pod: PodView | undefined): boolean {
  if (peer.ipBlock) return inCidr(ip, peer.ipBlock.cidr) && !peer.ipBlock.except.some((e) => inCidr(ip, e));
  if (!pod) return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(v.namespaces.get(pod.namespace)?.labels ?? {}, peer.namespaceSelector)) return false;
  } else if (pod.namespace !== policyNs) return false;
  return !peer.podSelector || matchesSelector(pod.labels, peer.podSelector);
}
function portMatches(p: NetworkPolicyPort, pkt: Packet, dstPod: PodView | undefined): boolean {
  if (p.protocol.toLowerCase() !== pkt.proto) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string') return !!dstPod?.ports.some((cp) => cp.name === p.port && cp.protocol === p.protocol && cp.containerPort === pkt.dport);
  return p.endPort !== undefined && p.endPort > p.port ? pkt.dport >= p.port && pkt.dport <= p.endPort : pkt.dport === p.port;
}
function directionAllows(v: ClusterView, pod: PodView, dir: 'ingress' | 'egress', pkt: Packet, peerIp: string, peerPod: PodView | undefined, dstPod: PodView | undefined): boolean {
  const pols = [...v.networkPolicies.values()].filter((p) => p.namespace === pod.namespace && matchesSelector(pod.labels, p.podSelector) && effectiveTypes(p)[dir]);
  if (pols.length === 0) return true;
  return pols.some((p) => p[dir].some((r) =>
    (r.peers.length === 0 || r.peers.some((peer) => peerMatches(v, p.namespace, peer, peerIp, peerPod)))
    && (r.ports.length === 0 || r.ports.some((port) => portMatches(port, pkt, dstPod)))));
}
function reference(v: ClusterView, pkt: Packet): boolean {
  const src = podByIp(v, pkt.src);
  const dst = podByIp(v, pkt.dst);
  // Addresses of this node's pod CIDR that no local pod holds are dropped (not ready / unknown).
  for (const [ip, p] of [[pkt.src, src], [pkt.dst, dst]] as const) if (inCidr(ip, CIDR) && !(p && p.nodeName === NODE)) return false;
  if (src && src.nodeName === NODE && !directionAllows(v, src, 'egress', pkt, pkt.dst, dst, dst)) return false;
  if (dst && dst.nodeName === NODE && !directionAllows(v, dst, 'ingress', pkt, pkt.src, src, dst)) return false;
  return true;
}

const ipArb = fc.oneof(fc.integer({ min: 0, max: 5 }).map((i) => `10.1.0.${10 + i}`), fc.integer({ min: 0, max: 5 }).map((i) => `10.2.0.${10 + i}`), fc.constantFrom('192.0.2.1', '10.1.0.3', '10.1.0.200'));
const packetArb: fc.Arbitrary<Packet> = fc.record({ src: ipArb, dst: ipArb, proto: fc.constantFrom('tcp' as const, 'udp' as const), dport: fc.constantFrom(53, 80, 81, 8080) });

test('compiled rules decide like the NetworkPolicy semantics (random clusters and packets)', () => {
  fc.assert(fc.property(clusterArb, fc.array(packetArb, { minLength: 1, maxLength: 20 }), (v, pkts) => {
    const s = compile(v, { nodeName: NODE });
    for (const pkt of pkts) {
      if (pkt.src === pkt.dst) continue;
      if (allowed(s, pkt) !== reference(v, pkt)) throw new Error(`disagree on ${JSON.stringify(pkt)}: compiled ${allowed(s, pkt)}`);
    }
  }), { numRuns: Number(process.env.NETPOL_FC_RUNS ?? 400) });
}, 60_000);

test('incremental compilation equals a fresh compile after every change', () => {
  fc.assert(fc.property(fc.array(clusterArb, { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 100 }), (views, seed) => {
    const c = new PolicyCompiler({ nodeName: NODE });
    let prev: ClusterView | undefined;
    for (const v0 of views) {
      // Mix: sometimes keep the previous pod objects (identity hits), policies or namespaces.
      let v = v0;
      if (prev && seed % 2 === 0) v = { ...v, networkPolicies: prev.networkPolicies };
      if (prev && seed % 3 === 0) v = { ...v, namespaces: prev.namespaces };
      if (prev && seed % 5 === 0) v = { ...v, pods: prev.pods, namespaces: prev.namespaces }; // policies alone change
      expect(c.compile(v)).toEqual(compile(v, { nodeName: NODE }));
      prev = v;
    }
  }), { numRuns: 200 });
}, 60_000);

test('incremental compilation over single-pod edits equals a fresh compile', () => {
  fc.assert(fc.property(clusterArb, fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), labelsArb, fc.boolean()), { maxLength: 8 }), (v0, edits) => {
    const c = new PolicyCompiler({ nodeName: NODE });
    let v = v0;
    c.compile(v);
    for (const [i, labels, remove] of edits) {
      const pods = new Map(v.pods);
      const key = [...pods.keys()][i];
      if (key === undefined) continue;
      if (remove) pods.delete(key);
      else pods.set(key, { ...pods.get(key)!, labels });
      v = { ...v, pods };
      expect(c.compile(v)).toEqual(compile(v, { nodeName: NODE }));
    }
  }), { numRuns: 300 });
}, 60_000);
