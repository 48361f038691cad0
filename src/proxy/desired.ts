// The pure heart of the service proxy: ClusterView + config → the IPVS virtual servers, VIPs and
// health-check ports this node should have. Computed per Service so that one Service or
// EndpointSlice change recomputes (and later touches) only that Service's entries.

import { canonicalAddr, familyOf } from '../netlink/ipvs/address.js';
import { serviceIdKey } from '../netlink/ipvs/keys.js';
import type { IpvsDestination, IpvsService } from '../netlink/ipvs/types.js';
import type { ClusterView, EndpointSliceView, NodeView, ServicePort, ServiceView } from '../cluster/view.js';
import { schedulerFromAnnotations } from './annotations.js';
import { inAnyCidr, parseCidr, type Cidr } from './cidr.js';
import type { ProxyConfig } from './config.js';
import { chooseEndpoints, ipvsProtocol, serviceKey, slicesByService } from './endpoints.js';

export type VirtualServerKind = 'ClusterIP' | 'NodePort' | 'ExternalIP' | 'LoadBalancer';

export interface DesiredVirtualServer {
  /** serviceIdKey of `service.id`. */
  key: string;
  /** "namespace/name" of the Kubernetes Service. */
  owner: string;
  kind: VirtualServerKind;
  portName: string;
  /** Traffic policy Local: only this node's endpoints (and no masquerade: the client IP is kept). */
  localOnly: boolean;
  service: IpvsService;
  /** Sorted by address, port. Weight 0 = draining. */
  dests: IpvsDestination[];
}

export interface HealthCheck {
  owner: string;
  port: number;
  /** Ready local endpoints; the health check answers 200 only when > 0. */
  localEndpoints: number;
}

export interface DesiredService {
  owner: string;
  virtualServers: DesiredVirtualServer[];
  /** Addresses for the VIP dummy interface (cluster, external and load-balancer IPs). */
  vips: string[];
  healthCheck?: HealthCheck;
  problems: string[];
}

export interface DesiredIpvs {
  /** By owner ("namespace/name"); services without any virtual server are absent. */
  services: Map<string, DesiredService>;
  /** Every virtual server, by key. When two Services claim one key, the first owner (sorted) wins. */
  virtualServers: Map<string, DesiredVirtualServer>;
  vips: Set<string>;
  healthChecks: HealthCheck[];
  problems: string[];
}

/** Default ClientIP affinity timeout (Kubernetes' default, 3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

function isHeadless(s: ServiceView): boolean {
  return s.clusterIPs.length === 0 || s.clusterIPs.every((ip) => ip === 'None' || ip === '');
}

function safeCanonical(ip: string, problems: string[], what: string): string | undefined {
  try {
    return canonicalAddr(ip);
  } catch {
    problems.push(`${what}: invalid address ${JSON.stringify(ip)}`);
    return undefined;
  }
}

/** Addresses NodePorts answer on for this node. */
export function nodePortAddresses(cfg: ProxyConfig, node: NodeView | undefined): string[] {
  const raw = cfg.nodePortAddresses === 'all' ? cfg.localAddresses : cfg.nodePortAddresses === 'node' ? [...(node?.internalIPs ?? []), ...(node?.externalIPs ?? [])] : cfg.nodePortAddresses;
  const out = new Set<string>();
  for (const a of raw) {
    try {
      const c = canonicalAddr(a);
      // Loopback NodePorts need route_localnet and are not reachable from outside; skip them.
      if (c.startsWith('127.') || c === '::1') continue;
      out.add(c);
    } catch {
      /* ignore junk */
    }
  }
  return [...out].sort();
}

export interface ServiceContext {
  cfg: ProxyConfig;
  node: NodeView | undefined;
  excluded: Cidr[];
  nodePortAddrs: string[];
}

export function makeContext(view: Pick<ClusterView, 'nodes'>, cfg: ProxyConfig): ServiceContext {
  const node = view.nodes.get(cfg.nodeName);
  return { cfg, node, excluded: cfg.excludedCidrs.map(parseCidr), nodePortAddrs: nodePortAddresses(cfg, node) };
}

