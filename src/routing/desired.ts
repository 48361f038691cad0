// The routing controller's desired state, as a pure function of the cluster view and the flags.
//
//   computeRouting(view, flags, lastGood) → { speaker settings, peers, originated prefixes, policy, errors }
//
// Peering follows kube-router so clusters can move over unchanged:
// - every node peers over iBGP with every other node of the same ASN (full mesh), unless route
//   reflectors are annotated: then reflectors (rr.server) peer with each other and with their clients,
//   and clients (rr.client) peer only with the reflectors of their cluster id;
// - external peers come from flags (every node) and from the node's own annotations;
// - a node advertises its podCIDR(s); toward external peers it adds the node's communities and the
//   AS-path prepend from annotations.
// A bad annotation keeps the last good value of that setting (from `lastGood`) and is reported.
import { isIP } from 'node:net';
import type { ClusterView, NodeView } from '../cluster/view.js';
import { parseNodeAnnotations, type AnnotationError, type ExternalPeer, type NodeBgpAnnotations } from '../cluster/annotations.js';
import type { PeerConfig } from '../bgp/speaker/peer-config.js';

export interface RoutingFlags {
  nodeName: string;
  /** ASN of nodes without a node.asn annotation (kube-router's --cluster-asn). */
  clusterAsn: number;
  /** iBGP full mesh between nodes (kube-router's --nodes-full-mesh). */
  fullMesh: boolean;
  /** Port nodes use to peer with each other. */
  bgpPort: number;
  routerId?: string;
  /** External peers every node has (kube-router's --peer-router-ips/asns). */
  globalPeers: ExternalPeer[];
  advertisePodCidr: boolean;
  holdTime?: number;
  /** Leave NotReady nodes out of the mesh (default false: a flapping kubelet must not cut pod routes). */
  skipNotReadyNodes?: boolean;
}

export type PeerKind = 'node' | 'external';

export interface DesiredPeer extends PeerConfig {
  kind: PeerKind;
  /** For node peers: the node's name, so status shows "node-2" rather than an address. */
  nodeName?: string;
  password?: string;
  /** A Secret holding the password ([namespace/]name/key); resolved by the controller. */
  passwordSecretRef?: string;
}

export interface ExportPolicy {
  /** Added to our originated routes toward external peers. */
  communities: string[];
  prepend?: { asn: number; repeat: number };
  /** Prefixes (and more-specifics) refused on import, besides the default route. */
  importReject: string[];
}

export interface RoutingDesired {
  asn: number;
  routerId: string;
  /** Addresses the speaker listens on (bgp-local-addresses, else the node's InternalIPs). */
  listenAddresses: string[];
  clusterId?: string;
  originate: string[];
  peers: DesiredPeer[];
  policy: ExportPolicy;
  /** The node's own addresses: next hops for our routes and the FIB's "is this me" check. */
  nodeAddresses: string[];
  errors: (AnnotationError & { node: string })[];
}

export class RoutingConfigError extends Error {}

/** Settings parsed from annotations the last time each one was valid, per node. */
export type LastGoodAnnotations = Map<string, NodeBgpAnnotations>;

