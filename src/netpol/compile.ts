// The pure NetworkPolicy compiler: ClusterView → the ipsets and iptables chains this node needs.
//
// Model (networking.k8s.io/v1):
// - A local pod selected by at least one policy of a direction is isolated in that direction: it
//   gets a per-pod chain holding, in order, the allow rules of every policy that selects it
//   (policies add up: any match allows) and ends in a rate-limited NFLOG and a DROP (counted).
// - Allowed traffic leaves our chains with RETURN, never ACCEPT, so FORWARD goes on to whatever
//   other tools put after us: we only ever take traffic away, never grant it past someone else.
// - Replies of allowed connections pass on conntrack ESTABLISHED/RELATED.
// - Peer pods become hash:ip sets (one per rule and family), each ipBlock a hash:net set with its
//   except entries as "nomatch" (ipset's most-specific-prefix lookup gives "cidr minus except").
// - Named ports: ingress resolves on the selected pod (the chain is per pod); egress resolves on
//   each destination pod, so it becomes a hash:ip,port set of (peer IP, proto:port).
// - Traffic of an address in the node's pod CIDR is dropped unless a compiled local pod holds it
//   (PODROUTE-READY-SRC/DST, rewritten in the same commit as the pod's chains): a new pod is
//   never reachable before its policy.
import type { ClusterView, NetworkPolicyPeer, NetworkPolicyRule, NetworkPolicyView, PodView } from '../cluster/view.js';
import { emptyFamilyState, type DesiredState, type FamilyState, type SetSpec } from './desired.js';
import {
  FORWARD_CHAIN,
  OUTPUT_CHAIN,
  ipBlockSetName,
  READY_DST_CHAIN,
  READY_SRC_CHAIN,
  namedPortSetName,
  peerPodSetName,
  podChainName,
  type Direction,
  type Family,
} from './names.js';
import { numericPortMatch, resolveNamedPort } from './ports.js';
import { matchesSelector } from './selector.js';
import { PeerIndex, type PeerEntry } from './peer-index.js';

export interface CompileOptions {
  nodeName: string;
  /** NFLOG group for denied packets (ulogd or `tcpdump -i nflog:N` reads them). */
  nflogGroup?: number;
  /** iptables limit match for logging, e.g. "10/minute". */
  logLimit?: string;
  logBurst?: number;
}

export function familyOf(ip: string): Family {
  return ip.includes(':') ? 6 : 4;
}

/** policyTypes as the API server defaults them when the object leaves them out. */
export function effectiveTypes(p: NetworkPolicyView): { ingress: boolean; egress: boolean } {
  if (p.policyTypes.length > 0) return { ingress: p.policyTypes.includes('Ingress'), egress: p.policyTypes.includes('Egress') };
  return { ingress: true, egress: p.egress.length > 0 };
}

/** Split a /0 (which hash:net cannot hold) into two /1 halves. */
function netMembers(cidr: string, fam: Family): string[] {
  const [, len] = cidr.split('/');
  if (len === '0') return fam === 4 ? ['0.0.0.0/1', '128.0.0.0/1'] : ['::/1', '8000::/1'];
  return [cidr];
}

function q(s: string): string {
  return `"${s.replace(/["\\]/g, '')}"`;
}

/** How a set's members derive from pods, for patching it after a few pod changes. */
interface Patch {
  entries: readonly PeerEntry[] | 'all';
  /** The members a pod contributes when it is in the entries. */
  membersOf: (p: PodView) => string[];
}

/** Above this many changed pods, rebuilding a changed set is as cheap as patching it. */
const PATCH_MAX = 64;

/** A dep without its versions: what the members derive from, not how current that is. */
function shapeOf(dep: string): string {
  return dep.replace(/@\d+/g, '');
}

/** First index whose element is >= x in a sorted (default string order) array. */
function lowerBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Small caches a PolicyCompiler keeps between runs. */
interface RunCaches {
  policies?: { source: ClusterView['networkPolicies']; byNs: Map<string, NetworkPolicyView[]> };
}

interface CachedSet {
  dep: string;
  spec: SetSpec;
  /** Compile generation that last produced it: only the previous one may be patched. */
  gen: number;
}

/** One compilation of one view, using (and refilling) the caches of its PolicyCompiler. */
class CompileRun {
  private readonly out: Record<Family, FamilyState> = { 4: emptyFamilyState(), 6: emptyFamilyState() };
  private readonly podOfChain = new Map<string, string>();
  /** (policy key, dir, family) → rule lines not depending on the target pod (memo across pods). */
  private readonly ruleMemo = new Map<string, string[]>();

