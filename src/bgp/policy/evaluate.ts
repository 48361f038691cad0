// One policy definition compiled into an evaluator: rules in order, the first that matches decides
// (its actions, then accept or reject); no match gives the policy's default.
//
// Per prefix the evaluator does only what depends on the prefix: the prefix is parsed once into
// words (only if some rule has a prefix list) and checked against precompiled entries. Conditions on
// attributes (communities, large communities, AS path) are computed once per interned attribute
// set and remembered, and so are the attributes a rule's actions produce (per attribute set, rule,
// peer and family), so a whole UPDATE's prefixes share one result object.

import { localNextHop } from '../rib/export-rules.js';
import type { PeerInfo, RibPath } from '../rib/types.js';
import { canonicalAddress } from '../speaker/peer-config.js';
import { AS_SEQUENCE, type AsPathSegment, type Family, type LargeCommunity, type PathAttributes } from '../wire/types.js';
import { compileAsPathMatch } from './as-path-match.js';
import {
  communityMatches, largeMatches, parseCommunity, parseCommunityPattern, parseLargeCommunity, parseLargePattern,
  type CommunityPattern, type LargePattern,
} from './communities.js';
import { compilePrefixList, prefixWords, type PrefixMatcher, type PrefixWords } from './prefix-list.js';
import type { Direction, PolicyActions, PolicyDefinition, PolicyRule, SetOps } from './types.js';

export interface CompiledPolicy {
  readonly name: string;
  readonly definition: PolicyDefinition;
  /** The attributes to keep/send (the input object when no action applies), or null to reject. */
  evaluate(dir: Direction, peer: PeerInfo, prefix: string, attrs: PathAttributes, path?: RibPath): PathAttributes | null;
}

interface CompiledRule {
  index: number;
  prefix?: PrefixMatcher;
  v6?: boolean;
  peerAddress?: Set<string>;
  peerAsn?: Set<number>;
  originated?: boolean;
  /** Conditions on attributes only (memoized per attribute set); undefined when the rule has none. */
  onAttrs?: (a: PathAttributes) => boolean;
  act?: (dir: Direction, peer: PeerInfo, family: Family, a: PathAttributes) => PathAttributes;
  accept: boolean;
}

function compileSetOps(ops: SetOps | undefined) {
  if (!ops) return undefined;
  return {
    replace: ops.replace?.map(parseCommunity),
    remove: ops.remove?.map(parseCommunityPattern) as CommunityPattern[] | undefined,
    add: ops.add?.map(parseCommunity),
  };
}

function compileLargeOps(ops: SetOps | undefined) {
  if (!ops) return undefined;
  return {
    replace: ops.replace?.map(parseLargeCommunity),
    remove: ops.remove?.map(parseLargePattern) as LargePattern[] | undefined,
    add: ops.add?.map(parseLargeCommunity),
  };
}

const sameLarge = (a: LargeCommunity, b: LargeCommunity): boolean => a.global === b.global && a.local1 === b.local1 && a.local2 === b.local2;

export function prependPath(path: readonly AsPathSegment[] | undefined, asn: number, times: number): AsPathSegment[] {
  const rest = path ?? [];
  const add = new Array<number>(times).fill(asn);
  const first = rest[0];
  if (first && first.type === AS_SEQUENCE && first.asns.length + times <= 255) {
    return [{ type: AS_SEQUENCE, asns: [...add, ...first.asns] }, ...rest.slice(1)];
  }
  return [{ type: AS_SEQUENCE, asns: add }, ...rest];
}

function compileActions(s: PolicyActions): CompiledRule['act'] {
  const comm = compileSetOps(s.communities);
  const large = compileLargeOps(s.largeCommunities);
  const { localPref, med, prepend, nextHopSelf } = s;
  if (!comm && !large && localPref === undefined && med === undefined && !prepend && !nextHopSelf) return undefined;
  return (dir, peer, family, a) => {
    const out: PathAttributes = { ...a };
    if (localPref !== undefined && !(dir === 'export' && peer.ebgp)) out.localPref = localPref;
    if (med !== undefined) out.med = med;
    if (comm) {
      let list = comm.replace ? comm.replace.slice() : (a.communities ?? []).slice();
      if (comm.remove) list = list.filter((c) => !communityMatches(c, comm.remove!));
      if (comm.add) for (const c of comm.add) if (!list.includes(c)) list.push(c);
      if (list.length > 0) out.communities = list;
      else delete out.communities;
    }
    if (large) {
      let list = large.replace ? large.replace.slice() : (a.largeCommunities ?? []).slice();
      if (large.remove) list = list.filter((l) => !largeMatches(l, large.remove!));
      if (large.add) for (const l of large.add) if (!list.some((x) => sameLarge(x, l))) list.push(l);
      if (list.length > 0) out.largeCommunities = list;
      else delete out.largeCommunities;
    }
    if (prepend) out.asPath = prependPath(a.asPath, dir === 'export' ? peer.localAsn : peer.asn, prepend);
    if (nextHopSelf && dir === 'export') {
      const nh = localNextHop(peer, family);
      if (nh !== undefined) out.nextHop = nh;
    }
    return Object.freeze(out);
  };
}

