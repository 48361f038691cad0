// The attribute table: type code → expected flags, name and decoder; and the encoders in the
// order attributes go on the wire (MP_* first, RFC 7606 §5.1; then ascending type code).

import type { CodecContext, PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import * as C from '../codes.js';
import type { AttrDecoder } from './state.js';
import { decodeOrigin, encodeOrigin } from './origin.js';
import { decodeAs4Path, decodeAsPath, encodeAs4Path, encodeAsPath } from './as-path.js';
import { decodeNextHop, encodeNextHop } from './next-hop.js';
import { decodeLocalPref, decodeMed, encodeLocalPref, encodeMed } from './metrics.js';
import { decodeAggregator, decodeAs4Aggregator, decodeAtomicAggregate, encodeAggregator, encodeAs4Aggregator, encodeAtomicAggregate } from './aggregation.js';
import { decodeCommunities, decodeExtCommunities, decodeLargeCommunities, encodeCommunities, encodeExtCommunities, encodeLargeCommunities } from './communities.js';
import { decodeClusterList, decodeOriginatorId, encodeClusterList, encodeOriginatorId } from './reflection.js';
import { decodeMpReach, decodeMpUnreach, encodeMpReach, encodeMpUnreach } from './mp.js';
import { encodeUnknown } from './unknown.js';

export interface AttrCodec {
  name: string;
  /** The Optional and Transitive bits the attribute must carry (RFC 7606 §3 (c)). */
  flags: number;
  decode: AttrDecoder;
}

const WK = C.FLAG_TRANSITIVE; // well-known: optional 0, transitive 1
const OPT = C.FLAG_OPTIONAL;
const OT = C.FLAG_OPTIONAL | C.FLAG_TRANSITIVE;

export const ATTRIBUTE_CODECS: ReadonlyMap<number, AttrCodec> = new Map<number, AttrCodec>([
  [C.ATTR_ORIGIN, { name: 'ORIGIN', flags: WK, decode: decodeOrigin }],
  [C.ATTR_AS_PATH, { name: 'AS_PATH', flags: WK, decode: decodeAsPath }],
  [C.ATTR_NEXT_HOP, { name: 'NEXT_HOP', flags: WK, decode: decodeNextHop }],
  [C.ATTR_MED, { name: 'MULTI_EXIT_DISC', flags: OPT, decode: decodeMed }],
  [C.ATTR_LOCAL_PREF, { name: 'LOCAL_PREF', flags: WK, decode: decodeLocalPref }],
  [C.ATTR_ATOMIC_AGGREGATE, { name: 'ATOMIC_AGGREGATE', flags: WK, decode: decodeAtomicAggregate }],
  [C.ATTR_AGGREGATOR, { name: 'AGGREGATOR', flags: OT, decode: decodeAggregator }],
  [C.ATTR_COMMUNITIES, { name: 'COMMUNITIES', flags: OT, decode: decodeCommunities }],
  [C.ATTR_ORIGINATOR_ID, { name: 'ORIGINATOR_ID', flags: OPT, decode: decodeOriginatorId }],
  [C.ATTR_CLUSTER_LIST, { name: 'CLUSTER_LIST', flags: OPT, decode: decodeClusterList }],
  [C.ATTR_MP_REACH_NLRI, { name: 'MP_REACH_NLRI', flags: OPT, decode: decodeMpReach }],
  [C.ATTR_MP_UNREACH_NLRI, { name: 'MP_UNREACH_NLRI', flags: OPT, decode: decodeMpUnreach }],
  [C.ATTR_EXTENDED_COMMUNITIES, { name: 'EXTENDED_COMMUNITIES', flags: OT, decode: decodeExtCommunities }],
  [C.ATTR_AS4_PATH, { name: 'AS4_PATH', flags: OT, decode: decodeAs4Path }],
  [C.ATTR_AS4_AGGREGATOR, { name: 'AS4_AGGREGATOR', flags: OT, decode: decodeAs4Aggregator }],
  [C.ATTR_LARGE_COMMUNITIES, { name: 'LARGE_COMMUNITY', flags: OT, decode: decodeLargeCommunities }],
]);

export type AttrEncoder = (a: PathAttributes, ctx: CodecContext, w: ByteWriter) => void;

/** Every attribute except MP_REACH/MP_UNREACH, in wire order. */
export const ATTRIBUTE_ENCODERS: readonly AttrEncoder[] = [
  (a, _c, w) => encodeOrigin(a, w),
  encodeAsPath,
  (a, _c, w) => encodeNextHop(a, w),
  (a, _c, w) => encodeMed(a, w),
  (a, _c, w) => encodeLocalPref(a, w),
  (a, _c, w) => encodeAtomicAggregate(a, w),
  encodeAggregator,
  (a, _c, w) => encodeCommunities(a, w),
  (a, _c, w) => encodeOriginatorId(a, w),
  (a, _c, w) => encodeClusterList(a, w),
  (a, _c, w) => encodeExtCommunities(a, w),
  encodeAs4Path,
  encodeAs4Aggregator,
  (a, _c, w) => encodeLargeCommunities(a, w),
  (a, _c, w) => encodeUnknown(a, w),
];

export { encodeMpReach, encodeMpUnreach };
