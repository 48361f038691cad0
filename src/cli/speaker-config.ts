// The standalone speaker's config file (`podroute bgp run --config FILE`): YAML or JSON (JSON is
// YAML), validated into SpeakerFileConfig. Every error names the key path, e.g. "peers[0].asn".
import { parse as parseYaml } from 'yaml';
import type { Family } from '../bgp/wire/types.js';
import { normalizePrefix } from '../bgp/wire/index.js';
import type { PeerConfig } from '../bgp/speaker/peer-config.js';
import type { SpeakerConfig } from '../bgp/speaker/speaker.js';
import { passwordProblem } from '../bgp/security/md5sig.js';
import type { MaxPrefixes } from '../bgp/security/max-prefix.js';
import { bfdConfigProblem, type BfdPeerConfig } from '../bgp/bfd/config.js';
import { parsePeerPolicyBinding, parsePolicies } from '../bgp/policy/config.js';
import type { PeerPolicyBinding, PolicyDefinitions } from '../bgp/policy/types.js';
import { peerKey } from '../bgp/speaker/peer-config.js';
import {
  ConfigError, expectObj, onlyKeys, optArray, optBool, optInt, optIp, optString, parseAsn, reqIp, join,
} from '../config/validate.js';

/** The speaker's own settings, plus the peers and prefixes the file lists. */
export type SpeakerFileConfig = Pick<SpeakerConfig, 'asn' | 'routerId' | 'listen' | 'clusterId' | 'maxPaths' | 'holdTime'> & {
  /** Graceful restart (RFC 4724): advertised with this restart time; SIGTERM then leaves without a NOTIFICATION. */
  gracefulRestart?: { restartTime: number };
  peers: PeerConfig[];
  originate: string[];
  /** Named import/export policies (docs/bgp.md "Policy"); present only when the file has some. */
  policies?: PolicyDefinitions;
  /** Per peer (by peerKey of its address): the policies its `importPolicy` / `exportPolicy` name. */
  peerPolicies?: Record<string, PeerPolicyBinding>;
};

const TOP_KEYS = ['asn', 'routerId', 'listen', 'clusterId', 'maxPaths', 'holdTime', 'gracefulRestart', 'peers', 'originate', 'policies'] as const;
const PEER_KEYS = [
  'address', 'asn', 'port', 'passive', 'holdTime', 'keepaliveTime', 'connectRetryTime', 'localAddress',
  'nextHop4', 'nextHop6', 'families', 'description', 'nextHopSelf', 'rrClient', 'localAsn',
  'password', 'ttlSecurity', 'ebgpMultihop', 'maxPrefixes', 'maxPrefixAction', 'maxPrefixRestartSeconds', 'bfd',
  'importPolicy', 'exportPolicy', 'addPath', 'addPathSendMode', 'addPathSendMax',
] as const;
const FAMILIES: Family[] = ['ipv4-unicast', 'ipv6-unicast'];