function compileRule(r: PolicyRule, index: number): CompiledRule {
  const m = r.match;
  const attrConds: ((a: PathAttributes) => boolean)[] = [];
  if (m.community) {
    const pats = m.community.map(parseCommunityPattern);
    attrConds.push((a) => (a.communities ?? []).some((c) => communityMatches(c, pats)));
  }
  if (m.largeCommunity) {
    const pats = m.largeCommunity.map(parseLargePattern);
    attrConds.push((a) => (a.largeCommunities ?? []).some((l) => largeMatches(l, pats)));
  }
  if (m.asPath) {
    const f = compileAsPathMatch(m.asPath);
    attrConds.push((a) => f(a.asPath));
  }
  return {
    index,
    prefix: m.prefix ? compilePrefixList(m.prefix) : undefined,
    v6: m.family === undefined ? undefined : m.family === 'ipv6-unicast',
    peerAddress: m.peerAddress ? new Set(m.peerAddress.map(canonicalAddress)) : undefined,
    peerAsn: m.peerAsn ? new Set(m.peerAsn) : undefined,
    originated: m.originated,
    onAttrs: attrConds.length === 0 ? undefined : attrConds.length === 1 ? attrConds[0] : (a) => attrConds.every((f) => f(a)),
    act: compileActions(r.set),
    accept: r.action === 'accept',
  };
}

export function compilePolicy(name: string, def: PolicyDefinition): CompiledPolicy {
  const rules = def.rules.map(compileRule);
  const defaultAccept = def.default === 'accept';
  const needWords = rules.some((r) => r.prefix !== undefined);
  const attrRules = rules.filter((r) => r.onAttrs !== undefined);
  /** Per attribute set: attrResults[rule.index] = its attribute conditions hold. */
  const attrMemo = new WeakMap<PathAttributes, boolean[]>();
  /** Per attribute set and peer (its PeerInfo object: replaced whenever it changes): "rule|family|dir" → result. */
  const actMemo = new WeakMap<PathAttributes, WeakMap<PeerInfo, Map<string, PathAttributes>>>();
  const words: PrefixWords = { v6: false, len: 0, w: new Uint32Array(4) };

  const attrResults = (a: PathAttributes): boolean[] => {
    let r = attrMemo.get(a);
    if (r === undefined) {
      r = [];
      for (const rule of attrRules) r[rule.index] = rule.onAttrs!(a);
      attrMemo.set(a, r);
    }
    return r;
  };

  return {
    name,
    definition: def,
    evaluate(dir, peer, prefix, attrs, path) {
      const v6 = prefix.includes(':');
      let parsed = false;
      let attrRes: boolean[] | undefined;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        if (r.v6 !== undefined && r.v6 !== v6) continue;
        if (r.peerAsn && !r.peerAsn.has(peer.asn)) continue;
        if (r.peerAddress && !r.peerAddress.has(peer.address)) continue;
        if (r.originated !== undefined && r.originated !== (dir === 'export' && path !== undefined && path.peerId === null)) continue;
        if (r.prefix) {
          if (!parsed && needWords) {
            if (prefixWords(prefix, words) === undefined) continue;
            parsed = true;
          }
          if (!r.prefix(words)) continue;
        }
        if (r.onAttrs) {
          attrRes ??= attrResults(attrs);
          if (!attrRes[r.index]) continue;
        }
        if (!r.accept) return null;
        if (!r.act) return attrs;
        const family: Family = v6 ? 'ipv6-unicast' : 'ipv4-unicast';
        let byPeer = actMemo.get(attrs);
        if (byPeer === undefined) actMemo.set(attrs, (byPeer = new WeakMap()));
        let byKey = byPeer.get(peer);
        if (byKey === undefined) byPeer.set(peer, (byKey = new Map()));
        const key = `${i}|${family}|${dir}`;
        let out = byKey.get(key);
        if (out === undefined) byKey.set(key, (out = r.act(dir, peer, family, attrs)));
        return out;
      }
      return defaultAccept ? attrs : null;
    },
  };
}
