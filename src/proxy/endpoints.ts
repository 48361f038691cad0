// Which endpoints serve one service port, for one address family, and with what weight.
// Follows kube-proxy: ready endpoints carry traffic; when none is ready, serving-and-terminating
// ones do (so a rolling update of the last pod does not black-hole); other terminating endpoints
// stay as weight-0 destinations so their open connections drain instead of being cut.

import { canonicalAddr } from '../netlink/ipvs/address.js';
import type { EndpointSliceView, Protocol, ServicePort, ServiceView } from '../cluster/view.js';

export interface ChosenEndpoint {
  address: string;
  port: number;
  nodeName?: string;
  /** 1 = carries new connections; 0 = draining (terminating). */
  weight: number;
}

interface Candidate {
  address: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Slices of a service, keyed by the "namespace/name" service key. Pure index build. */
export function slicesByService(slices: Iterable<EndpointSliceView>): Map<string, EndpointSliceView[]> {
  const m = new Map<string, EndpointSliceView[]>();
  for (const s of slices) {
    const k = `${s.namespace}/${s.serviceName}`;
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(s);
  }
  return m;
}

function candidates(slices: readonly EndpointSliceView[], sp: ServicePort, family: 4 | 6): Candidate[] {
  const want = family === 4 ? 'IPv4' : 'IPv6';
  const byKey = new Map<string, Candidate>();
  for (const s of slices) {
    if (s.addressType !== want) continue;
    // A slice port matches the service port by name (unnamed ports both have name "") and protocol.
    const p = s.ports.find((x) => x.name === sp.name && x.protocol === sp.protocol);
    if (!p) continue;
    for (const e of s.endpoints) {
      // Kubernetes guarantees addresses[0] is the one to use; the rest are reserved.
      const raw = e.addresses[0];
      if (raw === undefined) continue;
      let address: string;
      try {
        address = canonicalAddr(raw);
      } catch {
        continue; // a malformed address never takes the service down
      }
      const c: Candidate = { address, port: p.port, nodeName: e.nodeName, ready: e.ready, serving: e.serving, terminating: e.terminating };
      const k = `${address}|${p.port}`;
      const prev = byKey.get(k);
      // The same endpoint can sit in two slices while the controller moves it: prefer the ready one.
      if (!prev || (!prev.ready && c.ready)) byKey.set(k, c);
    }
  }
  return [...byKey.values()];
}

/**
 * Endpoints for one service port and family. `localOnly` keeps only endpoints on `nodeName`
 * (traffic policy Local). Sorted by address then port so the result is deterministic.
 */
export function chooseEndpoints(slices: readonly EndpointSliceView[], sp: ServicePort, family: 4 | 6, localOnly: boolean, nodeName: string): ChosenEndpoint[] {
  let cs = candidates(slices, sp, family);
  if (localOnly) cs = cs.filter((c) => c.nodeName === nodeName);
  const anyReady = cs.some((c) => c.ready);
  const out: ChosenEndpoint[] = [];
  for (const c of cs) {
    let weight: number | undefined;
    if (c.ready) weight = 1;
    else if (!anyReady && c.serving && c.terminating) weight = 1;
    else if (c.terminating) weight = 0;
    if (weight === undefined) continue; // not ready, not terminating: never joined, never drains
    out.push({ address: c.address, port: c.port, ...(c.nodeName !== undefined ? { nodeName: c.nodeName } : {}), weight });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
}

export const ipvsProtocol = (p: Protocol): 'tcp' | 'udp' | 'sctp' => (p === 'TCP' ? 'tcp' : p === 'UDP' ? 'udp' : 'sctp');

export const serviceKey = (s: Pick<ServiceView, 'namespace' | 'name'>): string => `${s.namespace}/${s.name}`;
