// Service VIPs this node advertises to its external BGP peers, as a pure function of the view.
//
//   computeServiceRoutes(view, nodeName, flags) → { advertise, reject, errors }
//
// kube-router parity (pkg/controllers/routing: getAllVIPsForService, shouldAdvertiseService,
// addExportPolicies, addImportPolicies):
// - ClusterIPs, externalIPs and LoadBalancer ingress IPs, each kind switched by a flag
//   (--advertise-cluster-ip, default false; --advertise-external-ip and --advertise-loadbalancer-ip,
//   default true) and overridden per service by `podroute.io/service.advertise.clusterip|externalip|
//   loadbalancerip` (or the kube-router.io names) = "true"/"false";
// - a VIP whose traffic must stay on nodes with a local endpoint is advertised only by nodes that
//   have one (a ready EndpointSlice endpoint whose nodeName is this node): ClusterIPs when
//   internalTrafficPolicy is Local, externalIPs and LoadBalancer IPs when externalTrafficPolicy is
//   Local; the `service.local` annotation makes every VIP of the service local;
// - each VIP is a host route (/32 or /128). The controller sends them to EXTERNAL peers only and
//   refuses to import any service VIP of the cluster from any peer (`reject`), so a ToR that
//   reflects one node's VIP back never pulls another node's traffic away from its own IPVS.
// A bad annotation value is reported and that setting falls back to the flag's default.
import { isIP } from 'node:net';
import type { ClusterView, ServiceView } from '../cluster/view.js';
import { lookupAnnotation } from '../cluster/annotations.js';
import { normalizePrefix } from '../bgp/wire/index.js';

export interface ServiceAdvertiseFlags {
  clusterIP: boolean;
  externalIP: boolean;
  loadBalancerIP: boolean;
}

export const DEFAULT_SERVICE_ADVERTISE: ServiceAdvertiseFlags = { clusterIP: false, externalIP: true, loadBalancerIP: true };

export interface ServiceRouteError {
  /** "namespace/name" of the Service. */
  service: string;
  annotation: string;
  value: string;
  reason: string;
}

export interface ServiceRoutes {
  /** Host prefixes this node originates toward external peers, sorted. */
  advertise: string[];
  /** Every VIP of every service in the cluster as a host prefix: never imported from a peer. */
  reject: string[];
  errors: ServiceRouteError[];
}

type VipKind = 'clusterip' | 'externalip' | 'loadbalancerip';

export function computeServiceRoutes(view: ClusterView, nodeName: string, flags: ServiceAdvertiseFlags): ServiceRoutes {
  const advertise = new Set<string>();
  const reject = new Set<string>();
  const errors: ServiceRouteError[] = [];
  const local = servicesWithLocalEndpoint(view, nodeName);
  for (const [key, svc] of view.services) {
    if (svc.type === 'ExternalName') continue;
    const vips: Record<VipKind, string[]> = {
      clusterip: svc.clusterIPs.filter((ip) => isIP(ip) !== 0),
      externalip: svc.externalIPs.filter((ip) => isIP(ip) !== 0),
      loadbalancerip: svc.loadBalancerIPs.filter((ip) => isIP(ip) !== 0),
    };
    const defaults: Record<VipKind, boolean> = { clusterip: flags.clusterIP, externalip: flags.externalIP, loadbalancerip: flags.loadBalancerIP };
    const forceLocal = lookupAnnotation(svc.annotations, 'service.local') !== undefined;
    const hasLocal = local.has(key);
    for (const kind of ['clusterip', 'externalip', 'loadbalancerip'] as const) {
      for (const ip of vips[kind]) reject.add(hostPrefix(ip));
      if (vips[kind].length === 0) continue;
      if (!wanted(svc, key, kind, defaults[kind], errors)) continue;
      const localOnly = forceLocal || (kind === 'clusterip' ? svc.internalTrafficPolicy === 'Local' : svc.externalTrafficPolicy === 'Local');
      if (localOnly && !hasLocal) continue;
      for (const ip of vips[kind]) advertise.add(hostPrefix(ip));
    }
  }
  return { advertise: [...advertise].sort(), reject: [...reject].sort(), errors };
}

/** The per-service annotation if set and valid, else the flag. */
function wanted(svc: ServiceView, key: string, kind: VipKind, dflt: boolean, errors: ServiceRouteError[]): boolean {
  const a = lookupAnnotation(svc.annotations, `service.advertise.${kind}`);
  if (!a) return dflt;
  const v = a.value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  errors.push({ service: key, annotation: a.key, value: a.value, reason: `"${a.value}" is not "true" or "false"; using the default (${dflt})` });
  return dflt;
}

/** Keys ("namespace/name") of services with a ready endpoint on this node. */
function servicesWithLocalEndpoint(view: ClusterView, nodeName: string): Set<string> {
  const out = new Set<string>();
  for (const slice of view.endpointSlices.values()) {
    if (!slice.serviceName) continue;
    if (slice.endpoints.some((e) => e.ready && e.nodeName === nodeName && e.addresses.length > 0)) out.add(`${slice.namespace}/${slice.serviceName}`);
  }
  return out;
}

/** The VIP as a canonical host prefix (the speaker and the policy compare prefixes as text). */
export function hostPrefix(ip: string): string {
  return normalizePrefix(isIP(ip) === 6 ? `${ip}/128` : `${ip}/32`);
}
