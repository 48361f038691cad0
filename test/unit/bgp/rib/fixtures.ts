// Builders for RIB tests: UPDATEs as the codec would decode them, and peers.

import { AFI_IPV6, AS_SEQUENCE, SAFI_UNICAST, type PathAttributes, type UpdateMessage, type CodecContext } from '../../../../src/bgp/wire/index.js';
import type { PeerInfo } from '../../../../src/bgp/rib/index.js';

export const LOCAL_ASN = 65000;
export const ROUTER_ID = '10.0.0.100';

export const codec: CodecContext = {
  asn4: true, extendedMessage: false, addPathReceive: new Set(), addPathSend: new Set(), ebgp: true,
};

export function ebgpPeer(id: string, asn: number, address: string, extra: Partial<PeerInfo> = {}): PeerInfo {
  return { id, address, asn, localAsn: LOCAL_ASN, routerId: address, ebgp: true, localAddress: '192.0.2.1', localAddress6: '2001:db8:ffff::1', ...extra };
}
export function ibgpPeer(id: string, address: string, extra: Partial<PeerInfo> = {}): PeerInfo {
  return { id, address, asn: LOCAL_ASN, localAsn: LOCAL_ASN, routerId: address, ebgp: false, localAddress: '192.0.2.1', localAddress6: '2001:db8:ffff::1', ...extra };
}

export function attrs(a: Partial<PathAttributes> & { path?: number[] } = {}): PathAttributes {
  const { path, ...rest } = a;
  return { origin: 0, asPath: path ? [{ type: AS_SEQUENCE, asns: path }] : [], nextHop: '192.0.2.10', ...rest };
}

/** A classic IPv4 UPDATE; attrKey is derived from the attributes so equal sets intern together. */
export function announce(prefixes: string[], a: PathAttributes, opts: { pathIds?: number[]; attrKey?: string } = {}): UpdateMessage {
  return {
    type: 2,
    withdrawn: { prefixes: [] },
    attributes: a,
    nlri: opts.pathIds ? { prefixes, pathIds: opts.pathIds } : { prefixes },
    attrKey: opts.attrKey ?? JSON.stringify(a),
  };
}

export function withdraw(prefixes: string[], pathIds?: number[]): UpdateMessage {
  return { type: 2, withdrawn: pathIds ? { prefixes, pathIds } : { prefixes }, attributes: null, nlri: { prefixes: [] } };
}

export function announce6(prefixes: string[], nextHop: string, a: Partial<PathAttributes> & { path?: number[] } = {}): UpdateMessage {
  const base = attrs(a);
  delete base.nextHop;
  return {
    type: 2,
    withdrawn: { prefixes: [] },
    attributes: { ...base, mpReach: { afi: AFI_IPV6, safi: SAFI_UNICAST, nextHop, nlri: { prefixes } } },
    nlri: { prefixes: [] },
    attrKey: JSON.stringify(base),
  };
}

export function withdraw6(prefixes: string[]): UpdateMessage {
  return {
    type: 2,
    withdrawn: { prefixes: [] },
    attributes: { mpUnreach: { afi: AFI_IPV6, safi: SAFI_UNICAST, withdrawn: { prefixes } } },
    nlri: { prefixes: [] },
    attrKey: '',
  };
}