  constructor(
    private readonly view: ClusterView,
    private readonly opts: CompileOptions,
    private readonly index: PeerIndex,
    private readonly setCache: Map<string, CachedSet>,
    private readonly gen: number,
    private readonly caches: RunCaches,
  ) {}

  private peerPods(policyNs: string, peer: NetworkPolicyPeer): PeerEntry {
    return this.index.lookup(policyNs, peer);
  }

  /**
   * Add a set. `dep` names everything the members derive from (peer entry versions...): while it
   * is unchanged the previous members array is reused as is, neither rebuilt nor re-sorted, and the
   * applier sees the same array and skips the set. When it changed because a few pods changed,
   * `patch` lets us re-decide just the members those pods contribute instead of a rebuild.
   */
  private addSet(
    fam: Family, name: string, spec: Omit<SetSpec, 'members'>, members: () => Iterable<string>, dep?: string, patch?: Patch,
  ): void {
    const prev = dep === undefined ? undefined : this.setCache.get(name);
    if (prev && prev.dep === dep && prev.spec.type === spec.type) {
      // Unchanged: the very same array, and no new cache entry to allocate.
      prev.gen = this.gen;
      this.out[fam].sets.set(name, prev.spec);
      return;
    }
    let set: SetSpec;
    if (
      // Patching is exact only when the same entries (same selectors, ports) moved on by the pod
      // changes since the previous compile; a changed rule or selector means a rebuild.
      prev && patch && prev.gen === this.gen - 1 && prev.spec.type === spec.type && shapeOf(prev.dep) === shapeOf(dep!)
      && this.index.lastChanges && this.index.lastChanges.length <= PATCH_MAX
    ) {
      set = { ...spec, members: this.patched(prev.spec.members, patch) };
    } else set = { ...spec, members: [...new Set(members())].sort() };
    if (dep !== undefined) this.setCache.set(name, { dep, spec: set, gen: this.gen });
    this.out[fam].sets.set(name, set);
  }

  private patched(prev: readonly string[], patch: Patch): string[] {
    const cands = new Set<string>();
    for (const ch of this.index.lastChanges!) {
      if (ch.old) for (const m of patch.membersOf(ch.old)) cands.add(m);
      if (ch.now) for (const m of patch.membersOf(ch.now)) cands.add(m);
    }
    const out = [...prev];
    for (const c of cands) {
      const comma = c.indexOf(',');
      const ip = comma < 0 ? c : c.slice(0, comma);
      let present = false;
      for (const k of this.index.ownersOf(ip)) {
        const p = this.index.pod(k);
        if (!p || (patch.entries !== 'all' && !patch.entries.some((e) => e.pods.has(k)))) continue;
        if (patch.membersOf(p).includes(c)) {
          present = true;
          break;
        }
      }
      const at = lowerBound(out, c);
      const was = at < out.length && out[at] === c;
      if (present && !was) out.splice(at, 0, c);
      else if (!present && was) out.splice(at, 1);
    }
    return out;
  }

  /** Peer match fragments of a rule: null = any peer; [] = matches nothing in this family. */
  private peerMatches(pol: NetworkPolicyView, dir: Direction, ri: number, rule: NetworkPolicyRule, fam: Family): string[] | null {
    if (rule.peers.length === 0) return null;
    const flag = dir === 'ingress' ? 'src' : 'dst';
    const out: string[] = [];
    const podPeers = rule.peers.filter((p) => p.podSelector || p.namespaceSelector);
    if (podPeers.length > 0) {
      const name = peerPodSetName(pol.namespace, pol.name, dir, ri, fam);
      const entries = podPeers.map((peer) => this.peerPods(pol.namespace, peer));
      const dep = `${fam}|${entries.map((e) => `${e.key}@${e.version}`).join('|')}`;
      this.addSet(fam, name, { type: 'hash:ip', family: fam }, function* () {
        for (const e of entries) for (const p of e.pods.values()) for (const ip of p.ips) if (familyOf(ip) === fam) yield ip;
      }, dep, { entries, membersOf: (p) => p.ips.filter((ip) => familyOf(ip) === fam) });
      out.push(`-m set --match-set ${name} ${flag}`);
    }
    rule.peers.forEach((peer, pi) => {
      if (!peer.ipBlock || familyOf(peer.ipBlock.cidr) !== fam) return;
      const name = ipBlockSetName(pol.namespace, pol.name, dir, ri, pi, fam);
      const members = netMembers(peer.ipBlock.cidr, fam);
      for (const ex of peer.ipBlock.except) if (familyOf(ex) === fam) members.push(`${ex} nomatch`);
      this.addSet(fam, name, { type: 'hash:net', family: fam }, () => members, `${fam}|${members.join(',')}`);
      out.push(`-m set --match-set ${name} ${flag}`);
    });
    return out;
  }

