// Which pods each policy peer (namespace selector × pod selector) designates, kept up to date
// across views. A pod change re-tests that one pod against each peer instead of re-running every
// selector over every pod, which is what makes "one pod changed → enforced" cheap at 10,000 pods.
// Every entry carries a version from one global counter, bumped whenever its membership (or a
// member's addresses or ports) changes: callers cache derived data (set members) by version.
import type { ClusterView, LabelSelector, NamespaceView, NetworkPolicyPeer, PodView } from '../cluster/view.js';
import { matchesSelector, selectorKey } from './selector.js';

export interface PeerEntry {
  readonly key: string;
  /** Member pods by "namespace/name". */
  readonly pods: ReadonlyMap<string, PodView>;
  readonly version: number;
}

interface Entry extends PeerEntry {
  pods: Map<string, PodView>;
  version: number;
  policyNs: string;
  nsSel?: LabelSelector;
  podSel?: LabelSelector;
  /** Namespaces of the view the namespace selector matches (namespace changes rebuild the index). */
  nss: Set<string>;
  /** Sweeps since a lookup last used it. */
  idle: number;
}

/** Pods that take part in policy: have an address, are not host-network, are not finished. */
export function isPolicyPod(p: PodView): boolean {
  return !p.hostNetwork && p.ips.length > 0 && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k] || !Object.prototype.hasOwnProperty.call(b, k)) return false;
  return true;
}

/** Same for policy purposes (a new object with equal content is no change). */
export function samePod(a: PodView, b: PodView): boolean {
  if (a === b) return true;
  if (a.nodeName !== b.nodeName || a.hostNetwork !== b.hostNetwork || a.phase !== b.phase) return false;
  if (a.ips.length !== b.ips.length || a.ips.some((ip, i) => ip !== b.ips[i])) return false;
  if (a.ports.length !== b.ports.length) return false;
  for (let i = 0; i < a.ports.length; i++) {
    const x = a.ports[i];
    const y = b.ports[i];
    if (x.name !== y.name || x.containerPort !== y.containerPort || x.protocol !== y.protocol) return false;
  }
  return sameRecord(a.labels, b.labels);
}

function sameNamespaces(a: ReadonlyMap<string, NamespaceView>, b: ReadonlyMap<string, NamespaceView>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !sameRecord(v.labels, w.labels)) return false;
  }
  return true;
}

/** Only addresses and ports end up in set members; labels only decide membership. */
function sameAddressing(a: PodView, b: PodView): boolean {
  if (a.ips.length !== b.ips.length || a.ips.some((ip, i) => ip !== b.ips[i])) return false;
  if (a.ports.length !== b.ports.length) return false;
  return a.ports.every((x, i) => x.name === b.ports[i].name && x.containerPort === b.ports[i].containerPort && x.protocol === b.ports[i].protocol);
}

/** One policy pod that changed in the last update: before and after (undefined = absent). */
export interface PodChange {
  key: string;
  old?: PodView;
  now?: PodView;
}

let versionCounter = 0;
/** Beyond this many changed pods, rebuilding beats patching. */
const PATCH_LIMIT = 500;

export class PeerIndex {
  private entries = new Map<string, Entry>();
  private pods = new Map<string, PodView>();
  private podsByNs = new Map<string, Map<string, PodView>>();
  private podsByNode = new Map<string, Map<string, PodView>>();
  private namespaces: ReadonlyMap<string, NamespaceView> = new Map();
  /** Address → keys of the policy pods holding it (to patch set members without a rebuild). */
  private owners = new Map<string, Set<string>>();
  /** Pod changes of the last update, or undefined when it rebuilt (or changed namespaces). */
  lastChanges: PodChange[] | undefined;
  /** Bumped on any policy-pod change (for "every pod" derived data). */
  allVersion = ++versionCounter;