export function parseSpeakerConfig(text: string, source = 'config'): SpeakerFileConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError('', `${source}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  const o = expectObj(doc, '');
  onlyKeys(o, '', TOP_KEYS);
  if (o.asn === undefined) throw new ConfigError('asn', 'is required');
  const asn = parseAsn(o.asn, 'asn');
  const routerId = reqIp(o, 'routerId', '', 4);
  const listen = parseListen(o.listen);
  const clusterId = optIp(o, 'clusterId', '', 4);
  const maxPaths = optInt(o, 'maxPaths', '', 1, 64);
  const holdTime = parseHoldTime(o, '');
  const gracefulRestart = parseGracefulRestart(o.gracefulRestart);
  const policies = parsePolicies(o.policies, 'policies');
  const rawPeers = optArray(o, 'peers', '');
  const peers = rawPeers.map((p, i) => parsePeer(p, join('peers', i)));
  const peerPolicies: Record<string, PeerPolicyBinding> = {};
  rawPeers.forEach((p, i) => {
    const b = parsePeerPolicyBinding(p as Record<string, unknown>, join('peers', i), policies);
    if (b.importPolicy !== undefined || b.exportPolicy !== undefined) peerPolicies[peerKey(peers[i].address)] = b;
  });
  const seen = new Set<string>();
  peers.forEach((p, i) => {
    if (seen.has(p.address)) throw new ConfigError(join('peers', i) + '.address', `duplicate peer ${p.address}`);
    seen.add(p.address);
  });
  const originate = optArray(o, 'originate', '').map((p, i) => {
    if (typeof p !== 'string') throw new ConfigError(join('originate', i), 'must be a prefix like 203.0.113.0/24');
    try {
      return normalizePrefix(p);
    } catch (err) {
      throw new ConfigError(join('originate', i), (err as Error).message);
    }
  });
  return { asn, routerId, listen, clusterId, maxPaths, holdTime, ...(gracefulRestart ? { gracefulRestart } : {}), peers, originate,
    ...(Object.keys(policies).length > 0 ? { policies, peerPolicies } : {}),
  };
}

/** `gracefulRestart: { restartTime: N }` (seconds, 1..4095: the capability's 12 bits); absent or null: off. */
function parseGracefulRestart(v: unknown): { restartTime: number } | undefined {
  if (v === undefined || v === null) return undefined;
  const o = expectObj(v, 'gracefulRestart');
  onlyKeys(o, 'gracefulRestart', ['restartTime']);
  const restartTime = optInt(o, 'restartTime', 'gracefulRestart', 1, 4095);
  if (restartTime === undefined) throw new ConfigError('gracefulRestart.restartTime', 'is required');
  return { restartTime };
}

function parseListen(v: unknown): { address: string; port: number }[] {
  if (v === undefined || v === null || v === false) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const path = Array.isArray(v) ? join('listen', i) : 'listen';
    const o = expectObj(item, path);
    onlyKeys(o, path, ['address', 'port']);
    return { address: optIp(o, 'address', path) ?? '0.0.0.0', port: optInt(o, 'port', path, 0, 65535) ?? 179 };
  });
}

function parseHoldTime(o: Record<string, unknown>, path: string): number | undefined {
  const h = optInt(o, 'holdTime', path, 0, 65535);
  if (h !== undefined && (h === 1 || h === 2)) throw new ConfigError(join(path, 'holdTime'), 'must be 0 or at least 3 (RFC 4271)');
  return h;
}

function parsePeer(v: unknown, path: string): PeerConfig {
  const o = expectObj(v, path);
  onlyKeys(o, path, PEER_KEYS);
  if (o.asn === undefined) throw new ConfigError(join(path, 'asn'), 'is required');
  const families = optArray(o, 'families', path).map((f, i) => {
    if (!FAMILIES.includes(f as Family)) throw new ConfigError(join(join(path, 'families'), i), `must be one of ${FAMILIES.join(', ')}`);
    return f as Family;
  });
  const pc: PeerConfig = {
    address: reqIp(o, 'address', path),
    asn: parseAsn(o.asn, join(path, 'asn')),
    port: optInt(o, 'port', path, 1, 65535),
    passive: optBool(o, 'passive', path),
    holdTime: parseHoldTime(o, path),
    keepaliveTime: optInt(o, 'keepaliveTime', path, 0, 21845),
    connectRetryTime: optInt(o, 'connectRetryTime', path, 1, 65535),
    localAddress: optIp(o, 'localAddress', path),
    nextHop4: optIp(o, 'nextHop4', path, 4),
    nextHop6: optIp(o, 'nextHop6', path, 6),
    families: families.length ? families : undefined,
    description: optString(o, 'description', path),
    nextHopSelf: optBool(o, 'nextHopSelf', path),
    rrClient: optBool(o, 'rrClient', path),
    localAsn: o.localAsn === undefined ? undefined : parseAsn(o.localAsn, join(path, 'localAsn')),
    bfd: parseBfd(o.bfd, join(path, 'bfd')),
    ...parseAddPath(o, path),
    ...parsePeerSecurity(o, path),
  };
  // Drop undefined keys so configs compare and print cleanly.
  return Object.fromEntries(Object.entries(pc).filter(([, x]) => x !== undefined)) as unknown as PeerConfig;
}

/** `bfd: true` (defaults) or `bfd: { minTx, minRx, multiplier }` (ms); absent, null or false: off. */
function parseBfd(v: unknown, path: string): BfdPeerConfig | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true) return {};
  const o = expectObj(v, path);
  onlyKeys(o, path, ['minTx', 'minRx', 'multiplier']);
  const c: BfdPeerConfig = {};
  for (const k of ['minTx', 'minRx', 'multiplier'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'number') throw new ConfigError(join(path, k), 'must be a number');
    c[k] = o[k];
  }
  const bad = bfdConfigProblem(c);
  if (bad) throw new ConfigError(join(path, bad.key), bad.problem);
  return c;
}

/**
 * ADD-PATH (RFC 7911): `addPath: { ipv4-unicast: { send: true, receive: true }, … }` (a family
 * may also be just `true`: both), `addPathSendMode: all | ecmp`, `addPathSendMax: N`.
 */
function parseAddPath(o: Record<string, unknown>, path: string): Partial<PeerConfig> {
  const out: Partial<PeerConfig> = {};
  if (o.addPath !== undefined && o.addPath !== null) {
    const ap = expectObj(o.addPath, join(path, 'addPath'));
    onlyKeys(ap, join(path, 'addPath'), FAMILIES);
    const fams: NonNullable<PeerConfig['addPath']> = {};
    for (const f of FAMILIES) {
      const v = ap[f];
      const fpath = join(join(path, 'addPath'), f);
      if (v === undefined || v === null || v === false) continue;
      if (v === true) {
        fams[f] = { send: true, receive: true };
        continue;
      }
      const fo = expectObj(v, fpath);
      onlyKeys(fo, fpath, ['send', 'receive']);
      fams[f] = { send: optBool(fo, 'send', fpath) ?? false, receive: optBool(fo, 'receive', fpath) ?? false };
    }
    if (Object.keys(fams).length > 0) out.addPath = fams;
  }
  const mode = o.addPathSendMode;
  if (mode !== undefined && mode !== 'all' && mode !== 'ecmp') {
    throw new ConfigError(join(path, 'addPathSendMode'), "must be 'all' or 'ecmp'");
  }
  if (mode !== undefined) out.addPathSendMode = mode;
  const max = optInt(o, 'addPathSendMax', path, 1, 65535);
  if (max !== undefined) out.addPathSendMax = max;
  return out;
}

/** The security keys of one peer: TCP MD5, GTSM / multihop TTL, maximum prefixes. */
function parsePeerSecurity(o: Record<string, unknown>, path: string): Partial<PeerConfig> {
  let password: string | undefined;
  if (o.password !== undefined && o.password !== null) {
    // Never echo the value: it is a secret (and a YAML number would be one too).
    if (typeof o.password !== 'string') throw new ConfigError(join(path, 'password'), 'must be a string (quote it in YAML)');
    const problem = passwordProblem(o.password);
    if (problem) throw new ConfigError(join(path, 'password'), problem);
    password = o.password;
  }
  const ttlSecurity = optBool(o, 'ttlSecurity', path);
  const ebgpMultihop = optInt(o, 'ebgpMultihop', path, 1, 255);
  if (ttlSecurity && ebgpMultihop !== undefined) {
    throw new ConfigError(join(path, 'ebgpMultihop'), 'cannot be combined with ttlSecurity (GTSM always sends TTL 255)');
  }
  let maxPrefixes: MaxPrefixes | undefined;
  if (o.maxPrefixes !== undefined && o.maxPrefixes !== null) {
    const mp = expectObj(o.maxPrefixes, join(path, 'maxPrefixes'));
    onlyKeys(mp, join(path, 'maxPrefixes'), FAMILIES);
    maxPrefixes = {};
    for (const f of FAMILIES) {
      const n = optInt(mp, f, join(path, 'maxPrefixes'), 1, 4294967295);
      if (n !== undefined) maxPrefixes[f] = n;
    }
  }
  const action = o.maxPrefixAction;
  if (action !== undefined && action !== 'warn' && action !== 'cease') {
    throw new ConfigError(join(path, 'maxPrefixAction'), "must be 'warn' or 'cease'");
  }
  const restart = optInt(o, 'maxPrefixRestartSeconds', path, 1, 65535);
  if (!maxPrefixes && (action !== undefined || restart !== undefined)) {
    throw new ConfigError(join(path, 'maxPrefixes'), 'is required with maxPrefixAction or maxPrefixRestartSeconds');
  }
  if (action === 'warn' && restart !== undefined) {
    throw new ConfigError(join(path, 'maxPrefixRestartSeconds'), "has no effect with maxPrefixAction 'warn'");
  }
  return { password, ttlSecurity, ebgpMultihop, maxPrefixes, maxPrefixAction: action as 'warn' | 'cease' | undefined, maxPrefixRestartSeconds: restart };
}
