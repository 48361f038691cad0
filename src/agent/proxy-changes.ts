// Turns two successive ClusterViews into the per-Service dirtiness the proxy controller wants.
// Sources are level-triggered ('change', then view()), but the proxy syncs per Service: a change to
// one EndpointSlice must touch that Service's IPVS entries only, not 10,000 others. Pure: values in,
// the list of what changed out.
import type { ClusterView, EndpointSliceView, NodeView, ServiceView } from '../cluster/view.js';

export interface ProxyChanges {
  /** "namespace/name" of Services added, changed or removed. */
  services: { namespace: string; name: string }[];
  /** Slices added, changed or removed (a removed one as it was, so its old Service is marked too). */
  slices: Pick<EndpointSliceView, 'namespace' | 'name' | 'serviceName'>[];
  /**
   * Something every Service depends on changed: this node's addresses (NodePorts) or the cluster's
   * pod CIDRs (masquerade decisions). Worth one full sync instead of marking every Service.
   */
  global: boolean;
}

/**
 * Stable text of a normalized value: objects with keys sorted, so two views that build the same
 * object in a different key order still compare equal.
 */
export function canonicalText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
    const o = x as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

function same(a: unknown, b: unknown): boolean {
  // Sources that keep unchanged objects (the informer cache) make this an identity check.
  return a === b || canonicalText(a) === canonicalText(b);
}

/** What a Service's IPVS entries depend on in a Node: its addresses (NodePorts) and podCIDRs. */
function nodeFacts(n: NodeView | undefined): string {
  return n ? canonicalText([n.internalIPs, n.externalIPs]) : '';
}

function podCidrs(view: ClusterView): string {
  const all: string[] = [];
  for (const n of view.nodes.values()) all.push(...n.podCIDRs);
  return all.sort().join(',');
}

export function proxyChanges(prev: ClusterView | undefined, next: ClusterView, nodeName: string): ProxyChanges {
  const out: ProxyChanges = { services: [], slices: [], global: false };
  if (!prev) return { ...out, global: true };
  const diff = <T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, changed: (before: T | undefined, after: T | undefined) => void): void => {
    for (const [k, v] of b) {
      const old = a.get(k);
      if (old === undefined || !same(old, v)) changed(old, v);
    }
    for (const [k, v] of a) if (!b.has(k)) changed(v, undefined);
  };
  diff<ServiceView>(prev.services, next.services, (before, after) => {
    const s = (after ?? before)!;
    out.services.push({ namespace: s.namespace, name: s.name });
  });
  diff<EndpointSliceView>(prev.endpointSlices, next.endpointSlices, (before, after) => {
    // A slice that moved to another Service (label edited) dirties both.
    if (before && after && before.serviceName !== after.serviceName) out.slices.push(before);
    out.slices.push((after ?? before)!);
  });
  out.global = nodeFacts(prev.nodes.get(nodeName)) !== nodeFacts(next.nodes.get(nodeName)) || podCidrs(prev) !== podCidrs(next);
  return out;
}

/** Every node's podCIDRs plus the operator's extra cluster CIDRs, deduplicated and sorted. */
export function clusterCidrsOf(view: ClusterView, extra: readonly string[]): string[] {
  const s = new Set(extra);
  for (const n of view.nodes.values()) for (const c of n.podCIDRs) s.add(c);
  return [...s].sort();
}
