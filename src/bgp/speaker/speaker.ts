// The speaker: the one object a user of the BGP library holds. It owns the listener, one Session
// per peer and the RIB, and moves data between them:
//   session 'update'  → rib.applyUpdate → (batched) 'bestChanges' event + Adj-RIB-Out flush
//   session up/down   → rib.peerUp/peerDown
//   rib outbound      → session.send, paced by socket back-pressure ('drain')
// Like OpenBGPD's split of session engine and RDE, sessions never touch the RIB directly.
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import type net from 'node:net';
import { Session } from '../session/index.js';
import type { SessionConfig, SessionState, Negotiated, DownReason } from '../session/index.js';
import { Rib } from '../rib/index.js';
import type { BestChange, PeerInfo, ImportFilter, ExportFilter } from '../rib/index.js';
import { endOfRibFamily, familyOf, normalizePrefix } from '../wire/index.js';
import type { Family, PathAttributes, UpdateMessage, RouteRefreshMessage } from '../wire/types.js';
import { CEASE_MAX_PREFIXES, CEASE_PEER_DECONFIGURED } from '../wire/errors.js';
import { secureAccepted } from '../session/transport.js';
import { ttlSettings } from '../security/ttl-policy.js';
import { exceededLimit, maxPrefixData } from '../security/max-prefix.js';
import type { Logger } from '../../util/log.js';
import { BfdManager, type BfdPeerView, type BfdSocketFactory } from '../bfd/manager.js';
import { Diag, type BfdState } from '../bfd/packet.js';
import { BgpListener } from './listener.js';
import { peerKey, type PeerConfig } from './peer-config.js';

export interface SpeakerConfig {
  asn: number;
  routerId: string;
  /** Addresses to accept connections on; empty means active-only. */
  listen: { address: string; port: number }[];
  clusterId?: string;
  /** ECMP paths per prefix (1 disables multipath). */
  maxPaths?: number;
  /** Defaults applied to peers that do not set their own. */
  holdTime?: number;
  families?: Family[];
  gracefulRestart?: { restartTime: number; restarting: boolean; forwarding: boolean };
  importFilter?: ImportFilter;
  exportFilter?: ExportFilter;
}

export interface SpeakerOptions {
  log: Logger;
  now?: () => number;
  /** Used by tests to create sessions with fake clocks or sockets. */
  sessionFactory?: (cfg: SessionConfig) => Session;
  /** Used by tests to give BFD other sockets. */
  bfdSockets?: BfdSocketFactory;
}

interface PeerEntry {
  config: PeerConfig;
  info: PeerInfo;
  session: Session;
  /** Families for which the peer's initial table has arrived (End-of-RIB seen). */
  eorReceived: Set<Family>;
  flushing: boolean;
  /** Graceful restart helper: the peer's stale routes are swept when this fires (its restart time). */
  staleTimer?: NodeJS.Timeout;
  /** Families whose routes are kept stale until the peer's End-of-RIB for them. */
  staleFamilies: Set<Family>;
  /** Families over their max-prefix limit already warned about (action 'warn'). */
  maxPrefixWarned: Set<Family>;
  /** Restarts the session after a max-prefix Cease. */
  maxPrefixTimer?: NodeJS.Timeout;
  /** The session is stopped because of its max-prefix limit (until the timer or a config change). */
  maxPrefixDown?: boolean;
}

export interface SpeakerPeerView {
  config: PeerConfig;
  state: SessionState;
  negotiated?: Negotiated;
  stats: Session['stats'];
  counters: { received: number; accepted: number; advertised: number };
  eorReceived: Family[];
  lastDown?: DownReason;
  bfd?: BfdPeerView;
}

export interface SpeakerEvents {
  peerState: [address: string, state: SessionState, prev: SessionState];
  bestChanges: [changes: BestChange[]];
  endOfRib: [address: string, family: Family];
}

/** Graceful restart helper: how long a returned peer's stale routes wait for its End-of-RIB (FRR's stalepath-time). */
const STALE_PATH_TIME = 360;

/** How many packed UPDATEs to hand a socket per turn before yielding the event loop. */
const FLUSH_CHUNK = 64;

