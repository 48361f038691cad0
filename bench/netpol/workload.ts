// A synthetic cluster for the NetworkPolicy benchmark: N namespaces × P pods, K policies per
// namespace, shaped like real ones (app selectors within the namespace, team-labelled namespaces,
// client roles across namespaces, ipBlocks with except, numeric, named and ranged ports, egress).
import type { ClusterView, NetworkPolicyView, PodView } from '../../src/cluster/view.js';

export interface Workload {
  namespaces: number;
  podsPerNamespace: number;
  policiesPerNamespace: number;
  /** Pods per namespace scheduled on the benchmarked node. */
  localPerNamespace: number;
}

export const NODE = 'bench-node';

export function podIp(ns: number, i: number): string {
  const n = ns * 256 + i;
  return `10.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export function makePod(ns: number, i: number, w: Workload, labels?: Record<string, string>): PodView {
  return {
    namespace: `ns-${ns}`,
    name: `pod-${i}`,
    nodeName: i < w.localPerNamespace ? NODE : `node-${(ns * w.podsPerNamespace + i) % 99}`,
    // Local pods live in the node's pod CIDR (10.250.0.0/16), the others elsewhere.
    ips: [i < w.localPerNamespace ? `10.250.${ns}.${i}` : podIp(ns, i)],
    labels: labels ?? { app: `app-${i % w.policiesPerNamespace}`, role: i % 10 === 0 ? 'client' : 'server' },
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
    hostNetwork: false,
    phase: 'Running',
  };
}

function makePolicy(ns: number, j: number, w: Workload): NetworkPolicyView {
  const k = w.policiesPerNamespace;
  return {
    namespace: `ns-${ns}`,
    name: `policy-${j}`,
    podSelector: { matchLabels: { app: `app-${j}` }, matchExpressions: [] },
    policyTypes: j % 3 === 0 ? ['Ingress', 'Egress'] : ['Ingress'],
    ingress: [
      { peers: [{ podSelector: { matchLabels: { app: `app-${(j + 1) % k}` }, matchExpressions: [] } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'metrics' }] },
      {
        peers: [
          { namespaceSelector: { matchLabels: { team: `team-${(ns + j) % 5}` }, matchExpressions: [] }, podSelector: { matchLabels: { role: 'client' }, matchExpressions: [] } },
          { ipBlock: { cidr: `172.${16 + (j % 16)}.0.0/16`, except: [`172.${16 + (j % 16)}.${ns}.0/24`] } },
        ],
        ports: [{ protocol: 'TCP', port: 9000, endPort: 9100 }, { protocol: 'UDP', port: 5353 }],
      },
    ],
    egress: j % 3 === 0
      ? [
          { peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, matchExpressions: [] } }], ports: [{ protocol: 'UDP', port: 53 }] },
          { peers: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [`team-${j % 5}`] }], matchLabels: {} } }], ports: [{ protocol: 'TCP', port: 'http' }] },
        ]
      : [],
  };
}

export function makeView(w: Workload): ClusterView {
  const namespaces = new Map<string, { name: string; labels: Record<string, string> }>();
  const pods = new Map<string, PodView>();
  const networkPolicies = new Map<string, NetworkPolicyView>();
  namespaces.set('kube-system', { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } });
  for (let ns = 0; ns < w.namespaces; ns++) {
    namespaces.set(`ns-${ns}`, { name: `ns-${ns}`, labels: { team: `team-${ns % 5}`, 'kubernetes.io/metadata.name': `ns-${ns}` } });
    for (let i = 0; i < w.podsPerNamespace; i++) {
      const p = makePod(ns, i, w);
      pods.set(`${p.namespace}/${p.name}`, p);
    }
    for (let j = 0; j < w.policiesPerNamespace; j++) {
      const p = makePolicy(ns, j, w);
      networkPolicies.set(`${p.namespace}/${p.name}`, p);
    }
  }
  return {
    nodes: new Map([[NODE, { name: NODE, podCIDRs: ['10.250.0.0/16'], internalIPs: [], externalIPs: [], labels: {}, annotations: {}, ready: true }]]),
    namespaces,
    pods,
    services: new Map(),
    endpointSlices: new Map(),
    networkPolicies,
  };
}
