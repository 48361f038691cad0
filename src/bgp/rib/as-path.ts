// AS_PATH arithmetic the RIB needs: length for the decision, the neighbour AS for MED, loop
// detection and the eBGP prepend. Pure functions over the codec's segment list.

import { AS_CONFED_SEQUENCE, AS_CONFED_SET, AS_SEQUENCE, AS_SET, type AsPathSegment } from '../wire/index.js';

/** RFC 4271 §9.1.2.2 a: an AS_SET counts as one AS; RFC 5065 §5.3: confederation segments count 0. */
export function asPathLength(path: readonly AsPathSegment[] | undefined): number {
  if (!path) return 0;
  let n = 0;
  for (const seg of path) {
    if (seg.type === AS_SEQUENCE) n += seg.asns.length;
    else if (seg.type === AS_SET) n += 1;
  }
  return n;
}

/**
 * The AS the path was learned from, for MED comparison (RFC 4271 §9.1.2.2 c): the first AS of the
 * first AS_SEQUENCE (confederation segments skipped); an empty path means our own AS.
 */
export function neighborAs(path: readonly AsPathSegment[] | undefined, localAsn: number): number {
  if (path) {
    for (const seg of path) {
      if (seg.type === AS_CONFED_SEQUENCE || seg.type === AS_CONFED_SET) continue;
      if (seg.type === AS_SEQUENCE && seg.asns.length > 0) return seg.asns[0];
      break;
    }
  }
  return localAsn;
}

export function asPathContains(path: readonly AsPathSegment[] | undefined, asn: number): boolean {
  if (!path) return false;
  for (const seg of path) if (seg.asns.includes(asn)) return true;
  return false;
}

/**
 * The path as sent to an eBGP peer (RFC 4271 §5.1.2, RFC 5065 §5.3): confederation segments
 * removed, our ASN prepended to the leading AS_SEQUENCE (a new one when full or absent).
 */
export function prependAsn(path: readonly AsPathSegment[] | undefined, asn: number): AsPathSegment[] {
  const rest = (path ?? []).filter((s) => s.type !== AS_CONFED_SEQUENCE && s.type !== AS_CONFED_SET);
  const first = rest[0];
  if (first && first.type === AS_SEQUENCE && first.asns.length < 255) {
    return [{ type: AS_SEQUENCE, asns: [asn, ...first.asns] }, ...rest.slice(1)];
  }
  return [{ type: AS_SEQUENCE, asns: [asn] }, ...rest];
}
