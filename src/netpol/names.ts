// Stable kernel object names. A name is a hash of what the object stands for (namespace, policy,
// direction, rule index, family...), never of its contents, so an edit to a rule changes the
// members of the same set rather than creating a new set: diffs stay minimal and names survive
// restarts. Lengths respect the kernel: ipset names ≤ 31 chars, iptables chain names ≤ 28.
import { createHash } from 'node:crypto';

export const SET_PREFIX = 'podroute-';
export const CHAIN_PREFIX = 'PODROUTE-';
/** Netpol's own sets: the prefix and a 16-character base32 hash, nothing else. */
export function isNetpolSet(name: string): boolean {
  return /^podroute-[a-z2-7]{16}$/.test(name);
}

/** Netpol's own chains: the two entry chains and the per-pod chains. */
export function isNetpolChain(name: string): boolean {
  return name === FORWARD_CHAIN || name === OUTPUT_CHAIN || name === READY_SRC_CHAIN || name === READY_DST_CHAIN || /^PODROUTE-[IE]-[a-z2-7]{16}$/.test(name);
}

/** The chain FORWARD jumps to; dispatches pod traffic to the per-pod chains. */
export const FORWARD_CHAIN = 'PODROUTE-FW';
/**
 * The chain OUTPUT jumps to. Packets the node itself originates are always allowed (as upstream
 * requires, for kubelet probes); what OUTPUT carries with a pod's source — traffic an in-kernel
 * proxy such as IPVS forwards after its translation, which never crosses FORWARD — goes through
 * PODROUTE-FW like forwarded traffic, so a Service cannot be a way around a policy.
 */
export const OUTPUT_CHAIN = 'PODROUTE-OUT';

// Names are recomputed on every compile; hashing is the costly part, so remember them.
const memo = new Map<string, string>();
const MEMO_MAX = 200_000;

function h(parts: readonly (string | number)[]): string {
  const key = parts.join('\x00');
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  if (memo.size >= MEMO_MAX) memo.clear();
  const name = hash(key);
  memo.set(key, name);
  return name;
}

function hash(key: string): string {
  // 16 base32 chars = 80 bits: collisions are not a practical concern at cluster scale.
  const d = createHash('sha256').update(key).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of d) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
    acc &= 0xff;
  }
  return out;
}

export type Direction = 'ingress' | 'egress';
export type Family = 4 | 6;

/** Set of pod IPs selected by a rule's pod/namespace selector peers. */
export function peerPodSetName(ns: string, policy: string, dir: Direction, rule: number, fam: Family): string {
  return `${SET_PREFIX}${h(['pods', ns, policy, dir, rule, fam])}`;
}
/** hash:net set for one ipBlock peer (with its except entries as nomatch). */
export function ipBlockSetName(ns: string, policy: string, dir: Direction, rule: number, peer: number, fam: Family): string {
  return `${SET_PREFIX}${h(['cidr', ns, policy, dir, rule, peer, fam])}`;
}
/** hash:ip,port set of (peer pod, resolved named port) for an egress named port. */
export function namedPortSetName(ns: string, policy: string, dir: Direction, rule: number, port: number, fam: Family): string {
  return `${SET_PREFIX}${h(['nport', ns, policy, dir, rule, port, fam])}`;
}
/** Readiness gate: RETURN for addresses of compiled local pods, DROP for the rest of the pod CIDR. */
export const READY_SRC_CHAIN = 'PODROUTE-READY-SRC';
export const READY_DST_CHAIN = 'PODROUTE-READY-DST';
/** Per-pod chain holding the allow rules of every policy that selects the pod. */
export function podChainName(ns: string, pod: string, dir: Direction): string {
  return `${CHAIN_PREFIX}${dir === 'ingress' ? 'I' : 'E'}-${h(['pod', ns, pod])}`;
}
