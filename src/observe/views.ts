// Services and policies reach observe/ as unknown[] (the proxy and netpol controllers own their
// shapes). These normalizers read the fields the CLI and dashboard understand and default the rest,
// so a controller adding or lacking a field never breaks a view.

export interface ServicePortView { port: number; protocol: string; targetPort?: number | string; nodePort?: number; name?: string }
export interface EndpointView { address: string; port?: number; ready: boolean; node?: string }
export interface ServiceView {
  namespace: string;
  name: string;
  type: string; // ClusterIP, NodePort, LoadBalancer, ExternalName
  clusterIP: string;
  externalIPs: string[];
  ports: ServicePortView[];
  endpoints: EndpointView[];
  scheduler?: string; // IPVS scheduler, e.g. rr
}

export interface PolicyView {
  namespace: string;
  name: string;
  podSelector: string; // "app=web,tier=front" or "" for all pods
  policyTypes: string[];
  ingressRules: number;
  egressRules: number;
  pods?: number; // pods currently selected
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toServiceView(v: unknown): ServiceView {
  const r = isRec(v) ? v : {};
  const ports = arr(r.ports).filter(isRec).map((p): ServicePortView => {
    const out: ServicePortView = { port: num(p.port) ?? 0, protocol: str(p.protocol, 'TCP') };
    if (typeof p.targetPort === 'number' || typeof p.targetPort === 'string') out.targetPort = p.targetPort;
    const nodePort = num(p.nodePort);
    if (nodePort !== undefined) out.nodePort = nodePort;
    if (typeof p.name === 'string' && p.name) out.name = p.name;
    return out;
  });
  const endpoints = arr(r.endpoints).map((e): EndpointView => {
    if (typeof e === 'string') return { address: e, ready: true };
    const er = isRec(e) ? e : {};
    const out: EndpointView = { address: str(er.address ?? er.ip), ready: er.ready !== false };
    const port = num(er.port);
    if (port !== undefined) out.port = port;
    if (typeof er.node === 'string') out.node = er.node;
    return out;
  });
  const out: ServiceView = {
    namespace: str(r.namespace, 'default'),
    name: str(r.name, '?'),
    type: str(r.type, 'ClusterIP'),
    clusterIP: str(r.clusterIP),
    externalIPs: arr(r.externalIPs).map((x) => str(x)).filter(Boolean),
    ports,
    endpoints,
  };
  if (typeof r.scheduler === 'string') out.scheduler = r.scheduler;
  return out;
}

function selectorText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!isRec(v)) return '';
  // Accept both a plain label map and a Kubernetes LabelSelector ({ matchLabels, matchExpressions }).
  const labels = isRec(v.matchLabels) ? v.matchLabels : 'matchExpressions' in v ? {} : v;
  const parts = Object.entries(labels).map(([k, val]) => `${k}=${str(val)}`);
  for (const e of arr(v.matchExpressions).filter(isRec)) {
    parts.push(`${str(e.key)} ${str(e.operator)} (${arr(e.values).map((x) => str(x)).join(',')})`);
  }
  return parts.join(',');
}

const ruleCount = (v: unknown): number => (typeof v === 'number' ? v : arr(v).length);

export function toPolicyView(v: unknown): PolicyView {
  const r = isRec(v) ? v : {};
  const out: PolicyView = {
    namespace: str(r.namespace, 'default'),
    name: str(r.name, '?'),
    podSelector: selectorText(r.podSelector),
    policyTypes: arr(r.policyTypes).map((x) => str(x)).filter(Boolean),
    ingressRules: ruleCount(r.ingressRules ?? r.ingress),
    egressRules: ruleCount(r.egressRules ?? r.egress),
  };
  const pods = num(r.pods);
  if (pods !== undefined) out.pods = pods;
  return out;
}