  /**
   * Allow lines of one policy direction for one family, with `{{NAMED:i:j}}` placeholders where an
   * ingress named port must be resolved on the target pod. Memoized: shared by every pod selected.
   */
  private policyLines(pol: NetworkPolicyView, dir: Direction, fam: Family): string[] {
    const key = `${pol.namespace}/${pol.name}|${dir}|${fam}`;
    const hit = this.ruleMemo.get(key);
    if (hit) return hit;
    const lines: string[] = [];
    const rules = dir === 'ingress' ? pol.ingress : pol.egress;
    rules.forEach((rule, ri) => {
      const comment = `-m comment --comment ${q(`${pol.namespace}/${pol.name} ${dir} ${ri}`)}`;
      const peers = this.peerMatches(pol, dir, ri, rule, fam);
      const peerList = peers === null ? [''] : peers;
      if (rule.ports.length === 0) {
        for (const pm of peerList) lines.push(`${pm} ${comment} -j RETURN`.trim());
        return;
      }
      rule.ports.forEach((port, pj) => {
        if (typeof port.port === 'string') {
          if (dir === 'ingress') {
            for (const pm of peerList) lines.push(`${pm} {{NAMED:${ri}:${pj}}} ${comment} -j RETURN`.trim());
          } else {
            // Egress named port: resolved on each destination pod (pod peers only; ipBlocks have no names).
            const podPeers = rule.peers.filter((p) => p.podSelector || p.namespaceSelector);
            if (rule.peers.length > 0 && podPeers.length === 0) return;
            const entries = podPeers.map((p) => this.peerPods(pol.namespace, p));
            const index = this.index;
            const dests = rule.peers.length === 0 ? [index.allPods()] : entries.map((e) => e.pods.values());
            const deps = rule.peers.length === 0 ? `all@${index.allVersion}` : entries.map((e) => `${e.key}@${e.version}`).join('|');
            const proto = port.protocol.toLowerCase();
            const portName = port.port;
            const portProto = port.protocol;
            const name = namedPortSetName(pol.namespace, pol.name, dir, ri, pj, fam);
            const membersOf = (d: PodView): string[] => {
              const num = resolveNamedPort(d, portName, portProto);
              if (num === undefined) return [];
              return d.ips.filter((ip) => familyOf(ip) === fam).map((ip) => `${ip},${proto}:${num}`);
            };
            this.addSet(fam, name, { type: 'hash:ip,port', family: fam }, function* () {
              for (const list of dests) for (const d of list) yield* membersOf(d);
            }, `${fam}|${portProto}:${portName}|${deps}`, { entries: rule.peers.length === 0 ? 'all' : entries, membersOf });
            lines.push(`-m set --match-set ${name} dst,dst ${comment} -j RETURN`);
          }
          return;
        }
        const pt = numericPortMatch(port, port.port);
        for (const pm of peerList) lines.push(`${pm} ${pt} ${comment} -j RETURN`.trim());
      });
    });
    this.ruleMemo.set(key, lines);
    return lines;
  }

  private resolveLines(lines: string[], pol: NetworkPolicyView, pod: PodView): string[] {
    const out: string[] = [];
    for (const l of lines) {
      const m = /\{\{NAMED:(\d+):(\d+)\}\}/.exec(l);
      if (!m) {
        out.push(l);
        continue;
      }
      const port = pol.ingress[Number(m[1])].ports[Number(m[2])];
      const num = resolveNamedPort(pod, String(port.port), port.protocol);
      if (num === undefined) continue; // the pod does not declare it: the entry allows nothing
      out.push(l.replace(m[0], numericPortMatch({ protocol: port.protocol }, num)));
    }
    return out;
  }

  private denyTail(dir: Direction, pod: PodView): string[] {
    const group = this.opts.nflogGroup ?? 100;
    const limit = this.opts.logLimit ?? '10/minute';
    const burst = this.opts.logBurst ?? 5;
    const prefix = `podroute deny ${dir === 'ingress' ? 'in' : 'out'} ${pod.namespace}/${pod.name}`.slice(0, 63);
    return [
      `-m limit --limit ${limit} --limit-burst ${burst} -j NFLOG --nflog-group ${group} --nflog-prefix ${q(prefix)}`,
      '-j DROP',
    ];
  }

  /** Policies grouped by namespace, in name order; reused while the view's policy map is the same. */
  private policiesByNs(): Map<string, NetworkPolicyView[]> {
    const cached = this.caches.policies;
    if (cached && cached.source === this.view.networkPolicies) return cached.byNs;
    const policies = [...this.view.networkPolicies.values()].sort((a, b) =>
      a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1,
    );
    const byNs = new Map<string, NetworkPolicyView[]>();
    for (const p of policies) {
      let l = byNs.get(p.namespace);
      if (!l) byNs.set(p.namespace, (l = []));
      l.push(p);
    }
    this.caches.policies = { source: this.view.networkPolicies, byNs };
    return byNs;
  }

