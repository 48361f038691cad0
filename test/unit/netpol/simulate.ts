// A tiny interpreter of the rule subset the compiler emits, so unit tests can assert behaviour
// ("is this packet allowed?") instead of rule text. Mirrors iptables/ipset semantics: chains run
// top to bottom, RETURN goes back to the caller, falling off PODROUTE-FW means "not dropped";
// hash:net uses the most specific prefix, and a "nomatch" entry there means no match.
import type { DesiredState, FamilyState } from '../../../src/netpol/desired.js';
import { FORWARD_CHAIN } from '../../../src/netpol/names.js';

export interface Packet {
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'sctp';
  dport: number;
}

function ipToBig(ip: string): { v: bigint; bits: number } {
  if (!ip.includes(':')) return { v: ip.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n), bits: 32 };
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return { v: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

export function inCidr(ip: string, cidr: string): boolean {
  const [net, lenS] = cidr.split('/');
  const a = ipToBig(ip);
  const n = ipToBig(net);
  if (a.bits !== n.bits) return false;
  const len = lenS === undefined ? a.bits : Number(lenS);
  const shift = BigInt(a.bits - len);
  return a.v >> shift === n.v >> shift;
}

function setMatch(fs: FamilyState, name: string, dirs: string, p: Packet): boolean {
  const set = fs.sets.get(name);
  if (!set) throw new Error(`rule references missing set ${name}`);
  const ip = dirs.startsWith('src') ? p.src : p.dst;
  if (set.type === 'hash:ip') return set.members.includes(ip);
  if (set.type === 'hash:ip,port') return set.members.includes(`${ip},${p.proto}:${p.dport}`);
  let best = -1;
  let nomatch = false;
  for (const m of set.members) {
    const [cidr, flag] = m.split(' ');
    const len = Number(cidr.split('/')[1]);
    if (inCidr(ip, cidr) && len > best) {
      best = len;
      nomatch = flag === 'nomatch';
    }
  }
  return best >= 0 && !nomatch;
}

function ruleMatches(fs: FamilyState, rule: string, p: Packet): boolean {
  const t = rule.match(/"[^"]*"|\S+/g) ?? [];
  for (let i = 0; i < t.length; i++) {
    const w = t[i];
    if (w === '-j') break;
    if (w === '-m') {
      const mod = t[++i];
      if (mod === 'conntrack') { i += 2; return false; } // every simulated packet is NEW
      if (mod === 'comment') { i += 2; continue; }
      if (mod === 'limit') { while (t[i + 1]?.startsWith('--limit')) i += 2; return false; } // log rule: no verdict
      if (mod === 'set') {
        let neg = false;
        if (t[i + 1] === '!') { neg = true; i++; }
        const name = t[i + 2];
        const dirs = t[i + 3];
        i += 3;
        if (setMatch(fs, name, dirs, p) === neg) return false;
        continue;
      }
      throw new Error(`unknown module ${mod}`);
    }
    if (w === '-s') { if (!inCidr(p.src, t[++i])) return false; continue; }
    if (w === '-d') { if (!inCidr(p.dst, t[++i])) return false; continue; }
    if (w === '-p') { if (t[++i] !== p.proto) return false; continue; }
    if (w === '--dport') {
      const [lo, hi] = t[++i].split(':').map(Number);
      if (p.dport < lo || p.dport > (hi ?? lo)) return false;
      continue;
    }
    throw new Error(`unknown token ${w} in ${rule}`);
  }
  return true;
}

function run(fs: FamilyState, chain: string, p: Packet, depth = 0): 'DROP' | 'RETURN' {
  if (depth > 5) throw new Error('chain loop');
  const rules = fs.chains.get(chain);
  if (!rules) throw new Error(`jump to missing chain ${chain}`);
  for (const r of rules) {
    if (!ruleMatches(fs, r, p)) continue;
    const target = r.slice(r.lastIndexOf('-j ') + 3).split(' ')[0];
    if (target === 'DROP') return 'DROP';
    if (target === 'RETURN') return 'RETURN';
    if (target === 'NFLOG') continue;
    if (run(fs, target, p, depth + 1) === 'DROP') return 'DROP';
  }
  return 'RETURN';
}

/** True when the packet (a NEW connection) traverses PODROUTE-FW without being dropped. */
export function allowed(state: DesiredState, p: Packet): boolean {
  const fs = p.src.includes(':') ? state.v6 : state.v4;
  return run(fs, FORWARD_CHAIN, p) === 'RETURN';
}
