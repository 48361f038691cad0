// Import/export policy as configured: plain, validated data (JSON-comparable, so a reload can tell
// whether a peer's policy really changed). `compilePolicy` turns one definition into an evaluator.
import type { Family } from '../wire/types.js';

/** One prefix-list entry, FRR semantics: inside `prefix`, length in [ge ?? len, le ?? (ge ? max : len)]. */
export interface PrefixEntry {
  prefix: string;
  ge?: number;
  le?: number;
}

export interface AsPathMatch {
  /** FRR-style regex over the AS_SEQUENCE/SET numbers joined by spaces; `_` matches a boundary. */
  regex?: string;
  /** Any of these ASNs appears in the path. */
  contains?: number[];
  /** The originating (rightmost) AS is one of these. */
  origin?: number[];
  minLength?: number;
  maxLength?: number;
}

/** All given conditions must hold; inside one list, any entry may match. */
export interface PolicyMatch {
  prefix?: PrefixEntry[];
  family?: Family;
  /** "65001:7", "65001:*", "*:7" or a well-known name (no-export, no-advertise, …). */
  community?: string[];
  /** "65000:1:2", any field may be "*". */
  largeCommunity?: string[];
  asPath?: AsPathMatch;
  /** The session's peer: the sender on import, the receiver on export. */
  peerAddress?: string[];
  peerAsn?: number[];
  /** The route is our own (originated locally); on import always false. */
  originated?: boolean;
}

/** Applied in this order: replace (set exactly; [] clears), then remove (patterns), then add. */
export interface SetOps {
  replace?: string[];
  remove?: string[];
  add?: string[];
}

export interface PolicyActions {
  /** Ignored on export to an eBGP peer (LOCAL_PREF never leaves the AS). */
  localPref?: number;
  med?: number;
  communities?: SetOps;
  largeCommunities?: SetOps;
  /** Export: our ASN N more times; import: the peer's ASN N times (FRR `prepend last-as`). */
  prepend?: number;
  /** Export only: our address toward the peer as NEXT_HOP. */
  nextHopSelf?: boolean;
}

export type Verdict = 'accept' | 'reject';

export interface PolicyRule {
  name?: string;
  match: PolicyMatch;
  set: PolicyActions;
  action: Verdict;
}

export interface PolicyDefinition {
  /** What happens to a route no rule matches. */
  default: Verdict;
  rules: PolicyRule[];
}

export type PolicyDefinitions = Record<string, PolicyDefinition>;

export interface PeerPolicyBinding {
  importPolicy?: string;
  exportPolicy?: string;
}

export type Direction = 'import' | 'export';