  run(): DesiredState {
    const polByNs = this.policiesByNs();
    const local = [...this.index.podsOn(this.opts.nodeName)]
      .sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
    const jumps: Record<Family, { egress: string[]; ingress: string[]; local: string[] }> = {
      4: { egress: [], ingress: [], local: [] },
      6: { egress: [], ingress: [], local: [] },
    };
    for (const pod of local) {
      const selecting = (polByNs.get(pod.namespace) ?? []).filter((p) => matchesSelector(pod.labels, p.podSelector));
      for (const dir of ['ingress', 'egress'] as const) {
        const pols = selecting.filter((p) => effectiveTypes(p)[dir]);
        if (pols.length === 0) continue;
        const chain = podChainName(pod.namespace, pod.name, dir);
        this.podOfChain.set(chain, `${pod.namespace}/${pod.name}`);
        for (const fam of [4, 6] as const) {
          const ips = pod.ips.filter((ip) => familyOf(ip) === fam);
          if (ips.length === 0) continue;
          const rules: string[] = [];
          for (const pol of pols) rules.push(...this.resolveLines(this.policyLines(pol, dir, fam), pol, pod));
          rules.push(...this.denyTail(dir, pod));
          this.out[fam].chains.set(chain, rules);
          for (const ip of ips) jumps[fam][dir].push(`${dir === 'ingress' ? '-d' : '-s'} ${ip} -j ${chain}`);
        }
      }
      for (const ip of pod.ips) jumps[familyOf(ip)].local.push(ip);
    }
    const node = this.view.nodes.get(this.opts.nodeName);
    for (const fam of [4, 6] as const) {
      // A family the node does not use gets nothing at all: a v4-only node may lack ip6tables.
      const cidrs = (node?.podCIDRs ?? []).filter((c) => familyOf(c) === fam);
      if (cidrs.length === 0 && jumps[fam].local.length === 0) continue;
      const fw = ['-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN'];
      if (cidrs.length > 0) {
        // The readiness gate is rules, not a set: it changes in the same atomic commit as the
        // pod's own chains, so a new pod opens exactly when its policy exists.
        const src: string[] = [];
        const dst: string[] = [];
        for (const ip of jumps[fam].local) {
          src.push(`-s ${ip} -j RETURN`);
          dst.push(`-d ${ip} -j RETURN`);
        }
        src.push('-m comment --comment "pod not ready" -j DROP');
        dst.push('-m comment --comment "pod not ready" -j DROP');
        this.out[fam].chains.set(READY_SRC_CHAIN, src);
        this.out[fam].chains.set(READY_DST_CHAIN, dst);
        for (const cidr of cidrs) fw.push(`-s ${cidr} -j ${READY_SRC_CHAIN}`, `-d ${cidr} -j ${READY_DST_CHAIN}`);
      }
      fw.push(...jumps[fam].egress, ...jumps[fam].ingress);
      this.out[fam].chains.set(FORWARD_CHAIN, fw);
      this.out[fam].chains.set(OUTPUT_CHAIN, ['-m addrtype --src-type LOCAL -j RETURN', `-j ${FORWARD_CHAIN}`]);
    }
    return { v4: this.out[4], v6: this.out[6], podOfChain: this.podOfChain };
  }
}

/**
 * Compiles views one after another, reusing what did not change (the peer index, set members).
 * The result of compile(view) is always equal to a fresh compile of that view: caching is an
 * optimization, never a semantic (the unit tests check exactly that on random change sequences).
 */
export class PolicyCompiler {
  private readonly index = new PeerIndex();
  private readonly setCache = new Map<string, CachedSet>();
  private readonly caches: RunCaches = {};
  private gen = 0;

  constructor(private readonly opts: CompileOptions) {}

  compile(view: ClusterView): DesiredState {
    this.index.update(view);
    const gen = ++this.gen;
    const out = new CompileRun(view, this.opts, this.index, this.setCache, gen, this.caches).run();
    // Sets unused for a while go (a deleted policy's members must not stay in memory forever).
    for (const [k, c] of this.setCache) if (c.gen < gen - 16) this.setCache.delete(k);
    this.index.sweep();
    return out;
  }
}

/** Compile the node's desired filter state. Pure: same view and options, same result. */
export function compile(view: ClusterView, opts: CompileOptions): DesiredState {
  return new PolicyCompiler(opts).compile(view);
}
