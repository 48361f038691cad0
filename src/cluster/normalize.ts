// Kubernetes API objects → ClusterView records. One normalizer per kind, shared by every source:
// the informers (typed objects from the initial list, raw JSON from the watch — client-node gives
// both, see shared/notes/client-node.md) and the cluster file (the same objects written as YAML).
// Normalizers read fields defensively and never throw on missing optional data; a value that is
// structurally wrong (not a mapping, no name) throws NormalizeError naming the object.
import { isIP } from 'node:net';
import type {
  ClusterView, ContainerPort, EndpointSliceView, LabelSelector, NamespaceView, NetworkPolicyPeer, NetworkPolicyPort,
  NetworkPolicyRule, NetworkPolicyView, NodeView, PodView, Protocol, ServicePort, ServiceView,
} from './view.js';

export class NormalizeError extends Error {}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function meta(o: Any, kind: string): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  if (typeof o !== 'object' || o === null) throw new NormalizeError(`${kind}: not an object`);
  const m = o.metadata ?? {};
  if (typeof m.name !== 'string' || m.name === '') throw new NormalizeError(`${kind}: metadata.name is missing`);
  return {
    name: m.name,
    namespace: typeof m.namespace === 'string' && m.namespace ? m.namespace : 'default',
    labels: strMap(m.labels),
    annotations: strMap(m.annotations),
  };
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function arr(v: unknown): Any[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function protocol(v: unknown): Protocol {
  return v === 'UDP' || v === 'SCTP' ? v : 'TCP';
}

export function nsKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function normalizeNode(o: Any): NodeView {
  const m = meta(o, 'Node');
  const spec = o.spec ?? {};
  const cidrs = strings(spec.podCIDRs);
  if (cidrs.length === 0 && typeof spec.podCIDR === 'string' && spec.podCIDR) cidrs.push(spec.podCIDR);
  const addrs = arr(o.status?.addresses);
  const byType = (t: string): string[] =>
    addrs.filter((a) => a?.type === t && typeof a.address === 'string' && isIP(a.address) !== 0).map((a) => a.address as string);
  const ready = arr(o.status?.conditions).some((c) => c?.type === 'Ready' && c.status === 'True');
  return {
    name: m.name,
    podCIDRs: cidrs,
    internalIPs: byType('InternalIP'),
    externalIPs: byType('ExternalIP'),
    labels: m.labels,
    annotations: m.annotations,
    // A node without conditions (e.g. the cluster file) counts as ready.
    ready: arr(o.status?.conditions).length === 0 ? true : ready,
  };
}

export function normalizeNamespace(o: Any): NamespaceView {
  const m = meta(o, 'Namespace');
  // The API server sets this label itself; files may not, and policies select on it.
  return { name: m.name, labels: { 'kubernetes.io/metadata.name': m.name, ...m.labels } };
}

export function normalizePod(o: Any): PodView {
  const m = meta(o, 'Pod');
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  let ips = arr(status.podIPs).map((p) => p?.ip).filter((ip): ip is string => typeof ip === 'string' && isIP(ip) !== 0);
  if (ips.length === 0 && typeof status.podIP === 'string' && isIP(status.podIP)) ips = [status.podIP];
  const ports: ContainerPort[] = [];
  for (const c of arr(spec.containers)) {
    for (const p of arr(c?.ports)) {
      if (typeof p?.containerPort !== 'number') continue;
      ports.push({ ...(typeof p.name === 'string' ? { name: p.name } : {}), containerPort: p.containerPort, protocol: protocol(p.protocol) });
    }
  }
  return {
    namespace: m.namespace,
    name: m.name,
    nodeName: typeof spec.nodeName === 'string' ? spec.nodeName : '',
    ips,
    labels: m.labels,
    ports,
    hostNetwork: spec.hostNetwork === true,
    phase: typeof status.phase === 'string' ? status.phase : 'Unknown',
  };
}

export function normalizeService(o: Any): ServiceView {
  const m = meta(o, 'Service');
  const spec = o.spec ?? {};
  const clusterIPs = strings(spec.clusterIPs);
  if (clusterIPs.length === 0 && typeof spec.clusterIP === 'string' && spec.clusterIP) clusterIPs.push(spec.clusterIP);
  const ports: ServicePort[] = arr(spec.ports).map((p, i) => ({
    name: typeof p?.name === 'string' ? p.name : i === 0 ? '' : `port-${i}`,
    protocol: protocol(p?.protocol),
    port: Number(p?.port),
    targetPort: p?.targetPort === undefined ? Number(p?.port) : typeof p.targetPort === 'number' ? p.targetPort : /^\d+$/.test(String(p.targetPort)) ? Number(p.targetPort) : String(p.targetPort),
    ...(typeof p?.nodePort === 'number' ? { nodePort: p.nodePort } : {}),
  }));
  const type = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(spec.type) ? spec.type : 'ClusterIP';
  return {
    namespace: m.namespace,
    name: m.name,
    type,
    clusterIPs,
    externalIPs: strings(spec.externalIPs),
    loadBalancerIPs: arr(o.status?.loadBalancer?.ingress).map((i) => i?.ip).filter((x): x is string => typeof x === 'string'),
    ports,
    sessionAffinity: spec.sessionAffinity === 'ClientIP' ? 'ClientIP' : 'None',
    sessionAffinityTimeoutSeconds: Number(spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800),
    externalTrafficPolicy: spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    internalTrafficPolicy: spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    ...(typeof spec.healthCheckNodePort === 'number' ? { healthCheckNodePort: spec.healthCheckNodePort } : {}),
    annotations: m.annotations,
    labels: m.labels,
  };
}

export function normalizeEndpointSlice(o: Any): EndpointSliceView {
  const m = meta(o, 'EndpointSlice');
  const addressType = o.addressType === 'IPv6' || o.addressType === 'FQDN' ? o.addressType : 'IPv4';
  return {
    namespace: m.namespace,
    name: m.name,
    serviceName: m.labels['kubernetes.io/service-name'] ?? '',
    addressType,
    ports: arr(o.ports).map((p) => ({ name: typeof p?.name === 'string' ? p.name : '', port: Number(p?.port), protocol: protocol(p?.protocol) })),
    endpoints: arr(o.endpoints).map((e) => {
      const c = e?.conditions ?? {};
      // Per the API: a nil `ready` means ready; `serving` defaults to `ready`.
      const ready = c.ready !== false;
      return {
        addresses: strings(e?.addresses),
        ready,
        serving: c.serving === undefined ? ready : c.serving === true,
        terminating: c.terminating === true,
        ...(typeof e?.nodeName === 'string' ? { nodeName: e.nodeName } : {}),
        ...(typeof e?.zone === 'string' ? { zone: e.zone } : {}),
        ...(e?.targetRef?.name ? { targetRef: { namespace: String(e.targetRef.namespace ?? m.namespace), name: String(e.targetRef.name) } } : {}),
      };
    }),
  };
}

function selector(v: Any | undefined): LabelSelector {
  return {
    matchLabels: strMap(v?.matchLabels),
    matchExpressions: arr(v?.matchExpressions).map((e) => ({
      key: String(e?.key ?? ''),
      operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e?.operator) ? e.operator : 'In',
      values: arr(e?.values).map(String),
    })),
  };
}

