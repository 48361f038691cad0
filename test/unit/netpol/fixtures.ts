// Small builders for ClusterViews in netpol tests (unit and integration).
import type {
  ClusterView, ContainerPort, LabelSelector, LabelSelectorRequirement, NetworkPolicyPeer, NetworkPolicyPort,
  NetworkPolicyRule, NetworkPolicyView, NodeView, PodView,
} from '../../../src/cluster/view.js';

export function sel(matchLabels: Record<string, string> = {}, matchExpressions: LabelSelectorRequirement[] = []): LabelSelector {
  return { matchLabels, matchExpressions };
}

export function pod(ns: string, name: string, ip: string | string[], labels: Record<string, string> = {}, ports: ContainerPort[] = [], nodeName = 'node-a'): PodView {
  return { namespace: ns, name, nodeName, ips: Array.isArray(ip) ? ip : [ip], labels, ports, hostNetwork: false, phase: 'Running' };
}

export function policy(ns: string, name: string, o: {
  podSelector?: LabelSelector; types?: ('Ingress' | 'Egress')[]; ingress?: NetworkPolicyRule[]; egress?: NetworkPolicyRule[];
}): NetworkPolicyView {
  return { namespace: ns, name, podSelector: o.podSelector ?? sel(), policyTypes: o.types ?? [], ingress: o.ingress ?? [], egress: o.egress ?? [] };
}

export function rule(peers: NetworkPolicyPeer[] = [], ports: NetworkPolicyPort[] = []): NetworkPolicyRule {
  return { peers, ports };
}

export function node(name: string, podCIDRs: string[]): NodeView {
  return { name, podCIDRs, internalIPs: [], externalIPs: [], labels: {}, annotations: {}, ready: true };
}

export function view(o: {
  namespaces?: Record<string, Record<string, string>>; pods?: PodView[]; policies?: NetworkPolicyView[]; nodes?: NodeView[];
}): ClusterView {
  return {
    nodes: new Map((o.nodes ?? []).map((n) => [n.name, n])),
    namespaces: new Map(Object.entries(o.namespaces ?? {}).map(([name, labels]) => [name, { name, labels }])),
    pods: new Map((o.pods ?? []).map((p) => [`${p.namespace}/${p.name}`, p])),
    services: new Map(),
    endpointSlices: new Map(),
    networkPolicies: new Map((o.policies ?? []).map((p) => [`${p.namespace}/${p.name}`, p])),
  };
}
