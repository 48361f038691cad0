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
  /** Namespaces the namespace selector matches (namespace changes rebuild the whole index). */
  nss: Set<string>;
  used: boolean;
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

let versionCounter = 0;
/** Beyond this many changed pods, rebuilding beats patching. */
const PATCH_LIMIT = 500;

export class PeerIndex {
  private entries = new Map<string, Entry>();
  private pods = new Map<string, PodView>();
  private podsByNs = new Map<string, Map<string, PodView>>();
  private namespaces: ReadonlyMap<string, NamespaceView> = new Map();
  /** Bumped on any policy-pod change (for "every pod" derived data). */
  allVersion = ++versionCounter;

  /** Bring the index to `view`; returns the number of pods that changed. */
  update(view: ClusterView): number {
    if (!sameNamespaces(this.namespaces, view.namespaces)) {
      this.namespaces = view.namespaces;
      this.entries.clear();
    }
    const changed: string[] = [];
    for (const [k, p] of view.pods) {
      const old = this.pods.get(k);
      const now = isPolicyPod(p) ? p : undefined;
      if (old === now || (old && now && samePod(old, now))) continue;
      changed.push(k);
    }
    for (const k of this.pods.keys()) if (!view.pods.has(k)) changed.push(k);
    if (changed.length === 0) return 0;
    this.allVersion = ++versionCounter;
    if (changed.length > PATCH_LIMIT) {
      this.rebuild(view);
      return changed.length;
    }
    for (const k of changed) {
      const old = this.pods.get(k);
      const p = view.pods.get(k);
      const now = p && isPolicyPod(p) ? p : undefined;
      if (old) {
        this.pods.delete(k);
        this.podsByNs.get(old.namespace)?.delete(k);
      }
      if (now) {
        this.pods.set(k, now);
        let m = this.podsByNs.get(now.namespace);
        if (!m) this.podsByNs.set(now.namespace, (m = new Map()));
        m.set(k, now);
      }
      for (const e of this.entries.values()) {
        const had = e.pods.has(k);
        const has = now !== undefined && this.entryMatches(e, now);
        if (has) e.pods.set(k, now);
        else if (had) e.pods.delete(k);
        if (had || has) e.version = ++versionCounter;
      }
    }
    return changed.length;
  }

  private rebuild(view: ClusterView): void {
    this.entries.clear();
    this.pods = new Map();
    this.podsByNs = new Map();
    for (const [k, p] of view.pods) {
      if (!isPolicyPod(p)) continue;
      this.pods.set(k, p);
      let m = this.podsByNs.get(p.namespace);
      if (!m) this.podsByNs.set(p.namespace, (m = new Map()));
      m.set(k, p);
    }
  }

  private entryMatches(e: Entry, p: PodView): boolean {
    if (!e.nss.has(p.namespace)) return false;
    return !e.podSel || matchesSelector(p.labels, e.podSel);
  }

  /** Pods a peer with a pod and/or namespace selector designates, for a policy in `policyNs`. */
  lookup(policyNs: string, peer: NetworkPolicyPeer): PeerEntry {
    const nsKey = peer.namespaceSelector ? `sel:${selectorKey(peer.namespaceSelector)}` : `ns:${policyNs}`;
    const key = `${nsKey}#${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
    const hit = this.entries.get(key);
    if (hit) {
      hit.used = true;
      return hit;
    }
    const nss = new Set<string>();
    if (peer.namespaceSelector) {
      for (const ns of this.namespaces.values()) if (matchesSelector(ns.labels, peer.namespaceSelector)) nss.add(ns.name);
    } else nss.add(policyNs);
    const e: Entry = {
      key, policyNs, nsSel: peer.namespaceSelector, podSel: peer.podSelector, nss,
      pods: new Map(), version: ++versionCounter, used: true,
    };
    for (const ns of nss) for (const [k, p] of this.podsByNs.get(ns) ?? []) if (this.entryMatches(e, p)) e.pods.set(k, p);
    this.entries.set(key, e);
    return e;
  }

  /** Every policy pod. */
  allPods(): Iterable<PodView> {
    return this.pods.values();
  }

  /** Drop entries no lookup used since the last call, so dead selectors cost nothing per change. */
  sweep(): void {
    for (const [k, e] of this.entries) {
      if (!e.used) this.entries.delete(k);
      e.used = false;
    }
  }
}
