// The `policies:` section of a config file and the per-peer `importPolicy:` / `exportPolicy:`
// references, validated into PolicyDefinitions. Every error names its key path
// ("policies.from-transit.rules[2].match.prefix[0]: le 33 must be 24..32 for 10.0.0.0/24").

import { isIP } from 'node:net';
import {
  ConfigError, describe, expectObj, join, onlyKeys, optArray, optBool, optInt, optString, parseAsn, type Obj,
} from '../../config/validate.js';
import type { Family } from '../wire/types.js';
import { compileAsPathRegex } from './as-path-match.js';
import { parseCommunity, parseCommunityPattern, parseLargeCommunity, parseLargePattern } from './communities.js';
import { checkPrefixEntry, parsePrefixEntryText } from './prefix-list.js';
import type {
  AsPathMatch, PeerPolicyBinding, PolicyActions, PolicyDefinition, PolicyDefinitions, PolicyMatch, PolicyRule, PrefixEntry, SetOps, Verdict,
} from './types.js';

const POLICY_KEYS = ['default', 'rules'] as const;
const RULE_KEYS = ['name', 'match', 'set', 'action'] as const;
const MATCH_KEYS = ['prefix', 'family', 'community', 'largeCommunity', 'asPath', 'peerAddress', 'peerAsn', 'originated'] as const;
const AS_PATH_KEYS = ['regex', 'contains', 'origin', 'minLength', 'maxLength'] as const;
const SET_KEYS = ['localPref', 'med', 'communities', 'largeCommunities', 'prepend', 'nextHopSelf'] as const;
const OPS_KEYS = ['replace', 'remove', 'add'] as const;
const FAMILIES: Family[] = ['ipv4-unicast', 'ipv6-unicast'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A list of values: one value alone is taken as a list of one. */
function list(o: Obj, key: string, path: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) throw new ConfigError(join(path, key), 'must not be empty');
  return items;
}

/** Runs `f`, turning its Error into a ConfigError at `path`. */
function at<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(path, (err as Error).message);
  }
}

function str(v: unknown, path: string, what: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(path, `must be ${what}, got ${describe(v)}`);
  return v;
}

function verdict(v: unknown, path: string): Verdict {
  if (v !== 'accept' && v !== 'reject') throw new ConfigError(path, `must be accept or reject, got ${describe(v)}`);
  return v;
}

export function parsePolicies(v: unknown, path = 'policies'): PolicyDefinitions {
  if (v === undefined || v === null) return {};
  const o = expectObj(v, path);
  const out: PolicyDefinitions = {};
  for (const [name, def] of Object.entries(o)) {
    if (!NAME_RE.test(name)) throw new ConfigError(join(path, name), 'policy names use letters, digits, "-", "_" and "." (up to 64)');
    out[name] = parsePolicy(def, join(path, name));
  }
  return out;
}

function parsePolicy(v: unknown, path: string): PolicyDefinition {
  const o = expectObj(v, path);
  onlyKeys(o, path, POLICY_KEYS);
  const def: Verdict = o.default === undefined ? 'reject' : verdict(o.default, join(path, 'default'));
  const rules = optArray(o, 'rules', path).map((r, i) => parseRule(r, join(join(path, 'rules'), i)));
  return { default: def, rules };
}

function parseRule(v: unknown, path: string): PolicyRule {
  const o = expectObj(v, path);
  onlyKeys(o, path, RULE_KEYS);
  const name = optString(o, 'name', path);
  const match = o.match === undefined || o.match === null ? {} : parseMatch(o.match, join(path, 'match'));
  const set = o.set === undefined || o.set === null ? {} : parseSet(o.set, join(path, 'set'));
  const action = o.action === undefined ? 'accept' : verdict(o.action, join(path, 'action'));
  if (action === 'reject' && Object.keys(set).length > 0) throw new ConfigError(join(path, 'set'), 'has no effect with action reject');
  return name === undefined ? { match, set, action } : { name, match, set, action };
}

function parsePrefixEntry(v: unknown, path: string): PrefixEntry {
  return at(path, () => {
    let e: PrefixEntry;
    if (typeof v === 'string') e = parsePrefixEntryText(v);
    else {
      const o = expectObj(v, path);
      onlyKeys(o, path, ['prefix', 'ge', 'le']);
      e = { prefix: str(o.prefix, join(path, 'prefix'), 'a prefix like 10.0.0.0/8') };
      const ge = optInt(o, 'ge', path, 0, 128);
      const le = optInt(o, 'le', path, 0, 128);
      if (ge !== undefined) e.ge = ge;
      if (le !== undefined) e.le = le;
    }
    checkPrefixEntry(e);
    return e;
  });
}

function asnList(o: Obj, key: string, path: string): number[] | undefined {
  return list(o, key, path)?.map((a, i) => parseAsn(a, join(join(path, key), i)));
}