export function computeRouting(view: ClusterView, flags: RoutingFlags, lastGood: LastGoodAnnotations = new Map()): {
  desired: RoutingDesired;
  lastGood: LastGoodAnnotations;
} {
  const self = view.nodes.get(flags.nodeName);
  if (!self) throw new RoutingConfigError(`node "${flags.nodeName}" is not in the cluster view`);
  const errors: RoutingDesired['errors'] = [];
  const nextGood: LastGoodAnnotations = new Map();
  const ann = new Map<string, NodeBgpAnnotations>();
  for (const node of view.nodes.values()) {
    const parsed = parseNodeAnnotations(node.annotations);
    const prev = lastGood.get(node.name) ?? {};
    const merged: NodeBgpAnnotations = { ...parsed.value };
    // For each setting whose annotation failed to parse, keep the previous good value.
    for (const e of parsed.errors) {
      errors.push({ ...e, node: node.name });
      const field = FIELD_OF[e.annotation.replace(/^[^/]+\//, '')];
      if (field && prev[field] !== undefined) (merged as Record<string, unknown>)[field] = prev[field];
    }
    ann.set(node.name, merged);
    nextGood.set(node.name, merged);
  }

  const mine = ann.get(self.name)!;
  const asnOf = (n: NodeView): number => ann.get(n.name)?.asn ?? flags.clusterAsn;
  const asn = asnOf(self);
  const selfIPs = nodeAddresses(self);
  const routerId = flags.routerId ?? selfIPs.find((a) => isIP(a) === 4);
  if (!routerId) throw new RoutingConfigError(`node "${self.name}" has no IPv4 address to use as router id; set --router-id`);

  const peers: DesiredPeer[] = [];
  const add = (p: DesiredPeer): void => {
    if (selfIPs.includes(p.address)) return; // never peer with ourselves
    if (peers.some((q) => q.address === p.address)) return; // first definition wins (node peers before external)
    peers.push(p);
  };

  // Node-to-node sessions.
  const reflectors = [...view.nodes.values()].filter((n) => ann.get(n.name)?.rrServer);
  const useRR = reflectors.length > 0;
  for (const other of view.nodes.values()) {
    if (other.name === self.name) continue;
    if (flags.skipNotReadyNodes && !other.ready) continue;
    if (asnOf(other) !== asn) continue;
    const otherAnn = ann.get(other.name)!;
    let peerWith = false;
    let rrClient = false;
    if (useRR) {
      if (mine.rrServer && otherAnn.rrServer) peerWith = true;
      else if (mine.rrServer && otherAnn.rrClient === mine.rrServer) (peerWith = true), (rrClient = true);
      else if (mine.rrClient && otherAnn.rrServer === mine.rrClient) peerWith = true;
    } else {
      peerWith = flags.fullMesh;
    }
    if (!peerWith) continue;
    const address = preferredPeerAddress(other, selfIPs);
    if (!address) continue;
    add({
      kind: 'node',
      nodeName: other.name,
      address,
      asn,
      port: flags.bgpPort,
      holdTime: flags.holdTime,
      ...(rrClient ? { rrClient: true } : {}),
    });
  }

  // External peers: the node's annotations first (more specific), then the global flags.
  for (const ep of [...(mine.peers ?? []), ...flags.globalPeers]) {
    add({
      kind: 'external',
      address: ep.address,
      asn: ep.asn,
      ...(ep.port ? { port: ep.port } : {}),
      ...(ep.localAddress ? { localAddress: ep.localAddress } : {}),
      ...(ep.password ? { password: ep.password } : {}),
      ...(ep.passwordSecretRef && !ep.password ? { passwordSecretRef: ep.passwordSecretRef } : {}),
      ...(flags.holdTime ? { holdTime: flags.holdTime } : {}),
    });
  }

  const podCIDRs = mine.podCIDRs ?? self.podCIDRs;
  return {
    desired: {
      asn,
      routerId,
      listenAddresses: mine.localAddresses ?? selfIPs,
      clusterId: mine.rrServer,
      originate: flags.advertisePodCidr ? [...podCIDRs] : [],
      peers,
      policy: {
        communities: mine.communities ?? [],
        prepend: mine.prependAs !== undefined ? { asn: mine.prependAs, repeat: mine.prependRepeat ?? 1 } : undefined,
        importReject: mine.importReject ?? [],
      },
      nodeAddresses: selfIPs,
      errors,
    },
    lastGood: nextGood,
  };
}

/** Which NodeBgpAnnotations field each annotation name feeds (for keeping the last good value). */
const FIELD_OF: Record<string, keyof NodeBgpAnnotations> = {
  'node.asn': 'asn',
  'rr.server': 'rrServer',
  'rr.client': 'rrClient',
  'path-prepend.as': 'prependAs',
  'path-prepend.repeat-n': 'prependRepeat',
  'node.bgp.communities': 'communities',
  'node.bgp.customimportreject': 'importReject',
  'bgp-local-addresses': 'localAddresses',
  'pod-cidr': 'podCIDRs',
  'pod-cidrs': 'podCIDRs',
  peers: 'peers',
  'peer.ips': 'peers',
};

export function nodeAddresses(n: NodeView): string[] {
  return [...n.internalIPs, ...n.externalIPs];
}

/** Peer over the same address family as our own first address, InternalIP before ExternalIP. */
function preferredPeerAddress(n: NodeView, selfIPs: string[]): string | undefined {
  const fam = selfIPs.length ? isIP(selfIPs[0]) : 4;
  return n.internalIPs.find((a) => isIP(a) === fam) ?? n.internalIPs[0] ?? n.externalIPs[0];
}