/** One Service → its desired IPVS state on this node. */
export function computeService(svc: ServiceView, slices: readonly EndpointSliceView[], ctx: ServiceContext): DesiredService {
  const owner = serviceKey(svc);
  const problems: string[] = [];
  const out: DesiredService = { owner, virtualServers: [], vips: [], problems };
  if (svc.type === 'ExternalName' || isHeadless(svc)) return out;

  const sched = schedulerFromAnnotations(svc.annotations, ctx.cfg.defaultScheduler);
  problems.push(...sched.problems.map((p) => `${owner}: ${p}`));
  const affinity = svc.sessionAffinity === 'ClientIP';
  const timeout = affinity ? (svc.sessionAffinityTimeoutSeconds > 0 ? svc.sessionAffinityTimeoutSeconds : DEFAULT_AFFINITY_SECONDS) : 0;
  const vips = new Set<string>();
  const seen = new Set<string>();

  const add = (kind: VirtualServerKind, address: string, port: number, sp: ServicePort, localOnly: boolean): void => {
    const family = familyOf(address);
    if (inAnyCidr(ctx.excluded, address)) {
      problems.push(`${owner}: ${address} is in an excluded CIDR; not programmed`);
      return;
    }
    const service: IpvsService = {
      id: { family, protocol: ipvsProtocol(sp.protocol), address, port },
      scheduler: sched.scheduler,
      schedFlags: sched.flags,
      persistence: timeout,
      netmaskBits: family === 4 ? 32 : 128,
      onePacket: false,
    };
    const key = serviceIdKey(service.id);
    if (seen.has(key)) return; // e.g. an externalIP equal to the LB IP
    seen.add(key);
    const dests = chooseEndpoints(slices, sp, family, localOnly, ctx.cfg.nodeName).map((e): IpvsDestination => ({
      address: e.address, port: e.port, forward: 'masq', weight: e.weight, upperThreshold: 0, lowerThreshold: 0,
    }));
    out.virtualServers.push({ key, owner, kind, portName: sp.name, localOnly, service, dests });
    if (kind !== 'NodePort') vips.add(address);
  };

  const itpLocal = svc.internalTrafficPolicy === 'Local';
  const etpLocal = svc.externalTrafficPolicy === 'Local' && (svc.type === 'NodePort' || svc.type === 'LoadBalancer' || svc.externalIPs.length > 0);
  const clusterIPs = svc.clusterIPs.map((ip) => safeCanonical(ip, problems, `${owner} clusterIP`)).filter((x): x is string => !!x);
  const externalIPs = svc.externalIPs.map((ip) => safeCanonical(ip, problems, `${owner} externalIP`)).filter((x): x is string => !!x);
  const lbIPs = svc.type === 'LoadBalancer' ? svc.loadBalancerIPs.map((ip) => safeCanonical(ip, problems, `${owner} loadBalancer IP`)).filter((x): x is string => !!x) : [];
  const families = new Set(clusterIPs.map(familyOf));

  for (const sp of svc.ports) {
    for (const ip of clusterIPs) add('ClusterIP', ip, sp.port, sp, itpLocal);
    for (const ip of externalIPs) add('ExternalIP', ip, sp.port, sp, etpLocal);
    for (const ip of lbIPs) add('LoadBalancer', ip, sp.port, sp, etpLocal);
    if ((svc.type === 'NodePort' || svc.type === 'LoadBalancer') && sp.nodePort) {
      // A NodePort serves the families the Service has (a v4-only Service gets no v6 NodePort).
      for (const ip of ctx.nodePortAddrs) if (families.has(familyOf(ip))) add('NodePort', ip, sp.nodePort, sp, etpLocal);
    }
  }
  out.vips = [...vips].sort();
  if (etpLocal && svc.type === 'LoadBalancer' && svc.healthCheckNodePort) {
    let local = 0;
    const fam = families.has(4) ? 4 : 6;
    for (const sp of svc.ports.slice(0, 1)) local = chooseEndpoints(slices, sp, fam, true, ctx.cfg.nodeName).filter((e) => e.weight > 0).length;
    out.healthCheck = { owner, port: svc.healthCheckNodePort, localEndpoints: local };
  }
  out.virtualServers.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** The whole node: every Service. */
export function computeIpvs(view: ClusterView, cfg: ProxyConfig): DesiredIpvs {
  const ctx = makeContext(view, cfg);
  const bySvc = slicesByService(view.endpointSlices.values());
  const result: DesiredIpvs = { services: new Map(), virtualServers: new Map(), vips: new Set(), healthChecks: [], problems: [] };
  const owners = [...view.services.keys()].sort();
  for (const k of owners) {
    const svc = view.services.get(k)!;
    const d = computeService(svc, bySvc.get(serviceKey(svc)) ?? [], ctx);
    result.problems.push(...d.problems);
    if (d.virtualServers.length === 0 && !d.healthCheck) continue;
    // Two Services claiming one VIP:port is a cluster misconfiguration; keep the first, report the rest.
    d.virtualServers = d.virtualServers.filter((vs) => {
      const prev = result.virtualServers.get(vs.key);
      if (prev) {
        result.problems.push(`${vs.owner}: ${vs.key} already belongs to ${prev.owner}; skipped`);
        return false;
      }
      result.virtualServers.set(vs.key, vs);
      return true;
    });
    for (const v of d.vips) result.vips.add(v);
    if (d.healthCheck) result.healthChecks.push(d.healthCheck);
    result.services.set(d.owner, d);
  }
  return result;
}