  /** Bring the index to `view`; returns the number of pods that changed. */
  update(view: ClusterView): number {
    let nsChanged = false;
    if (!sameNamespaces(this.namespaces, view.namespaces)) {
      this.namespaces = view.namespaces;
      this.entries.clear();
      nsChanged = true;
    }
    const changed: string[] = [];
    for (const [k, p] of view.pods) {
      const old = this.pods.get(k);
      if (old === p) continue; // the common case: the very same object
      const now = isPolicyPod(p) ? p : undefined;
      if (old === now || (old && now && samePod(old, now))) continue;
      changed.push(k);
    }
    for (const k of this.pods.keys()) if (!view.pods.has(k)) changed.push(k);
    this.lastChanges = nsChanged ? undefined : [];
    if (changed.length === 0) return 0;
    this.allVersion = ++versionCounter;
    if (changed.length > PATCH_LIMIT) {
      this.rebuild(view);
      this.lastChanges = undefined;
      return changed.length;
    }
    for (const k of changed) {
      const old = this.pods.get(k);
      const p = view.pods.get(k);
      const now = p && isPolicyPod(p) ? p : undefined;
      this.lastChanges?.push({ key: k, old, now });
      if (old) {
        this.pods.delete(k);
        this.podsByNs.get(old.namespace)?.delete(k);
        this.podsByNode.get(old.nodeName)?.delete(k);
        for (const ip of old.ips) this.owners.get(ip)?.delete(k);
      }
      if (now) {
        this.pods.set(k, now);
        let m = this.podsByNs.get(now.namespace);
        if (!m) this.podsByNs.set(now.namespace, (m = new Map()));
        m.set(k, now);
        this.addToNode(k, now);
        this.addOwner(k, now);
      }
      for (const e of this.entries.values()) {
        const had = e.pods.has(k);
        const has = now !== undefined && this.entryMatches(e, now);
        if (has) e.pods.set(k, now);
        else if (had) e.pods.delete(k);
        // A member whose labels changed but who stays a member with the same addresses and
        // ports changes nothing derived from the entry: keep the version, keep the caches.
        if (had !== has || (has && !sameAddressing(old!, now!))) e.version = ++versionCounter;
      }
    }
    return changed.length;
  }

  private addToNode(k: string, p: PodView): void {
    let n = this.podsByNode.get(p.nodeName);
    if (!n) this.podsByNode.set(p.nodeName, (n = new Map()));
    n.set(k, p);
  }

  /** Policy pods scheduled on a node. */
  podsOn(nodeName: string): Iterable<PodView> {
    return this.podsByNode.get(nodeName)?.values() ?? [];
  }

  private addOwner(k: string, p: PodView): void {
    for (const ip of p.ips) {
      let o = this.owners.get(ip);
      if (!o) this.owners.set(ip, (o = new Set()));
      o.add(k);
    }
  }

  /** The policy pod with this key, as of the last update. */
  pod(key: string): PodView | undefined {
    return this.pods.get(key);
  }

  /** Keys of the policy pods holding an address. */
  ownersOf(ip: string): Iterable<string> {
    return this.owners.get(ip) ?? [];
  }

  private rebuild(view: ClusterView): void {
    this.entries.clear();
    this.pods = new Map();
    this.podsByNs = new Map();
    this.owners = new Map();
    this.podsByNode = new Map();
    for (const [k, p] of view.pods) {
      if (!isPolicyPod(p)) continue;
      this.pods.set(k, p);
      this.addOwner(k, p);
      this.addToNode(k, p);
      let m = this.podsByNs.get(p.namespace);
      if (!m) this.podsByNs.set(p.namespace, (m = new Map()));
      m.set(k, p);
    }
  }

  private entryMatches(e: Entry, p: PodView): boolean {
    if (!this.namespaceMatches(e, p.namespace)) return false;
    return !e.podSel || matchesSelector(p.labels, e.podSel);
  }

  /**
   * A pod whose Namespace object the view does not hold (yet: informers race) is in a namespace
   * without labels, so `namespaceSelector: {}` still covers it, as the API server would.
   */
  private namespaceMatches(e: Entry, ns: string): boolean {
    if (!e.nsSel) return ns === e.policyNs;
    return this.namespaces.has(ns) ? e.nss.has(ns) : matchesSelector({}, e.nsSel);
  }

  /** Pods a peer with a pod and/or namespace selector designates, for a policy in `policyNs`. */
  lookup(policyNs: string, peer: NetworkPolicyPeer): PeerEntry {
    const nsKey = peer.namespaceSelector ? `sel:${selectorKey(peer.namespaceSelector)}` : `ns:${policyNs}`;
    const key = `${nsKey}#${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
    const hit = this.entries.get(key);
    if (hit) {
      hit.idle = 0;
      return hit;
    }
    const nss = new Set<string>();
    if (peer.namespaceSelector) {
      for (const ns of this.namespaces.values()) if (matchesSelector(ns.labels, peer.namespaceSelector)) nss.add(ns.name);
    } else nss.add(policyNs);
    const e: Entry = {
      key, policyNs, nsSel: peer.namespaceSelector, podSel: peer.podSelector, nss,
      pods: new Map(), version: ++versionCounter, idle: 0,
    };
    for (const [ns, pods] of this.podsByNs) {
      if (!this.namespaceMatches(e, ns)) continue;
      for (const [k, p] of pods) if (this.entryMatches(e, p)) e.pods.set(k, p);
    }
    this.entries.set(key, e);
    return e;
  }

  /** Every policy pod. */
  allPods(): Iterable<PodView> {
    return this.pods.values();
  }

  /**
   * Drop entries no lookup used in the last `keep` sweeps: dead selectors stop costing anything
   * per pod change, while a selector that comes and goes (a pod flapping between policies) keeps
   * its entry, its version, and so the sets cached on it.
   */
  sweep(keep = 16): void {
    for (const [k, e] of this.entries) if (++e.idle > keep) this.entries.delete(k);
  }
}