export class Speaker extends EventEmitter<SpeakerEvents> {
  readonly rib: Rib;
  private readonly peers = new Map<string, PeerEntry>();
  private readonly bgpListeners: BgpListener[] = [];
  private readonly log: Logger;
  private changesScheduled = false;
  private flushScheduled = false;
  private started = false;
  private stopping = false;
  /** Created with the first peer that asks for BFD. */
  private bfd?: BfdManager;
  readonly bound: { address: string; port: number }[] = [];

  constructor(readonly config: SpeakerConfig, private readonly opts: SpeakerOptions) {
    super();
    this.log = opts.log;
    this.rib = new Rib({
      localAsn: config.asn,
      routerId: config.routerId,
      clusterId: config.clusterId,
      maxPaths: config.maxPaths,
      now: opts.now,
      importFilter: config.importFilter,
      exportFilter: config.exportFilter,
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const l of this.config.listen) {
      const listener = new BgpListener({
        address: l.address,
        port: l.port,
        log: this.log,
        dispatch: (remote, sock) => this.dispatchInbound(remote, sock),
      });
      this.bound.push(await listener.listen());
      this.bgpListeners.push(listener);
    }
    // Keys before any session starts: a protected peer's SYN must find its key on the listener.
    this.refreshListenerSecurity();
    for (const p of this.peers.values()) {
      p.session.start();
      this.syncBfd(p.config);
    }
    this.log.info('bgp speaker started', { asn: this.config.asn, routerId: this.config.routerId, listen: this.bound });
  }

  /**
   * Closes every session and stops listening. Normally with a Cease (Administrative Shutdown);
   * with `graceful` (a restart with graceful restart negotiated) without a NOTIFICATION, so peers
   * keep our routes, marked stale, until we are back.
   */
  async stop(text = 'podroute shutting down', opts: { graceful?: boolean } = {}): Promise<void> {
    this.stopping = true;
    for (const p of this.peers.values()) {
      if (p.staleTimer) clearTimeout(p.staleTimer);
      if (p.maxPrefixTimer) clearTimeout(p.maxPrefixTimer);
    }
    await Promise.all([...this.peers.values()].map((p) => p.session.stop({ text, notify: !opts.graceful }).catch(() => {})));
    this.bfd?.close();
    await Promise.all(this.bgpListeners.map((l) => l.close()));
    this.bgpListeners.length = 0;
  }

  // ---- peers ----

  hasPeer(address: string): boolean {
    return this.peers.has(peerKey(address));
  }

  addPeer(pc: PeerConfig): void {
    const key = peerKey(pc.address);
    if (this.peers.has(key)) throw new Error(`peer ${key} already configured`);
    const info = this.peerInfo(pc);
    const session = this.makeSession(pc);
    const entry: PeerEntry = { config: pc, info, session, eorReceived: new Set(), flushing: false, staleFamilies: new Set(), maxPrefixWarned: new Set() };
    this.peers.set(key, entry);
    this.refreshListenerSecurity();
    this.rib.addPeer(info);
    this.wire(entry);
    if (this.started) {
      session.start();
      this.syncBfd(pc);
    }
    this.log.info('peer added', { peer: key, asn: pc.asn });
  }

  /**
   * Applies a changed peer config. Timers and descriptions change live; what the session cannot
   * change in place (ASN, port, families) resets only this session.
   */
  updatePeer(pc: PeerConfig): void {
    const key = peerKey(pc.address);
    const entry = this.peers.get(key);
    if (!entry) return this.addPeer(pc);
    if (sameConfig(entry.config, pc)) return;
    entry.config = pc;
    const info = this.peerInfo(pc, entry.session.negotiated);
    entry.info = info;
    this.rib.updatePeer(info);
    // A new key goes on the listener first, so the reconnect that follows the reset can use it.
    this.refreshListenerSecurity();
    const result = entry.session.updateConfig(this.sessionConfig(pc));
    if (this.started) this.syncBfd(pc);
    this.log.info('peer changed', { peer: key, result });
    if (entry.maxPrefixDown) {
      // An operator who changed the peer (say, raised its limit) expects it back now, not after the delay.
      this.restartAfterMaxPrefix(entry);
    } else {
      // A lowered limit applies to what the peer has already sent.
      this.checkMaxPrefixes(entry);
    }
    this.scheduleFlush();
  }

  async removePeer(address: string): Promise<void> {
    const key = peerKey(address);
    const entry = this.peers.get(key);
    if (!entry) return;
    this.peers.delete(key);
    if (entry.staleTimer) clearTimeout(entry.staleTimer);
    if (entry.maxPrefixTimer) clearTimeout(entry.maxPrefixTimer);
    this.refreshListenerSecurity();
    this.bfd?.remove(key);
    await entry.session.stop({ subcode: CEASE_PEER_DECONFIGURED, text: 'peer removed from configuration' }).catch(() => {});
    entry.session.removeAllListeners();
    this.rib.removePeer(key);
    this.scheduleChanges();
    this.scheduleFlush();
    this.log.info('peer removed', { peer: key });
  }

  /** Makes the peer set equal to `list`, touching only peers that differ. */
  async setPeers(list: PeerConfig[]): Promise<void> {
    const want = new Map(list.map((p) => [peerKey(p.address), p]));
    const removals: Promise<void>[] = [];
    for (const key of this.peers.keys()) if (!want.has(key)) removals.push(this.removePeer(key));
    await Promise.all(removals);
    for (const pc of want.values()) this.updatePeer(pc);
  }

  peerViews(): SpeakerPeerView[] {
    return [...this.peers.entries()].map(([key, p]) => ({
      config: p.config,
      state: p.session.state,
      negotiated: p.session.negotiated,
      stats: p.session.stats,
      counters: this.rib.peerCounters(key),
      eorReceived: [...p.eorReceived],
      lastDown: p.session.stats.lastDown,
      ...(this.bfd?.has(key) ? { bfd: this.bfd.view(key) } : {}),
    }));
  }

  session(address: string): Session | undefined {
    return this.peers.get(peerKey(address))?.session;
  }

  /** Asks the peer to re-send its table (RFC 2918), e.g. after an import policy change. */
  refreshFrom(address: string, family: Family): void {
    this.peers.get(peerKey(address))?.session.sendRouteRefresh(family);
  }

  /**
   * Export policy changed (communities, prepend, filters): recompute every peer's Adj-RIB-Out; the
   * RIB diffs against what each peer already has, so only real differences are sent.
   */
  reevaluateExports(): void {
    for (const p of this.peers.values()) this.rib.updatePeer(p.info);
    this.scheduleFlush();
  }

  /**
   * Import policy changed: the RIB keeps only the filtered result, so ask every established peer
   * that supports it to send its table again (RFC 2918) and filter it anew.
   */
  refreshAllInbound(): void {
    for (const p of this.peers.values()) {
      const neg = p.session.negotiated;
      if (p.session.state !== 'Established' || !neg?.routeRefresh) continue;
      for (const f of neg.families) p.session.sendRouteRefresh(f);
    }
  }

  // ---- local routes ----

  originate(prefix: string, attrs?: Partial<PathAttributes>): void {
    this.rib.originate(normalizePrefix(prefix), attrs);
    this.scheduleChanges();
    this.scheduleFlush();
  }

  withdraw(prefix: string): void {
    this.rib.withdrawOriginated(normalizePrefix(prefix));
    this.scheduleChanges();
    this.scheduleFlush();
  }

  // ---- internals ----

  /** The peer's BFD session follows its config: started, retimed, re-bound or removed. */
  private syncBfd(pc: PeerConfig): void {
    const key = peerKey(pc.address);
    if (!pc.bfd) {
      this.bfd?.remove(key);
      return;
    }
    if (!this.bfd) {
      this.bfd = new BfdManager({ log: this.log.child({ component: 'bfd' }), sockets: this.opts.bfdSockets });
      this.bfd.on('state', (peer, state, prev, diag) => this.onBfdState(peer, state, prev, diag));
    }
    this.bfd.update(key, pc.localAddress, pc.bfd);
  }

  /**
   * BFD saw the path to the peer fail (Up → Down): the BGP session goes at once instead of at the
   * end of its hold time. The TCP connection is closed without a NOTIFICATION — the path is
   * presumed dead, so a NOTIFICATION would only wait in the send queue — and, unlike a plain TCP
   * loss, the peer's routes are dropped now (no graceful-restart helper mode: RFC 4724 stale
   * routes are for a restarting control plane, and BFD says the forwarding path is down). The
   * session starts again at once and comes back when TCP can. A peer that goes AdminDown
   * (diag "neighbor signalled session down" with its state AdminDown) does not take BGP down
   * (RFC 5882 §3.2), nor does BFD that was never Up.
   */
  private onBfdState(peer: string, state: BfdState, prev: BfdState, diag: number): void {
    const entry = this.peers.get(peer);
    if (!entry || this.stopping || state !== 'Down' || prev !== 'Up') return;
    const remote = this.bfd?.view(peer)?.remoteState;
    if (diag === Diag.NeighborSignaledSessionDown && remote === 'AdminDown') {
      this.log.info('bfd: peer set its BFD session AdminDown; BGP session kept', { peer });
      return;
    }
    const s = entry.session;
    // Only a session that has a connection to lose: a max-prefix stop stays stopped, and one still
    // trying to connect keeps trying.
    if (entry.maxPrefixDown || !['OpenSent', 'OpenConfirm', 'Established'].includes(s.state)) return;
    this.log.warn('bfd session down: closing the BGP session', { peer, diag, bgpState: s.state });
    void s.stop({ text: `BFD session down (diag ${diag})`, notify: false }).catch(() => {});
    s.start();
  }

  private makeSession(pc: PeerConfig): Session {
    const cfg = this.sessionConfig(pc);
    if (this.opts.sessionFactory) return this.opts.sessionFactory(cfg);
    return new Session(cfg, { log: this.log.child({ peer: peerKey(pc.address) }) });
  }

  private sessionConfig(pc: PeerConfig): SessionConfig {
    return {
      localAsn: pc.localAsn ?? this.config.asn,
      routerId: this.config.routerId,
      peerAddress: pc.address,
      peerAsn: pc.asn,
      localAddress: pc.localAddress,
      port: pc.port,
      passive: pc.passive,
      holdTime: pc.holdTime ?? this.config.holdTime,
      keepaliveTime: pc.keepaliveTime,
      connectRetryTime: pc.connectRetryTime,
      families: pc.families ?? this.config.families,
      gracefulRestart: this.config.gracefulRestart,
      description: pc.description,
      password: pc.password,
      ttlSecurity: pc.ttlSecurity,
      ebgpMultihop: pc.ebgpMultihop,
      addPath: pc.addPath,
    };
  }

  /** Every listener's MD5 keys and TTLs follow the configured peers. */
  private refreshListenerSecurity(): void {
    if (this.bgpListeners.length === 0) return;
    const peers = [...this.peers.values()].map((p) => ({ address: p.config.address, password: p.config.password, ttlSecurity: p.config.ttlSecurity }));
    for (const l of this.bgpListeners) l.applySecurity(peers);
  }

  /**
   * Maximum prefixes (RFC 4486): after each UPDATE, compare the peer's accepted prefixes per family
   * with its limits. 'cease' ends the session with Cease/1 carrying AFI, SAFI and the limit, and
   * (with maxPrefixRestartSeconds) starts it again later; 'warn' logs once per crossing.
   */
  private checkMaxPrefixes(entry: PeerEntry): void {
    const pc = entry.config;
    if (!pc.maxPrefixes) return;
    const key = entry.info.id;
    const counts = this.rib.acceptedByFamily(key);
    const over = exceededLimit(counts, pc.maxPrefixes);
    if ((pc.maxPrefixAction ?? 'cease') === 'warn') {
      for (const f of [...entry.maxPrefixWarned]) if ((counts[f] ?? 0) <= (pc.maxPrefixes[f] ?? Infinity)) entry.maxPrefixWarned.delete(f);
      if (over && !entry.maxPrefixWarned.has(over.family)) {
        entry.maxPrefixWarned.add(over.family);
        this.log.warn('maximum prefixes exceeded (warn only)', { peer: key, ...over });
      }
      return;
    }
    if (!over || entry.session.state !== 'Established') return;
    const restart = pc.maxPrefixRestartSeconds;
    this.log.warn('maximum prefixes exceeded: closing the session with Cease/1', { peer: key, ...over, restartSeconds: restart });
    const text = `maximum prefixes exceeded: ${over.count} ${over.family} prefixes, limit ${over.limit}`;
    entry.maxPrefixDown = true;
    void entry.session.stop({ subcode: CEASE_MAX_PREFIXES, data: maxPrefixData(over.family, over.limit), text }).catch(() => {});
    if (restart !== undefined) {
      if (entry.maxPrefixTimer) clearTimeout(entry.maxPrefixTimer);
      entry.maxPrefixTimer = setTimeout(() => this.restartAfterMaxPrefix(entry), restart * 1000);
    }
  }

  private restartAfterMaxPrefix(entry: PeerEntry): void {
    if (entry.maxPrefixTimer) clearTimeout(entry.maxPrefixTimer);
    entry.maxPrefixTimer = undefined;
    entry.maxPrefixDown = false;
    if (this.stopping || !this.started || this.peers.get(entry.info.id) !== entry) return;
    this.log.info('restarting the session after a max-prefix Cease', { peer: entry.info.id });
    entry.session.start();
  }

  private peerInfo(pc: PeerConfig, neg?: Negotiated): PeerInfo {
    const local = neg?.localAddress ?? pc.localAddress;
    const localAsn = pc.localAsn ?? this.config.asn;
    return {
      id: peerKey(pc.address),
      address: peerKey(pc.address),
      asn: pc.asn,
      localAsn,
      routerId: neg?.peerRouterId,
      ebgp: pc.asn !== localAsn,
      localAddress: pc.nextHop4 ?? (local && isIP(local) === 4 ? local : undefined),
      localAddress6: pc.nextHop6 ?? (local && isIP(local) === 6 ? local : undefined),
      rrClient: pc.rrClient,
      nextHopSelf: pc.nextHopSelf,
      addPathSendMode: pc.addPathSendMode,
      addPathSendMax: pc.addPathSendMax,
    };
  }

  private dispatchInbound(remote: string, sock: net.Socket): boolean {
    const entry = this.peers.get(remote);
    if (!entry || this.stopping) return false;
    const pc = entry.config;
    try {
      secureAccepted(sock, ttlSettings({ ebgp: entry.info.ebgp, ttlSecurity: pc.ttlSecurity, ebgpMultihop: pc.ebgpMultihop }));
    } catch (err) {
      // GTSM that cannot be enforced must not be silently skipped: refuse this connection only.
      this.log.error('inbound connection closed: cannot set its TTL options', { peer: remote, err: (err as Error).message });
      sock.destroy();
      return true;
    }
    entry.session.acceptConnection(sock);
    return true;
  }

  private wire(entry: PeerEntry): void {
    const key = entry.info.id;
    const s = entry.session;
    s.on('state', (state: SessionState, prev: SessionState) => {
      this.emit('peerState', key, state, prev);
    });
    s.on('established', (neg: Negotiated) => {
      if (entry.staleFamilies.size > 0) this.peerBackFromRestart(entry, neg);
      entry.info = this.peerInfo(entry.config, neg);
      entry.eorReceived.clear();
      this.rib.updatePeer(entry.info);
      this.rib.peerUp(key, { families: neg.families, codec: neg.codec, routerId: neg.peerRouterId });
      this.log.info('peer established', { peer: key, families: neg.families, holdTime: neg.holdTime, peerRouterId: neg.peerRouterId });
      this.scheduleFlush();
    });
    s.on('update', (u: UpdateMessage) => {
      this.rib.applyUpdate(key, u);
      this.checkMaxPrefixes(entry);
      if (u.treatAsWithdraw) this.log.warn('update treated as withdraw (RFC 7606)', { peer: key, reason: u.treatAsWithdraw });
      if (u.discarded?.length) this.log.warn('attributes discarded (RFC 7606)', { peer: key, reasons: u.discarded });
      const eor = endOfRibFamily(u);
      if (eor) {
        entry.eorReceived.add(eor);
        // RFC 4724 §4.2: the restarted peer has re-sent this family; what is still stale is gone.
        if (entry.staleFamilies.delete(eor)) {
          this.rib.sweepStale(key, eor);
          this.log.info('graceful restart: stale routes swept after End-of-RIB', { peer: key, family: eor });
          if (entry.staleFamilies.size === 0 && entry.staleTimer) clearTimeout(entry.staleTimer);
        }
        this.emit('endOfRib', key, eor);
      }
      this.scheduleChanges();
      this.scheduleFlush();
    });
    s.on('routeRefresh', (m: RouteRefreshMessage) => {
      // Re-advertise the whole Adj-RIB-Out: the RIB re-queues the full table for this peer.
      const neg = s.negotiated;
      if (!neg) return;
      this.log.info('route refresh requested', { peer: key, afi: m.afi, safi: m.safi });
      this.rib.peerUp(key, { families: neg.families, codec: neg.codec, routerId: neg.peerRouterId });
      this.scheduleFlush();
    });
    s.on('down', (reason: DownReason) => {
      this.log.warn('peer down', { peer: key, reason: reason.text, code: reason.code, subcode: reason.subcode });
      const gr = reason.gracefulRestart ? reason.peerGracefulRestart : undefined;
      if (gr && gr.restartTime > 0) {
        // Helper mode: keep forwarding on the peer's routes, marked stale, for its restart time.
        this.rib.peerDown(key, { keepStale: true });
        entry.staleFamilies.clear();
        for (const f of gr.families) {
          const fam = familyOf(f.afi, f.safi);
          // RFC 4724 §4.2: every family the peer listed in its capability is retained, whatever its
          // Forwarding State bit; that bit is judged in the OPEN of the re-established session.
          if (fam) entry.staleFamilies.add(fam);
        }
        for (const fam of ['ipv4-unicast', 'ipv6-unicast'] as const) if (!entry.staleFamilies.has(fam)) this.rib.sweepStale(key, fam);
        this.startStaleTimer(entry, gr.restartTime, 'peer did not return in its restart time');
        this.log.info('graceful restart: keeping the peer\'s routes as stale', { peer: key, restartTime: gr.restartTime });
      } else {
        this.rib.peerDown(key);
      }
      entry.eorReceived.clear();
      this.scheduleChanges();
      this.scheduleFlush();
    });
    s.on('drain', () => this.flushPeer(entry));
  }

  /**
   * RFC 4724 §4.2, the peer is back: families it no longer lists, or lists without the Forwarding
   * State bit, lose their stale routes now; the others wait for the peer's End-of-RIB, bounded by
   * the stale-path time (the restart timer itself stops here).
   */
  private peerBackFromRestart(entry: PeerEntry, neg: Negotiated): void {
    const key = entry.info.id;
    const kept = new Set<Family>();
    for (const f of neg.peerGracefulRestart?.families ?? []) {
      const fam = familyOf(f.afi, f.safi);
      if (fam && f.forwarding) kept.add(fam);
    }
    for (const fam of [...entry.staleFamilies]) {
      if (kept.has(fam)) continue;
      entry.staleFamilies.delete(fam);
      this.rib.sweepStale(key, fam);
      this.log.info('graceful restart: peer back without forwarding state; stale routes removed', { peer: key, family: fam });
    }
    if (entry.staleFamilies.size === 0) {
      if (entry.staleTimer) clearTimeout(entry.staleTimer);
      entry.staleTimer = undefined;
    } else {
      this.startStaleTimer(entry, STALE_PATH_TIME, 'no End-of-RIB within the stale-path time');
    }
    this.scheduleChanges();
  }

  private startStaleTimer(entry: PeerEntry, seconds: number, why: string): void {
    const key = entry.info.id;
    if (entry.staleTimer) clearTimeout(entry.staleTimer);
    entry.staleTimer = setTimeout(() => {
      entry.staleTimer = undefined;
      entry.staleFamilies.clear();
      this.rib.sweepStale(key);
      this.log.warn(`graceful restart: ${why}; stale routes removed`, { peer: key });
      this.scheduleChanges();
      this.scheduleFlush();
    }, seconds * 1000);
  }

  /** Best-path changes are coalesced per event-loop turn: many UPDATEs in one read become one event. */
  private scheduleChanges(): void {
    if (this.changesScheduled) return;
    this.changesScheduled = true;
    setImmediate(() => {
      this.changesScheduled = false;
      const changes = this.rib.drainChanges();
      if (changes.length > 0) this.emit('bestChanges', changes);
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const entry of this.peers.values()) this.flushPeer(entry);
    });
  }

  /** Sends queued Adj-RIB-Out UPDATEs until the socket pushes back or a chunk is done. */
  private flushPeer(entry: PeerEntry): void {
    const s = entry.session;
    if (s.state !== 'Established') return;
    const key = entry.info.id;
    let writable = true;
    let rounds = 0;
    while (writable && this.rib.hasOutbound(key)) {
      const msgs = this.rib.takeOutbound(key, FLUSH_CHUNK);
      if (msgs.length === 0) break;
      writable = s.send(msgs);
      if (++rounds >= 16) {
        // Yield so other peers and inbound reads are not starved by one big table dump.
        if (writable) this.scheduleFlush();
        return;
      }
    }
  }
}

function sameConfig(a: PeerConfig, b: PeerConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