function parseMatch(v: unknown, path: string): PolicyMatch {
  const o = expectObj(v, path);
  onlyKeys(o, path, MATCH_KEYS);
  const m: PolicyMatch = {};
  const prefix = list(o, 'prefix', path);
  if (prefix) m.prefix = prefix.map((p, i) => parsePrefixEntry(p, join(join(path, 'prefix'), i)));
  if (o.family !== undefined) {
    if (!FAMILIES.includes(o.family as Family)) throw new ConfigError(join(path, 'family'), `must be one of ${FAMILIES.join(', ')}`);
    m.family = o.family as Family;
  }
  const community = list(o, 'community', path);
  if (community) {
    m.community = community.map((c, i) => {
      const p = join(join(path, 'community'), i);
      const s = str(c, p, 'a community like "65001:7", "65001:*" or no-export (quote it in YAML)');
      at(p, () => parseCommunityPattern(s));
      return s;
    });
  }
  const large = list(o, 'largeCommunity', path);
  if (large) {
    m.largeCommunity = large.map((c, i) => {
      const p = join(join(path, 'largeCommunity'), i);
      const s = str(c, p, 'a large community like "65000:1:2" (quote it in YAML)');
      at(p, () => parseLargePattern(s));
      return s;
    });
  }
  if (o.asPath !== undefined && o.asPath !== null) m.asPath = parseAsPathMatch(o.asPath, join(path, 'asPath'));
  const addrs = list(o, 'peerAddress', path);
  if (addrs) {
    m.peerAddress = addrs.map((a, i) => {
      const p = join(join(path, 'peerAddress'), i);
      if (typeof a !== 'string' || isIP(a) === 0) throw new ConfigError(p, `must be an IP address, got ${describe(a)}`);
      return a;
    });
  }
  const asns = asnList(o, 'peerAsn', path);
  if (asns) m.peerAsn = asns;
  const originated = optBool(o, 'originated', path);
  if (originated !== undefined) m.originated = originated;
  return m;
}

function parseAsPathMatch(v: unknown, path: string): AsPathMatch {
  const o = expectObj(v, path);
  onlyKeys(o, path, AS_PATH_KEYS);
  const m: AsPathMatch = {};
  if (o.regex !== undefined) {
    const re = str(o.regex, join(path, 'regex'), 'a regular expression like "^65001_"');
    at(join(path, 'regex'), () => compileAsPathRegex(re));
    m.regex = re;
  }
  const contains = asnList(o, 'contains', path);
  if (contains) m.contains = contains;
  const origin = asnList(o, 'origin', path);
  if (origin) m.origin = origin;
  const min = optInt(o, 'minLength', path, 0, 1000);
  const max = optInt(o, 'maxLength', path, 0, 1000);
  if (min !== undefined) m.minLength = min;
  if (max !== undefined) m.maxLength = max;
  if (min !== undefined && max !== undefined && min > max) throw new ConfigError(join(path, 'minLength'), `is greater than maxLength ${max}`);
  if (Object.keys(m).length === 0) throw new ConfigError(path, `needs one of ${AS_PATH_KEYS.join(', ')}`);
  return m;
}

function parseOps(v: unknown, path: string, check: (s: string) => unknown, checkPattern: (s: string) => unknown, what: string): SetOps {
  const o = expectObj(v, path);
  onlyKeys(o, path, OPS_KEYS);
  const ops: SetOps = {};
  for (const k of OPS_KEYS) {
    const raw = o[k];
    if (raw === undefined || raw === null) continue;
    const items = Array.isArray(raw) ? raw : [raw];
    if (items.length === 0 && k !== 'replace') throw new ConfigError(join(path, k), 'must not be empty');
    ops[k] = items.map((c, i) => {
      const p = join(join(path, k), i);
      const s = str(c, p, `${what} (quote it in YAML)`);
      at(p, () => (k === 'remove' ? checkPattern(s) : check(s)));
      return s;
    });
  }
  if (Object.keys(ops).length === 0) throw new ConfigError(path, `needs one of ${OPS_KEYS.join(', ')}`);
  return ops;
}

function parseSet(v: unknown, path: string): PolicyActions {
  const o = expectObj(v, path);
  onlyKeys(o, path, SET_KEYS);
  const s: PolicyActions = {};
  const localPref = optInt(o, 'localPref', path, 0, 0xffffffff);
  const med = optInt(o, 'med', path, 0, 0xffffffff);
  const prepend = optInt(o, 'prepend', path, 1, 16);
  const nextHopSelf = optBool(o, 'nextHopSelf', path);
  if (localPref !== undefined) s.localPref = localPref;
  if (med !== undefined) s.med = med;
  if (o.communities !== undefined && o.communities !== null) {
    s.communities = parseOps(o.communities, join(path, 'communities'), parseCommunity, parseCommunityPattern, 'a community like "65001:7"');
  }
  if (o.largeCommunities !== undefined && o.largeCommunities !== null) {
    s.largeCommunities = parseOps(o.largeCommunities, join(path, 'largeCommunities'), parseLargeCommunity, parseLargePattern, 'a large community like "65000:1:2"');
  }
  if (prepend !== undefined) s.prepend = prepend;
  if (nextHopSelf) s.nextHopSelf = true;
  return s;
}

/**
 * A peer's `importPolicy` / `exportPolicy` (names of entries in `policies`); `path` is the peer's
 * own key path, e.g. "peers[2]".
 */
export function parsePeerPolicyBinding(o: Obj, path: string, defs: PolicyDefinitions): PeerPolicyBinding {
  const b: PeerPolicyBinding = {};
  for (const key of ['importPolicy', 'exportPolicy'] as const) {
    const name = optString(o, key, path);
    if (name === undefined) continue;
    const def = defs[name];
    if (def === undefined) {
      const known = Object.keys(defs);
      throw new ConfigError(join(path, key), `no policy named "${name}" (defined: ${known.length ? known.join(', ') : 'none'})`);
    }
    if (key === 'importPolicy') {
      const i = def.rules.findIndex((r) => r.set.nextHopSelf);
      if (i >= 0) throw new ConfigError(join(path, key), `policy "${name}" sets nextHopSelf (rules[${i}]), which applies only to export`);
      const j = def.rules.findIndex((r) => r.match.originated === true);
      if (j >= 0) throw new ConfigError(join(path, key), `policy "${name}" matches originated (rules[${j}]), which only export routes can be`);
    }
    b[key] = name;
  }
  return b;
}