function policyPeer(p: Any): NetworkPolicyPeer {
  const out: NetworkPolicyPeer = {};
  if (p?.podSelector) out.podSelector = selector(p.podSelector);
  if (p?.namespaceSelector) out.namespaceSelector = selector(p.namespaceSelector);
  if (p?.ipBlock) out.ipBlock = { cidr: String(p.ipBlock.cidr), except: arr(p.ipBlock.except).map(String) };
  return out;
}

function policyPort(p: Any): NetworkPolicyPort {
  const port = p?.port;
  return {
    protocol: protocol(p?.protocol),
    ...(port === undefined || port === null ? {} : { port: typeof port === 'number' ? port : /^\d+$/.test(String(port)) ? Number(port) : String(port) }),
    ...(typeof p?.endPort === 'number' ? { endPort: p.endPort } : {}),
  };
}

function rule(r: Any, peersKey: 'from' | 'to'): NetworkPolicyRule {
  return { peers: arr(r?.[peersKey]).map(policyPeer), ports: arr(r?.ports).map(policyPort) };
}

export function normalizeNetworkPolicy(o: Any): NetworkPolicyView {
  const m = meta(o, 'NetworkPolicy');
  const spec = o.spec ?? {};
  const hasEgress = Array.isArray(spec.egress);
  // API defaulting: policyTypes = [Ingress] plus Egress when egress rules are present.
  const declared = strings(spec.policyTypes).filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  const policyTypes: ('Ingress' | 'Egress')[] = declared.length ? declared : hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
  return {
    namespace: m.namespace,
    name: m.name,
    podSelector: selector(spec.podSelector),
    policyTypes,
    ingress: arr(spec.ingress).map((r) => rule(r, 'from')),
    egress: arr(spec.egress).map((r) => rule(r, 'to')),
  };
}

/** Kinds a ClusterView holds, with the map each lands in and its key. */
export const KINDS = {
  Node: { field: 'nodes', normalize: normalizeNode, key: (v: NodeView) => v.name },
  Namespace: { field: 'namespaces', normalize: normalizeNamespace, key: (v: NamespaceView) => v.name },
  Pod: { field: 'pods', normalize: normalizePod, key: (v: PodView) => nsKey(v.namespace, v.name) },
  Service: { field: 'services', normalize: normalizeService, key: (v: ServiceView) => nsKey(v.namespace, v.name) },
  EndpointSlice: { field: 'endpointSlices', normalize: normalizeEndpointSlice, key: (v: EndpointSliceView) => nsKey(v.namespace, v.name) },
  NetworkPolicy: { field: 'networkPolicies', normalize: normalizeNetworkPolicy, key: (v: NetworkPolicyView) => nsKey(v.namespace, v.name) },
} as const satisfies Record<string, { field: keyof ClusterView; normalize: (o: Any) => unknown; key: (v: never) => string }>;

export type KindName = keyof typeof KINDS;
