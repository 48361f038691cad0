// The ClusterView: one typed, normalized picture of the cluster that every controller reads.
// Sources (the Kubernetes informers, or a YAML file for standalone use and the demo) produce it;
// controllers never see API objects. Everything is plain data so desired-state functions stay pure.

export type IpFamily = 4 | 6;

export interface NodeView {
  name: string;
  /** spec.podCIDRs (or spec.podCIDR), canonical text; may be overridden by annotation. */
  podCIDRs: string[];
  /** status.addresses by type: InternalIP first, then ExternalIP. */
  internalIPs: string[];
  externalIPs: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ready: boolean;
}

export interface NamespaceView {
  name: string;
  labels: Record<string, string>;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: Protocol;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PodView {
  namespace: string;
  name: string;
  nodeName: string;
  /** status.podIPs; empty until the pod has an address. */
  ips: string[];
  labels: Record<string, string>;
  /** Declared container ports (for named-port resolution in policies). */
  ports: ContainerPort[];
  hostNetwork: boolean;
  phase: string;
}

export interface ServicePort {
  name: string;
  protocol: Protocol;
  port: number;
  /** Numeric target port, or a port name resolved per endpoint. */
  targetPort: number | string;
  nodePort?: number;
}

export interface ServiceView {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIPs: string[]; // empty or ["None"] is headless
  externalIPs: string[];
  loadBalancerIPs: string[]; // status.loadBalancer.ingress[].ip
  ports: ServicePort[];
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds: number;
  externalTrafficPolicy: 'Cluster' | 'Local';
  internalTrafficPolicy: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

export interface EndpointView {
  addresses: string[];
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  zone?: string;
  /** Pod reference, if any. */
  targetRef?: { namespace: string; name: string };
}

export interface EndpointSliceView {
  namespace: string;
  name: string;
  /** kubernetes.io/service-name label. */
  serviceName: string;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  ports: { name: string; port: number; protocol: Protocol }[];
  endpoints: EndpointView[];
}

// ---- networking.k8s.io/v1 NetworkPolicy, normalized ----

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except: string[] };
}

export interface NetworkPolicyPort {
  protocol: Protocol;
  /** Number, name, or undefined meaning all ports of the protocol. */
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyRule {
  /** Empty list = all peers (when the rule itself exists). */
  peers: NetworkPolicyPeer[];
  /** Empty list = all ports. */
  ports: NetworkPolicyPort[];
}

export interface NetworkPolicyView {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
}

export interface ClusterView {
  nodes: ReadonlyMap<string, NodeView>;
  namespaces: ReadonlyMap<string, NamespaceView>;
  /** Key: "namespace/name". */
  pods: ReadonlyMap<string, PodView>;
  services: ReadonlyMap<string, ServiceView>;
  endpointSlices: ReadonlyMap<string, EndpointSliceView>;
  networkPolicies: ReadonlyMap<string, NetworkPolicyView>;
}

export function emptyClusterView(): ClusterView {
  return {
    nodes: new Map(),
    namespaces: new Map(),
    pods: new Map(),
    services: new Map(),
    endpointSlices: new Map(),
    networkPolicies: new Map(),
  };
}
