// The routing controller: cluster view → BGP speaker and kernel FIB.
//
// Level-triggered like every controller here: a view change only marks it dirty; a debounced loop
// recomputes the whole desired state with computeRouting() and applies the difference. The speaker
// applies peer changes one by one (changing one peer never resets another session); the FIB follows
// the speaker's batched best-path changes.
import { EventEmitter } from 'node:events';
import type { ClusterSource } from '../cluster/source.js';
import { Speaker, type SpeakerConfig } from '../bgp/speaker/speaker.js';
import type { BestChange, ExportFilter } from '../bgp/rib/index.js';
import type { Logger } from '../util/log.js';
import { computeRouting, RoutingConfigError, type DesiredPeer, type LastGoodAnnotations, type RoutingDesired, type RoutingFlags } from './desired.js';
import { makeExportFilter, makeImportFilter, type PolicySnapshot } from './policy.js';
import { fibRouteFor, type FibPort, type FibRoute } from './fib-port.js';
import type { PodNetwork } from './podnet/pod-network.js';
import { computeServiceRoutes, type ServiceAdvertiseFlags, type ServiceRoutes } from './service-routes.js';

export interface RoutingControllerOptions {
  source: ClusterSource;
  flags: RoutingFlags;
  log: Logger;
  /** Kernel FIB programming; absent in tests that only look at BGP. */
  fib?: FibPort;
  podNetwork?: PodNetwork;
  /** Speaker settings not derived from the cluster (graceful restart, ECMP width). */
  speaker?: Pick<SpeakerConfig, 'gracefulRestart' | 'maxPaths'>;
  debounceMs?: number;
  /** Advertise service VIPs to external peers (absent: none are advertised). */
  services?: ServiceAdvertiseFlags;
  /** Resolves passwordSecretRef (Kubernetes source only); the controller recomputes on change. */
  passwords?: PasswordSource;
}

export interface PasswordSource {
  get(ref: string): { value: string } | { pending: true } | { error: string };
}

export interface RoutingProblem {
  node: string;
  annotation?: string;
  reason: string;
  /** Set when the problem is on another object than the node (a Service's annotation). */
  object?: { kind: 'Service'; namespace: string; name: string };
}

export interface RoutingStatus {
  ready: boolean;
  lastSyncAt?: string;
  lastSyncMs?: number;
  lastError?: string;
  desired?: RoutingDesired;
  problems: RoutingProblem[];
}

export class RoutingController extends EventEmitter<{ problem: [RoutingProblem]; synced: [] }> {
  speaker?: Speaker;
  private desired?: RoutingDesired;
  private lastGood: LastGoodAnnotations = new Map();
  private readonly originated = new Set<string>();
  private services: ServiceRoutes = { advertise: [], reject: [], errors: [] };
  private serviceVips = new Set<string>();
  private readonly fibRoutes = new Map<string, FibRoute>();
  private policy: PolicySnapshot = emptyPolicy();
  private peerKinds = new Map<string, DesiredPeer['kind']>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private dirty = false;
  private stopped = false;
  private converged = false;
  private fibDetached = false;
  private speakerStarted = false;
  private lastProblems = new Set<string>();
  private readonly st: RoutingStatus = { ready: false, problems: [] };
  private readonly onChange = () => this.markDirty();

  constructor(private readonly opts: RoutingControllerOptions) {
    super();
  }

  async start(): Promise<void> {
    await this.opts.fib?.start();
    this.opts.source.on('change', this.onChange);
    await this.syncNow();
  }

  /**
   * Stops BGP. With `keepRoutes` (graceful restart, or an upgrade) the kernel routes stay so pods keep
   * forwarding while the agent is away; otherwise routes are withdrawn and removed.
   */
  async stop(opts: { keepRoutes: boolean } = { keepRoutes: true }): Promise<void> {
    this.stopped = true;
    this.opts.source.off('change', this.onChange);
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    // Keeping routes: stop feeding the FIB first, or the sessions going down would withdraw them.
    if (opts.keepRoutes) this.fibDetached = true;
    const graceful = opts.keepRoutes && this.opts.speaker?.gracefulRestart !== undefined;
    await this.speaker?.stop(opts.keepRoutes ? 'podroute restarting' : 'podroute stopping', { graceful });
    await this.opts.fib?.close({ removeRoutes: !opts.keepRoutes });
  }

  status(): RoutingStatus {
    return { ...this.st, desired: this.desired, problems: [...this.st.problems] };
  }

