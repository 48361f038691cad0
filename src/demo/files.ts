// Files the demo generates from its plan: the cluster file every agent reads (Kubernetes Node
// objects, with the ToR as an external peer set by annotation, exactly as `kubectl annotate`
// would), and the ToR's BIRD config.
import { stringify } from 'yaml';
import type { DemoPlan } from './plan.js';

export function clusterFile(plan: DemoPlan): string {
  const docs = plan.nodes.map((n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: { 'kubernetes.io/hostname': n.name },
      annotations: {
        'podroute.io/peers': stringify([{ remoteip: plan.tor.address, remoteasn: plan.tor.asn }]).trim(),
      },
    },
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
    status: {
      addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }));
  return docs.map((d) => stringify(d)).join('---\n');
}

/**
 * The pods, as the API server would hold them once the kubelet reported their addresses. The
 * demo adds them to the cluster file after CNI gave them addresses, as a kubelet would update the
 * API, so the agents' NetworkPolicy controllers know them (an unknown address in a podCIDR is not
 * let through: a pod is never reachable before its policy is in place).
 */
export function podObjects(plan: DemoPlan): string {
  const docs = plan.nodes.flatMap((n) => n.pods.filter((p) => p.ip).map((p) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: 'demo', labels: { app: 'demo', pod: p.name, node: n.name } },
    spec: { nodeName: n.name, containers: [{ name: 'srv', image: 'socat', ports: [{ name: 'echo', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] },
  })));
  return docs.map((d) => stringify(d)).join('---\n');
}

/** The ToR: peers with every node, learns their podCIDRs and installs them in its own FIB. */
export function torBirdConfig(plan: DemoPlan): string {
  const lines = [
    `router id ${plan.tor.address};`,
    'log stderr all;',
    'protocol device { scan time 10; }',
    'protocol direct { ipv4; }',
    'protocol kernel { ipv4 { export all; import none; }; merge paths on; }',
  ];
  for (const n of plan.nodes) {
    lines.push(
      `protocol bgp ${n.name.replace(/-/g, '_')} {`,
      `  local ${plan.tor.address} as ${plan.tor.asn};`,
      `  neighbor ${n.address} as ${plan.clusterAsn};`,
      '  hold time 9; keepalive time 3; connect retry time 2;',
      '  ipv4 { import all; export none; };',
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

/** The demo's NetworkPolicy: pods on node-N-… (the last node) accept TCP 8080 only from pods on node-1. */
export function demoPolicy(plan: DemoPlan): string {
  const last = plan.nodes[plan.nodes.length - 1];
  return stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'only-from-node-1', namespace: 'demo' },
    spec: {
      podSelector: { matchLabels: { node: last.name } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { node: plan.nodes[0].name } } }], ports: [{ protocol: 'TCP', port: 'echo' }] }],
    },
  });
}
