// Small builders for ClusterView pieces used by the proxy tests.
import { emptyClusterView, type ClusterView, type EndpointSliceView, type EndpointView, type NodeView, type ServiceView } from '../../../src/cluster/view.js';
import { defaultProxyConfig, type ProxyConfig } from '../../../src/proxy/config.js';

export function svc(p: Partial<ServiceView> & { name: string }): ServiceView {
  return {
    namespace: 'default', type: 'ClusterIP', clusterIPs: ['10.96.0.10'], externalIPs: [], loadBalancerIPs: [],
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
    sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 0, externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster',
    annotations: {}, labels: {}, ...p,
  };
}

export function ep(address: string, p: Partial<EndpointView> = {}): EndpointView {
  return { addresses: [address], ready: true, serving: true, terminating: false, nodeName: 'node-a', ...p };
}

export function slice(serviceName: string, endpoints: EndpointView[], p: Partial<EndpointSliceView> = {}): EndpointSliceView {
  return { namespace: 'default', name: `${serviceName}-abc`, serviceName, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints, ...p };
}

export function node(name: string, p: Partial<NodeView> = {}): NodeView {
  return { name, podCIDRs: [], internalIPs: ['192.168.1.10'], externalIPs: [], labels: {}, annotations: {}, ready: true, ...p };
}

export function view(services: ServiceView[], slices: EndpointSliceView[], nodes: NodeView[] = [node('node-a')]): ClusterView {
  const v = emptyClusterView();
  return {
    ...v,
    nodes: new Map(nodes.map((n) => [n.name, n])),
    services: new Map(services.map((s) => [`${s.namespace}/${s.name}`, s])),
    endpointSlices: new Map(slices.map((s) => [`${s.namespace}/${s.name}`, s])),
  };
}

export function cfg(p: Partial<ProxyConfig> = {}): ProxyConfig {
  return { ...defaultProxyConfig('node-a'), ...p };
}