  markDirty(): void {
    if (this.stopped) return;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, this.opts.debounceMs ?? 100);
  }

  /** Runs one sync; concurrent requests fold into one more run after the current one. */
  syncNow(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.dirty = false;
        await this.syncOnce();
      } while (this.dirty && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    const t0 = performance.now();
    const view = this.opts.source.view();
    let desired: RoutingDesired;
    try {
      const r = computeRouting(view, this.opts.flags, this.lastGood);
      desired = r.desired;
      this.lastGood = r.lastGood;
    } catch (err) {
      if (!(err instanceof RoutingConfigError)) throw err;
      // Not in the view yet (or no address): keep whatever runs now and say why.
      this.st.lastError = err.message;
      this.reportProblems([{ node: this.opts.flags.nodeName, reason: err.message }]);
      return;
    }
    const prevServices = this.services;
    if (this.opts.services) this.services = computeServiceRoutes(view, this.opts.flags.nodeName, this.opts.services);
    this.serviceVips = new Set(this.services.advertise);
    const secretProblems = this.resolvePasswords(desired);
    this.reportProblems([
      ...desired.errors.map((e) => ({ node: e.node, annotation: e.annotation, reason: e.reason })),
      ...secretProblems,
      ...this.services.errors.map((e) => {
        const [namespace, name] = e.service.split('/');
        return { node: this.opts.flags.nodeName, annotation: e.annotation, reason: e.reason, object: { kind: 'Service' as const, namespace, name } };
      }),
    ]);

    const prev = this.desired;
    this.desired = desired;
    this.peerKinds = new Map(desired.peers.map((p) => [p.address, p.kind]));
    this.policy = {
      ownPrefixes: desired.originate,
      // Service VIPs are ours (IPVS answers them on every node): never import one from a peer.
      importReject: [...desired.policy.importReject, ...this.services.reject],
      communities: desired.policy.communities,
      prepend: desired.policy.prepend,
      isReflector: desired.clusterId !== undefined,
      peerKind: (id) => this.peerKinds.get(id),
    };

    if (!this.speaker || identityChanged(prev, desired)) await this.replaceSpeaker(desired);
    const speaker = this.speaker!;
    await speaker.setPeers(desired.peers.map(toPeerConfig));

    const want = new Set([...desired.originate, ...this.services.advertise]);
    for (const p of this.originated) if (!want.has(p)) (speaker.withdraw(p), this.originated.delete(p));
    for (const p of want) if (!this.originated.has(p)) (speaker.originate(p), this.originated.add(p));
    if (prev && policyChanged(prev, desired)) speaker.reevaluateExports();
    // A new service VIP may already sit in the Adj-RIB-In as accepted: like any import policy
    // change, have peers re-send (once) so the import filter sees it again.
    const vipAdded = this.services.reject.some((p) => !prevServices.reject.includes(p));
    if (vipAdded || (prev && importPolicyChanged(prev, desired))) speaker.refreshAllInbound();

    try {
      await this.opts.podNetwork?.apply(view, desired);
    } catch (err) {
      this.st.lastError = `pod network: ${(err as Error).message}`;
      this.opts.log.error('pod network setup failed', { err });
    }

    this.st.ready = true;
    this.st.lastSyncAt = new Date().toISOString();
    this.st.lastSyncMs = performance.now() - t0;
    this.emit('synced');
  }

  private async replaceSpeaker(desired: RoutingDesired): Promise<void> {
    if (this.speaker) {
      this.opts.log.warn('BGP identity changed; restarting the speaker', { asn: desired.asn, routerId: desired.routerId });
      await this.speaker.stop('podroute: local AS, router id or listen address changed');
      this.originated.clear();
    }
    // Routes of ours already in the kernel at start mean we are restarting with forwarding state
    // kept: say so with the Restart State bit (RFC 4724), so peers replace their stale session.
    const gr = this.opts.speaker?.gracefulRestart;
    const restarting = !this.speakerStarted && (this.opts.fib?.status?.().installed ?? 0) > 0;
    this.speakerStarted = true;
    const speaker = new Speaker(
      {
        asn: desired.asn,
        routerId: desired.routerId,
        listen: desired.listenAddresses.map((address) => ({ address, port: this.opts.flags.bgpPort })),
        clusterId: desired.clusterId,
        holdTime: this.opts.flags.holdTime,
        maxPaths: this.opts.speaker?.maxPaths,
        gracefulRestart: gr ? { ...gr, restarting } : undefined,
        importFilter: makeImportFilter(() => this.policy),
        exportFilter: this.serviceAwareExport(makeExportFilter(() => this.policy)),
      },
      { log: this.opts.log.child({ component: 'bgp' }) },
    );
    speaker.on('bestChanges', (changes) => this.onBestChanges(changes));
    speaker.on('endOfRib', () => this.checkConverged());
    speaker.on('peerState', (peer, state, prev) => this.opts.log.info('peer state', { peer, state, prev }));
    this.speaker = speaker;
    await speaker.start();
  }

  /**
   * Service VIPs go to external peers only, as kube-router does (its export policy matches
   * servicevipsdefinedset only with externalpeerset): every node answers a VIP through IPVS itself,
   * so telling other nodes would only draw their traffic off-node.
   */
  private serviceAwareExport(base: ExportFilter): ExportFilter {
    return (peer, prefix, path, attrs) => {
      if (path.peerId === null && this.serviceVips.has(prefix) && this.peerKinds.get(peer.id) !== 'external') return null;
      return base(peer, prefix, path, attrs);
    };
  }

  private onBestChanges(changes: BestChange[]): void {
    const fib = this.opts.fib;
    if (!fib || this.fibDetached) return;
    const updates = new Map<string, FibRoute | null>();
    for (const c of changes) {
      const route = c.best && c.best.peerId !== null ? fibRouteFor(c, this.desired?.nodeAddresses ?? []) : null;
      if (route) this.fibRoutes.set(c.prefix, route);
      else this.fibRoutes.delete(c.prefix);
      updates.set(c.prefix, route);
    }
    fib.update(updates);
  }

  /**
   * Peers whose password lives in a Secret get it from the cache; until it is known (or when it
   * cannot be read) the peer is left out, rather than brought up without its key and refused.
   */
  private resolvePasswords(desired: RoutingDesired): RoutingProblem[] {
    const problems: RoutingProblem[] = [];
    desired.peers = desired.peers.filter((p) => {
      if (!p.passwordSecretRef) return true;
      const r = this.opts.passwords?.get(p.passwordSecretRef) ?? { error: 'passwordSecretRef needs the Kubernetes API source' };
      if ('value' in r) {
        p.password = r.value;
        delete p.passwordSecretRef;
        return true;
      }
      if ('error' in r) problems.push({ node: this.opts.flags.nodeName, annotation: 'podroute.io/peers', reason: `peer ${p.address}: ${r.error}` });
      return false;
    });
    return problems;
  }

  /**
   * Initial convergence (RFC 4724's selection deferral, done right): once every configured peer is
   * Established and has sent End-of-RIB for each family it negotiated, the RIB is complete and the
   * FIB may remove stale routes adopted at start. Peers that never come up are covered by the FIB's
   * own deferral timer.
   */
  private checkConverged(): void {
    if (this.converged || !this.speaker || !this.desired) return;
    const views = this.speaker.peerViews();
    if (views.length !== this.desired.peers.length) return;
    for (const v of views) {
      if (v.state !== 'Established' || !v.negotiated) return;
      if (!v.negotiated.families.every((f) => v.eorReceived.includes(f))) return;
    }
    this.converged = true;
    this.opts.log.info('initial BGP convergence: End-of-RIB from every peer', { peers: views.length });
    // Let the best-path changes of the last End-of-RIB reach the FIB first.
    setTimeout(() => this.opts.fib?.endDeferral?.(), 100).unref();
  }

  private reportProblems(problems: RoutingProblem[]): void {
    this.st.problems = problems;
    const now = new Set<string>();
    for (const p of problems) {
      const key = `${p.object ? `${p.object.namespace}/${p.object.name}` : p.node}|${p.annotation ?? ''}|${p.reason}`;
      now.add(key);
      if (this.lastProblems.has(key)) continue; // report each distinct problem once, not every sync
      this.opts.log.warn('routing configuration problem; keeping the last good setting', { ...p });
      this.emit('problem', p);
    }
    this.lastProblems = now;
  }
}

function toPeerConfig(p: DesiredPeer) {
  // The password (TCP MD5, from peer.passwords / peers[].password) goes to the session as is.
  const { kind: _kind, nodeName, ...rest } = p;
  return { ...rest, ...(nodeName ? { description: nodeName } : {}) };
}

function identityChanged(a: RoutingDesired | undefined, b: RoutingDesired): boolean {
  if (!a) return true;
  return a.asn !== b.asn || a.routerId !== b.routerId || a.clusterId !== b.clusterId || a.listenAddresses.join() !== b.listenAddresses.join();
}

function policyChanged(a: RoutingDesired, b: RoutingDesired): boolean {
  return JSON.stringify(a.policy) !== JSON.stringify(b.policy) || a.originate.join() !== b.originate.join();
}

function importPolicyChanged(a: RoutingDesired, b: RoutingDesired): boolean {
  return a.policy.importReject.join() !== b.policy.importReject.join() || a.originate.join() !== b.originate.join();
}

function emptyPolicy(): PolicySnapshot {
  return { ownPrefixes: [], importReject: [], communities: [], isReflector: false, peerKind: () => undefined };
}
