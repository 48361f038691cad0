// The proxy's part of the status API: what IPVS holds for each Kubernetes Service, in the
// ServiceView shape the CLI and dashboard understand (src/observe/views.ts), plus the kernel's
// per-service counters. Pure: the Service from the cluster view and a kernel snapshot in, the view
// out. The snapshot is read on a timer by the wiring, never per scrape or per API request.
import type { ServiceView as ClusterService } from '../cluster/view.js';
import type { IpvsDestinationEntry, IpvsServiceEntry } from '../netlink/ipvs/types.js';

/** One IPVS virtual server we own, as last read from the kernel. */
export interface OwnedVirtualServer {
  owner: string;
  service: IpvsServiceEntry;
  dests: IpvsDestinationEntry[];
}

export interface ProxyServiceStats {
  /** Connections scheduled since the virtual servers were created (kernel `conns`). */
  connections: number;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface ProxyServiceStatus {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  externalIPs: string[];
  ports: { name?: string; port: number; protocol: string; targetPort?: number | string; nodePort?: number }[];
  endpoints: { address: string; port: number; ready: boolean; activeConnections: number; inactiveConnections: number }[];
  scheduler?: string;
  /** IPVS virtual servers of this Service (ClusterIP, NodePort, externalIP, LB × ports). */
  virtualServers: number;
  stats: ProxyServiceStats;
}

const n = (b: bigint | undefined): number => (b === undefined ? 0 : Number(b));

export function serviceStatus(owner: string, svc: ClusterService | undefined, vss: readonly OwnedVirtualServer[]): ProxyServiceStatus {
  const slash = owner.indexOf('/');
  const clusterIPs = new Set(svc?.clusterIPs ?? []);
  const stats: ProxyServiceStats = { connections: 0, packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0 };
  for (const vs of vss) {
    const s = vs.service.stats;
    stats.connections += n(s?.conns);
    stats.packetsIn += n(s?.inPkts);
    stats.packetsOut += n(s?.outPkts);
    stats.bytesIn += n(s?.inBytes);
    stats.bytesOut += n(s?.outBytes);
  }
  // Endpoints as the ClusterIP virtual servers see them (every Service type has those, unless
  // headless); the others only repeat them, or filter them for traffic policy Local.
  const ofClusterIP = vss.filter((vs) => vs.service.id.address !== undefined && clusterIPs.has(vs.service.id.address));
  const eps = new Map<string, ProxyServiceStatus['endpoints'][number]>();
  for (const vs of ofClusterIP.length ? ofClusterIP : vss) {
    for (const d of vs.dests) {
      const k = `${d.address}|${d.port}`;
      const e = eps.get(k) ?? { address: d.address, port: d.port, ready: false, activeConnections: 0, inactiveConnections: 0 };
      // Weight 0 is how the proxy drains a terminating endpoint: present, but not taking new traffic.
      e.ready ||= d.weight > 0;
      e.activeConnections += d.activeConns;
      e.inactiveConnections += d.inactiveConns;
      eps.set(k, e);
    }
  }
  const out: ProxyServiceStatus = {
    namespace: owner.slice(0, slash),
    name: owner.slice(slash + 1),
    type: svc?.type ?? 'ClusterIP',
    clusterIP: svc?.clusterIPs[0] ?? '',
    externalIPs: svc?.externalIPs ?? [],
    ports: (svc?.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, targetPort: p.targetPort, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
    endpoints: [...eps.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port)),
    virtualServers: vss.length,
    stats,
  };
  const sched = vss[0]?.service.scheduler;
  if (sched) out.scheduler = sched;
  return out;
}

/** Groups a kernel snapshot by owning Service, sorted by "namespace/name". */
export function byOwner(vss: readonly OwnedVirtualServer[]): Map<string, OwnedVirtualServer[]> {
  const m = new Map<string, OwnedVirtualServer[]>();
  for (const vs of vss) {
    let l = m.get(vs.owner);
    if (!l) m.set(vs.owner, (l = []));
    l.push(vs);
  }
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
