// Node annotations → validated BGP settings for that node.
//
// Both name spaces are read: `podroute.io/<name>` and kube-router's `kube-router.io/<name>`, so a
// cluster can move over without re-annotating; when both are set, ours wins. Parsing never throws:
// each bad annotation becomes an AnnotationError (for an Event and a log line) and that one setting
// is left out, so the caller can keep the last good value for it while everything else applies.
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { normalizePrefix } from '../bgp/wire/index.js';
import { asnFromText } from '../config/validate.js';

export const PREFIXES = ['podroute.io/', 'kube-router.io/'] as const;

export interface AnnotationError {
  annotation: string;
  value: string;
  reason: string;
}

export interface ExternalPeer {
  address: string;
  asn: number;
  port?: number;
  localAddress?: string;
  password?: string;
  /** Name of a Secret key holding the password ("namespace/name/key"), resolved by the source. */
  passwordSecretRef?: string;
}

export interface NodeBgpAnnotations {
  asn?: number;
  peers?: ExternalPeer[];
  /** Route-reflector cluster id when this node is a reflector. */
  rrServer?: string;
  /** Cluster id of the reflectors this node is a client of. */
  rrClient?: string;
  prependAs?: number;
  prependRepeat?: number;
  communities?: string[];
  importReject?: string[];
  localAddresses?: string[];
  podCIDRs?: string[];
}

export interface ParsedAnnotations {
  value: NodeBgpAnnotations;
  errors: AnnotationError[];
}

