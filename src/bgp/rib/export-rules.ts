// Which paths go to which peer, and with what attributes (RFC 4271 §5.1, §9.2; RFC 4456; RFC 1997).
// Pure: one path and one target peer in, the attributes to advertise (or null) out. The caller
// computes this once per (target, attribute set, source peer, family), never per prefix.

import type { Family, PathAttributes } from '../wire/index.js';
import { prependAsn } from './as-path.js';
import { advertiseScope, SCOPE_NOBODY, SCOPE_OWN_AS } from './communities.js';
import { DEFAULT_LOCAL_PREF } from './decide.js';
import type { PeerInfo, RibPath } from './types.js';

export interface ExportContext {
  localAsn: number;
  routerId: string;
  clusterId: string;
}

/** The attribute flag bit that says an optional attribute is transitive. */
const FLAG_TRANSITIVE = 0x40;

/** Our next hop toward `target` for `family`, or undefined when we have no address of that kind. */
export function localNextHop(target: PeerInfo, family: Family): string | undefined {
  return family === 'ipv6-unicast' ? target.localAddress6 : target.localAddress;
}

/**
 * The attributes to send `path` to `target` with, or null when it must not go there:
 * - never back to the peer it came from (split horizon);
 * - NO_ADVERTISE: to nobody; NO_EXPORT / NO_EXPORT_SUBCONFED: not to eBGP peers;
 * - iBGP-learned to iBGP only when we reflect (source or target is our RR client), adding
 *   ORIGINATOR_ID and prepending our CLUSTER_ID;
 * - to eBGP: our ASN prepended, LOCAL_PREF dropped, MED of learned routes dropped (it is the
 *   neighbour AS's metric, meaningless to the next AS), ORIGINATOR_ID/CLUSTER_LIST stripped,
 *   next hop = our address toward the peer (null when we have none for the family);
 * - to iBGP: LOCAL_PREF 100 when missing, next hop kept unless next-hop-self or originated;
 * - unrecognised non-transitive attributes never leave (RFC 4271 §5).
 */
export function exportAttrs(
  target: PeerInfo,
  family: Family,
  path: RibPath,
  source: PeerInfo | undefined,
  ctx: ExportContext,
): PathAttributes | null {
  if (path.peerId !== null && path.peerId === target.id) return null;
  const a = path.attrs;
  const scope = advertiseScope(a.communities);
  if (scope === SCOPE_NOBODY) return null;
  if (scope === SCOPE_OWN_AS && target.ebgp) return null;

  const learned = path.peerId !== null;
  const fromIbgp = learned && !path.ebgp;
  let reflect = false;
  if (fromIbgp && !target.ebgp) {
    if (!(source?.rrClient || target.rrClient)) return null;
    reflect = true;
  }

  const out: PathAttributes = { ...a };
  delete out.mpReach;
  delete out.mpUnreach;
  // A link-local next hop is only good on the link it was learned over (RFC 2545 §3).
  delete out.linkLocalNextHop;
  if (a.unknown) {
    const kept = a.unknown.filter((u) => (u.flags & FLAG_TRANSITIVE) !== 0);
    if (kept.length > 0) out.unknown = kept;
    else delete out.unknown;
  }

  if (target.ebgp) {
    const nh = localNextHop(target, family);
    if (nh === undefined) return null;
    out.nextHop = nh;
    out.asPath = prependAsn(a.asPath, ctx.localAsn);
    delete out.localPref;
    if (learned) delete out.med;
    delete out.originatorId;
    delete out.clusterList;
    return out;
  }

  // iBGP target.
  if (out.localPref === undefined) out.localPref = DEFAULT_LOCAL_PREF;
  if (out.asPath === undefined) out.asPath = [];
  if (!learned || target.nextHopSelf) {
    const nh = localNextHop(target, family);
    if (nh === undefined) return null;
    out.nextHop = nh;
  } else {
    out.nextHop = path.nextHop;
  }
  if (reflect) {
    out.originatorId = a.originatorId ?? path.peerRouterId;
    out.clusterList = [ctx.clusterId, ...(a.clusterList ?? [])];
  }
  return out;
}
