// The node agent's BGP policy, as kube-router applies it:
// - import: refuse a default route, refuse the node's own podCIDRs (a peer must not hijack local
//   pods), refuse prefixes covered by node.bgp.customimportreject;
// - export: only what this node originates (its podCIDRs, later service VIPs) goes out — routes
//   learned from one peer are never passed to another, except that a route reflector reflects
//   node routes to its clients; toward external peers the node's communities and AS-path prepend
//   are added.
// Pure functions over a snapshot; the controller swaps the snapshot when desired state changes.
import type { PathAttributes, AsPathSegment } from '../bgp/wire/types.js';
import { AS_SEQUENCE } from '../bgp/wire/types.js';
import { prefixContains, prefixFamily } from '../bgp/wire/index.js';
import type { ExportFilter, ImportFilter, PeerInfo, RibPath } from '../bgp/rib/index.js';
import type { PeerKind } from './desired.js';

export interface PolicySnapshot {
  ownPrefixes: string[];
  importReject: string[];
  communities: string[];
  prepend?: { asn: number; repeat: number };
  isReflector: boolean;
  peerKind(peerId: string): PeerKind | undefined;
}

export function communityValue(c: string): number {
  const [a, b] = c.split(':').map(Number);
  return ((a << 16) >>> 0) + b;
}

export function importAllowed(s: PolicySnapshot, prefix: string): boolean {
  if (prefix.endsWith('/0')) return false;
  for (const own of s.ownPrefixes) if (prefixFamily(own) === prefixFamily(prefix) && prefixContains(own, prefix)) return false;
  for (const r of s.importReject) if (prefixFamily(r) === prefixFamily(prefix) && prefixContains(r, prefix)) return false;
  return true;
}

export function makeImportFilter(get: () => PolicySnapshot): ImportFilter {
  return (_peer: PeerInfo, prefix: string, attrs: PathAttributes) => (importAllowed(get(), prefix) ? attrs : null);
}

export function makeExportFilter(get: () => PolicySnapshot): ExportFilter {
  return (peer: PeerInfo, _prefix: string, path: RibPath, attrs: PathAttributes) => {
    const s = get();
    const kind = s.peerKind(peer.id);
    if (path.peerId !== null) {
      // Learned routes: only a reflector passes node routes on, and only to nodes.
      if (s.isReflector && kind === 'node' && s.peerKind(path.peerId) === 'node') return attrs;
      return null;
    }
    if (kind !== 'external') return attrs;
    let out = attrs;
    if (s.communities.length) {
      const add = s.communities.map(communityValue);
      out = { ...out, communities: [...new Set([...(out.communities ?? []), ...add])] };
    }
    if (s.prepend) out = { ...out, asPath: prependAs(out.asPath ?? [], s.prepend.asn, s.prepend.repeat) };
    return out;
  };
}

export function prependAs(path: AsPathSegment[], asn: number, times: number): AsPathSegment[] {
  const add = new Array<number>(times).fill(asn);
  if (path.length && path[0].type === AS_SEQUENCE && path[0].asns.length + times <= 255) {
    return [{ type: AS_SEQUENCE, asns: [...add, ...path[0].asns] }, ...path.slice(1)];
  }
  return [{ type: AS_SEQUENCE, asns: add }, ...path];
}