/** Finds `name` under either prefix; ours first. Returns the full key used, for error messages. */
export function lookupAnnotation(annotations: Record<string, string>, name: string): { key: string; value: string } | undefined {
  for (const p of PREFIXES) {
    const key = p + name;
    const value = annotations[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

export function parseNodeAnnotations(annotations: Record<string, string>): ParsedAnnotations {
  const out: NodeBgpAnnotations = {};
  const errors: AnnotationError[] = [];
  const take = <T>(name: string, parse: (v: string) => T, set: (v: T) => void): void => {
    const a = lookupAnnotation(annotations, name);
    if (!a) return;
    try {
      set(parse(a.value.trim()));
    } catch (err) {
      errors.push({ annotation: a.key, value: a.value, reason: (err as Error).message });
    }
  };

  take('node.asn', (v) => asn(v), (v) => (out.asn = v));
  take('rr.server', (v) => clusterId(v), (v) => (out.rrServer = v));
  take('rr.client', (v) => clusterId(v), (v) => (out.rrClient = v));
  take('path-prepend.as', (v) => asn(v), (v) => (out.prependAs = v));
  take('path-prepend.repeat-n', (v) => intIn(v, 1, 32, 'repeat count'), (v) => (out.prependRepeat = v));
  take('node.bgp.communities', (v) => list(v).map(community), (v) => (out.communities = v));
  take('node.bgp.customimportreject', (v) => list(v).map(prefix), (v) => (out.importReject = v));
  take('bgp-local-addresses', (v) => list(v).map(ip), (v) => (out.localAddresses = v));
  take('pod-cidrs', (v) => list(v).map(prefix), (v) => (out.podCIDRs = v));
  if (!out.podCIDRs) take('pod-cidr', (v) => [prefix(v)], (v) => (out.podCIDRs = v));
  if (out.prependRepeat !== undefined && out.prependAs === undefined) {
    errors.push({
      annotation: 'path-prepend.repeat-n',
      value: String(out.prependRepeat),
      reason: 'path-prepend.repeat-n needs path-prepend.as as well',
    });
    out.prependRepeat = undefined;
  } else if (out.prependAs !== undefined && out.prependRepeat === undefined) {
    out.prependRepeat = 1;
  }

  // Peers: the YAML list form wins over the older comma-aligned lists.
  const yamlPeers = lookupAnnotation(annotations, 'peers');
  if (yamlPeers) {
    try {
      out.peers = parsePeerList(yamlPeers.value);
    } catch (err) {
      errors.push({ annotation: yamlPeers.key, value: yamlPeers.value, reason: (err as Error).message });
    }
  } else {
    const ips = lookupAnnotation(annotations, 'peer.ips');
    if (ips) {
      try {
        out.peers = parseAlignedPeers(annotations);
      } catch (err) {
        errors.push({ annotation: ips.key, value: ips.value, reason: (err as Error).message });
      }
    }
  }
  return { value: out, errors };
}

/**
 * kube-router 2.x form: a YAML list of {remoteip, remoteasn, localip, password, port}. We also
 * accept our spelled-out keys (address, asn, localAddress, port, password, passwordSecretRef).
 */
export function parsePeerList(text: string): ExternalPeer[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`not a YAML list: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc)) throw new Error('must be a YAML list of peers');
  const peers = doc.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`peer ${i}: must be a mapping`);
    const o = item as Record<string, unknown>;
    const known = ['remoteip', 'remoteasn', 'localip', 'password', 'port', 'address', 'asn', 'localAddress', 'passwordSecretRef'];
    for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`peer ${i}: unknown key "${k}"`);
    const address = o.remoteip ?? o.address;
    const remoteAsn = o.remoteasn ?? o.asn;
    if (address === undefined) throw new Error(`peer ${i}: remoteip is required`);
    if (remoteAsn === undefined) throw new Error(`peer ${i}: remoteasn is required`);
    const p: ExternalPeer = { address: ip(String(address)), asn: asn(String(remoteAsn)) };
    const local = o.localip ?? o.localAddress;
    if (local !== undefined && local !== '') p.localAddress = ip(String(local));
    if (o.port !== undefined && o.port !== '') p.port = intIn(String(o.port), 1, 65535, 'port');
    if (o.password !== undefined && o.password !== '') p.password = decodePassword(String(o.password));
    if (o.passwordSecretRef !== undefined) p.passwordSecretRef = String(o.passwordSecretRef);
    return p;
  });
  assertUnique(peers);
  return peers;
}

/** The older form: peer.ips, peer.asns, peer.passwords, peer.ports, peer.localips — aligned by index. */
export function parseAlignedPeers(annotations: Record<string, string>): ExternalPeer[] {
  const get = (n: string): string[] | undefined => {
    const a = lookupAnnotation(annotations, n);
    return a ? a.value.split(',').map((s) => s.trim()) : undefined;
  };
  const ips = get('peer.ips') ?? [];
  const asns = get('peer.asns');
  if (!asns) throw new Error('peer.ips is set but peer.asns is missing');
  const check = (name: string, v: string[] | undefined): void => {
    if (v && v.length !== ips.length) {
      throw new Error(`peer.ips has ${ips.length} entries but ${name} has ${v.length}; the lists are matched by position`);
    }
  };
  const passwords = get('peer.passwords');
  const ports = get('peer.ports');
  const locals = get('peer.localips');
  check('peer.asns', asns);
  check('peer.passwords', passwords);
  check('peer.ports', ports);
  check('peer.localips', locals);
  const peers = ips.map((addr, i) => {
    const p: ExternalPeer = { address: ip(addr), asn: asn(asns[i]) };
    if (passwords && passwords[i]) p.password = decodePassword(passwords[i]);
    if (ports && ports[i]) p.port = intIn(ports[i], 1, 65535, 'port');
    if (locals && locals[i]) p.localAddress = ip(locals[i]);
    return p;
  });
  assertUnique(peers);
  return peers;
}

function assertUnique(peers: ExternalPeer[]): void {
  const seen = new Set<string>();
  for (const p of peers) {
    if (seen.has(p.address)) throw new Error(`peer ${p.address} is listed twice`);
    seen.add(p.address);
  }
}

/** kube-router stores peer passwords base64-encoded; accept that, like kube-router does. */
function decodePassword(v: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) throw new Error('password must be base64-encoded');
  const s = Buffer.from(v, 'base64').toString('utf8');
  if (s.length === 0 || s.length > 80) throw new Error('password must decode to 1..80 characters (TCP MD5 key limit)');
  return s;
}

export function asn(v: string): number {
  const n = asnFromText(v);
  if (n !== undefined) return n;
  throw new Error(`"${v}" is not an AS number (1..4294967295 or asdot x.y)`);
}

function intIn(v: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(v.trim())) throw new Error(`${what} "${v}" is not a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new Error(`${what} ${n} is out of range ${min}..${max}`);
  return n;
}

function ip(v: string): string {
  const s = v.trim();
  if (isIP(s) === 0) throw new Error(`"${v}" is not an IP address`);
  return s;
}

function prefix(v: string): string {
  try {
    return normalizePrefix(v.trim());
  } catch (err) {
    throw new Error(`"${v}" is not a CIDR prefix: ${(err as Error).message}`);
  }
}

/** Cluster ids are written as a dotted quad or as a plain 32-bit number (kube-router accepts both). */
function clusterId(v: string): string {
  if (isIP(v) === 4) return v;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n <= 0xffffffff) return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  throw new Error(`"${v}" is not a route-reflector cluster id (dotted quad or 32-bit number)`);
}

const WELL_KNOWN: Record<string, string> = {
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284',
};

/** "65000:100", a 32-bit number, or a well-known name → canonical "a:b". */
export function community(v: string): string {
  const s = v.trim().toLowerCase();
  if (WELL_KNOWN[s]) return WELL_KNOWN[s];
  const m = /^(\d+):(\d+)$/.exec(s);
  if (m && Number(m[1]) <= 65535 && Number(m[2]) <= 65535) return `${Number(m[1])}:${Number(m[2])}`;
  if (/^\d+$/.test(s) && Number(s) <= 0xffffffff) return `${Math.floor(Number(s) / 65536)}:${Number(s) % 65536}`;
  throw new Error(`"${v}" is not a BGP community (a:b with 16-bit parts, a 32-bit number, or no-export/no-advertise)`);
}

function list(v: string): string[] {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error('is empty');
  return items;
}
