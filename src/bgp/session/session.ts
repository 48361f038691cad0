// The BGP session engine (RFC 4271 §8): one configured peer, its timers, and the TCP connections
// that come and go. The per-state message rules are pure functions in fsm-*.ts; this file is the
// shell that owns sockets and timers and carries their decisions out.
//
// Model: the session owns at most one outbound and one inbound connection. Each connection walks
// Connecting → OpenSent → OpenConfirm → Established on its own; when both are past TCP setup the
// collision rules (collision.ts) keep one. The session's state is that of its most advanced
// connection, or Idle/Connect/Active when it has none that is connected.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import {
  BgpError,
  CEASE_ADMIN_SHUTDOWN,
  CEASE_COLLISION_RESOLUTION,
  CEASE_CONNECTION_REJECTED,
  CEASE_OTHER_CONFIG_CHANGE,
  CEASE_OUT_OF_RESOURCES,
  ERR_CEASE,
  ERR_FSM,
  ERR_HOLD_TIMER,
} from '../wire/errors.js';
import { familyAfiSafi } from '../wire/family.js';
import {
  DEFAULT_CODEC_CONTEXT,
  MAX_EXTENDED_MESSAGE_LEN,
  MAX_MESSAGE_LEN,
  MSG_UPDATE,
  type Family,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../wire/types.js';
import { Backoff, DEFAULT_BACKOFF, jittered, type BackoffPolicy } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import type { SessionCodec } from './codec.js';
import { collisionWinner } from './collision.js';
import { Connection, type ConnectionHandler } from './connection.js';
import type { FsmAction } from './fsm-action.js';
import { inEstablished } from './fsm-established.js';
import { unexpectedMessage } from './fsm-errors.js';
import { inOpenConfirm } from './fsm-openconfirm.js';
import { inOpenSent } from './fsm-opensent.js';
import { silentLogger, type Logger } from './log.js';
import { sentNotificationReason } from './notification.js';
import { buildOpen, configuredFamilies, validateConfig, type OpenBody } from './open.js';
import { carriesShutdownCommunication, encodeShutdownCommunication } from './shutdown-communication.js';
import { Timer } from './timer.js';
import { connectSecured, transportSecurity } from './transport.js';
import { passwordProblem } from '../security/md5sig.js';
import { ttlConfigProblem } from '../security/ttl-policy.js';
import {
  DEFAULT_CONNECT_RETRY_TIME,
  DEFAULT_PORT,
  OPEN_SENT_HOLD_TIME,
  type ConnectParams,
  type DownReason,
  type Negotiated,
  type SessionConfig,
  type SessionState,
  type SessionStats,
} from './types.js';

export interface SessionEvents {
  state: [state: SessionState, prev: SessionState];
  established: [negotiated: Negotiated];
  update: [msg: UpdateMessage];
  routeRefresh: [msg: RouteRefreshMessage];
  down: [reason: DownReason];
  drain: [];
}

export interface SessionOptions {
  clock?: Clock;
  connect?: (c: ConnectParams) => net.Socket;
  log?: Logger;
  /** Wire codec; index.ts supplies the real one. */
  codec?: SessionCodec;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** IdleHoldTime damping after failures. */
  backoff?: Partial<BackoffPolicy>;
}

/** Types allowed before the OPEN of each phase is through; anything else is an FSM error. */
const OPEN = 1;
const NOTIFICATION = 3;
const KEEPALIVE = 4;

/** Config checks for the transport options (the rest is validateConfig in open.ts). */
function validateTransport(cfg: SessionConfig): void {
  const pw = cfg.password !== undefined ? passwordProblem(cfg.password) : undefined;
  if (pw) throw new Error(`password ${pw}`);
  const ttl = ttlConfigProblem(cfg);
  if (ttl) throw new Error(ttl);
}

export class SessionCore extends EventEmitter<SessionEvents> {
  private cfg: SessionConfig;
  private ourOpen: OpenBody;
  private current: SessionState = 'Idle';
  private neg?: Negotiated;
  readonly stats: SessionStats;

  private running = false;
  private conns: Connection[] = [];
  private established: Connection | null = null;

  private readonly clock: Clock;
  private readonly connectFn: (c: ConnectParams) => net.Socket;
  private readonly log: Logger;
  private readonly codec: SessionCodec;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly connectRetry: Timer;
  private readonly idleHold: Timer;
  private readonly handler: ConnectionHandler;

  constructor(cfg: SessionConfig, opts: SessionOptions & { codec: SessionCodec }) {
    super();
    validateConfig(cfg);
    validateTransport(cfg);
    this.cfg = cfg;
    this.ourOpen = buildOpen(cfg);
    this.clock = opts.clock ?? systemClock;
    this.connectFn = opts.connect ?? connectSecured;
    this.log = opts.log ?? silentLogger;
    this.codec = opts.codec;
    this.random = opts.random ?? Math.random;
    this.backoff = new Backoff({ ...DEFAULT_BACKOFF, ...opts.backoff }, this.random);
    this.connectRetry = new Timer(this.clock, () => this.onConnectRetryExpired());
    this.idleHold = new Timer(this.clock, () => this.onIdleHoldExpired());
    this.stats = { messagesIn: 0, messagesOut: 0, updatesIn: 0, updatesOut: 0, flaps: 0, lastStateChangeAt: this.clock.now() };
    this.handler = {
      connected: (c) => this.onConnected(c),
      message: (c, raw) => this.onMessage(c, raw),
      framingError: (c, err) => this.onError(c, err),
      lost: (c, err) => this.onLost(c, err),
      drain: (c) => c === this.established && this.emit('drain'),
      holdExpired: (c) => this.fail(c, new BgpError(ERR_HOLD_TIMER, 0, `no message from peer within ${this.holdSecondsOf(c)} s`)),
      keepaliveDue: (c) => this.onKeepaliveDue(c),
      openDelayExpired: (c) => this.sendOpen(c),
    };
  }

  get config(): SessionConfig {
    return this.cfg;
  }
  get state(): SessionState {
    return this.current;
  }
  /** Parameters of the Established session; undefined in every other state. */
  get negotiated(): Negotiated | undefined {
    return this.neg;
  }
  /** Consecutive failures the IdleHold backoff is counting (for status and tests). */
  get consecutiveFailures(): number {
    return this.backoff.failures;
  }

  // ---- administrative events ----

  /** ManualStart (ManualStart_with_PassiveTcpEstablishment when `passive`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.log.info('session start', { peer: this.cfg.peerAddress, passive: !!this.cfg.passive });
    this.attempt();
  }

  /**
   * ManualStop: Cease to the peer (Administrative Shutdown by default), Idle, no automatic restart.
   * With `notify: false` the TCP connection is closed without a NOTIFICATION: that is how a
   * restarting speaker leaves (RFC 4724), so a graceful-restart peer keeps our routes meanwhile.
   */
  stop(opts: { subcode?: number; text?: string; notify?: boolean; data?: Uint8Array } = {}): Promise<void> {
    this.running = false;
    this.connectRetry.stop();
    this.idleHold.stop();
    const subcode = opts.subcode ?? CEASE_ADMIN_SHUTDOWN;
    const data = opts.data ?? (opts.text && carriesShutdownCommunication(subcode) ? encodeShutdownCommunication(opts.text) : undefined);
    const detail = opts.text ?? 'session stopped';
    const closing = this.closeAll(ERR_CEASE, subcode, data, detail, opts.notify ?? true);
    this.refreshState();
    return closing;
  }

  /** An inbound TCP connection from this peer's address (the speaker's listener hands it over). */
  acceptConnection(sock: net.Socket): void {
    const reject = (subcode: number, why: string): void => {
      this.log.info('inbound connection rejected', { peer: this.cfg.peerAddress, why });
      const c = new Connection(sock, 'in', this.codec.newReader(MAX_MESSAGE_LEN), this.clock, this.handler);
      c.phase = 'OpenSent'; // so close() sends the NOTIFICATION instead of just resetting
      void c.close(this.codec.encodeNotification(ERR_CEASE, subcode));
    };
    if (!this.running) return reject(CEASE_CONNECTION_REJECTED, 'session not started');
    if (this.idleHold.running) return reject(CEASE_CONNECTION_REJECTED, 'idle hold (damping after a failure)');
    if (this.established && !this.neg?.peerGracefulRestart) {
      // §6.8: a collision with an Established session closes the new connection.
      return reject(CEASE_COLLISION_RESOLUTION, 'session already established');
    }
    // For a graceful-restart peer the new connection may be the peer coming back after a restart
    // (RFC 4724 §4.2); its OPEN decides (onOpenAccepted), the established session stays meanwhile.
    this.adoptInbound(sock);
  }

  private adoptInbound(sock: net.Socket): void {
    const dup = this.conns.find((c) => c.dir === 'in');
    if (dup) {
      // The peer gave up on its earlier connection and opened another: the newer one is live.
      this.discard(dup);
    }
    const c = new Connection(sock, 'in', this.codec.newReader(MAX_MESSAGE_LEN), this.clock, this.handler);
    this.conns.push(c);
    this.beginOpen(c);
  }

  /** Established only. false when the socket is over its high-water mark ('drain' follows), or when not Established. */
  send(msgs: Buffer[]): boolean {
    const c = this.established;
    if (!c) {
      this.log.warn('send while not established: dropped', { peer: this.cfg.peerAddress, messages: msgs.length });
      return false;
    }
    let updates = 0;
    for (const m of msgs) if (m[18] === MSG_UPDATE) updates++;
    this.stats.messagesOut += msgs.length;
    this.stats.updatesOut += updates;
    // RFC 4271 §4.4: an UPDATE sent also resets the KeepaliveTimer (the connection notes the send).
    return c.writeMany(msgs);
  }

  sendRouteRefresh(family: Family, subtype = 0): void {
    const c = this.established;
    const neg = this.neg;
    if (!c || !neg || !neg.routeRefresh || !neg.families.includes(family) || (subtype !== 0 && !neg.enhancedRouteRefresh)) {
      this.log.warn('route refresh not sent: not negotiated', { peer: this.cfg.peerAddress, family, subtype, state: this.current });
      return;
    }
    const { afi, safi } = familyAfiSafi(family);
    this.stats.messagesOut++;
    c.write(this.codec.encodeRouteRefresh(afi, safi, subtype));
  }

  /** Timers and description apply live; identity, transport and capability changes reset the session. */
  updateConfig(cfg: SessionConfig): 'applied' | 'reset' {
    validateConfig(cfg);
    validateTransport(cfg);
    const old = this.cfg;
    this.cfg = cfg;
    this.ourOpen = buildOpen(cfg);
    if (!needsReset(old, cfg)) {
      const neg = this.neg;
      const c = this.established;
      if (neg && c && cfg.keepaliveTime !== old.keepaliveTime && neg.holdTime > 0) {
        const want = cfg.keepaliveTime ?? Math.floor((cfg.holdTime ?? neg.holdTime) / 3);
        neg.keepaliveTime = Math.max(1, Math.min(want, Math.floor(neg.holdTime / 3)));
        c.armKeepalive(neg.keepaliveTime);
      }
      // Passive → active while waiting in Active: nothing else would start the first connect.
      if (this.running && old.passive && !cfg.passive && this.conns.length === 0 && !this.idleHold.running && !this.connectRetry.running) this.attempt();
      return 'applied';
    }
    this.log.info('configuration change resets the session', { peer: cfg.peerAddress });
    if (this.running) {
      void this.closeAll(ERR_CEASE, CEASE_OTHER_CONFIG_CHANGE, undefined, 'configuration changed');
      this.connectRetry.stop();
      this.idleHold.stop();
      this.backoff.reset();
      this.attempt();
    }
    return 'reset';
  }

  // ---- Idle / Connect / Active ----

  /** Leave Idle: connect out, or (passive) wait in Active for the peer. */
  private attempt(): void {
    this.idleHold.stop();
    if (!this.cfg.passive) this.connectOut();
    this.refreshState();
  }

  private connectOut(): void {
    if (this.conns.some((c) => c.dir === 'out')) return;
    const params: ConnectParams = { host: this.cfg.peerAddress, port: this.cfg.port ?? DEFAULT_PORT, localAddress: this.cfg.localAddress, ...transportSecurity(this.cfg) };
    this.connectRetry.start(jittered((this.cfg.connectRetryTime ?? DEFAULT_CONNECT_RETRY_TIME) * 1000, this.random));
    let sock: net.Socket;
    try {
      sock = this.connectFn(params);
    } catch (err) {
      this.log.warn('connect failed', { peer: this.cfg.peerAddress, err });
      return; // ConnectRetry brings the next attempt
    }
    this.conns.push(new Connection(sock, 'out', this.codec.newReader(MAX_MESSAGE_LEN), this.clock, this.handler));
  }

  private onConnectRetryExpired(): void {
    if (!this.running) return;
    const out = this.conns.find((c) => c.dir === 'out');
    if (out?.phase === 'Connecting') this.discard(out); // RFC 4271 §8.2.2: drop the attempt, try again
    if (this.conns.length > 0) return; // another connection is progressing
    this.attempt();
  }

  private onIdleHoldExpired(): void {
    if (this.running) this.attempt();
  }

  private onConnected(c: Connection): void {
    this.connectRetry.stop();
    this.beginOpen(c);
  }

  /** TCP is up: send OPEN now, or (DelayOpen) give the peer a chance to speak first. */
  private beginOpen(c: Connection): void {
    const delay = this.cfg.delayOpenTime ?? 0;
    if (delay <= 0) return this.sendOpen(c);
    c.phase = 'OpenDelay';
    c.openDelay.start(delay * 1000);
    this.refreshState();
  }

  private sendOpen(c: Connection): void {
    c.openDelay.stop();
    c.phase = 'OpenSent';
    this.stats.messagesOut++;
    c.write(this.codec.encodeOpen(this.ourOpen));
    c.armHold(OPEN_SENT_HOLD_TIME);
    this.refreshState();
  }

  // ---- messages ----

  private onMessage(c: Connection, raw: Buffer): void {
    if (c.phase === 'Connecting') return; // no bytes arrive before the TCP handshake completes
    this.stats.messagesIn++;
    try {
      const type = raw[18];
      // Reject by type before decoding: an UPDATE in OpenSent is an FSM error, not an UPDATE error.
      if (c.phase === 'OpenDelay' && type !== OPEN && type !== NOTIFICATION) {
        throw new BgpError(ERR_FSM, 0, `unexpected message type ${type} before OPEN (DelayOpen)`);
      }
      if (c.phase === 'OpenSent' && type !== OPEN && type !== NOTIFICATION) throw unexpectedMessage('OpenSent', type);
      if (c.phase === 'OpenConfirm' && type !== KEEPALIVE && type !== NOTIFICATION) throw unexpectedMessage('OpenConfirm', type);
      if (type === MSG_UPDATE && c.phase === 'Established') {
        // The hot path of a table transfer: straight to the listener, no action object per message.
        const u = this.codec.decodeMessage(raw, c.negotiated!.codec) as UpdateMessage;
        this.stats.updatesIn++;
        this.emit('update', u);
        return;
      }
      const msg = this.codec.decodeMessage(raw, c.negotiated?.codec ?? DEFAULT_CODEC_CONTEXT);
      let action: FsmAction;
      if (c.phase === 'OpenSent' || c.phase === 'OpenDelay') action = inOpenSent(msg, this.cfg, this.ourOpen, c.endpoints());
      else if (c.phase === 'OpenConfirm') action = inOpenConfirm(msg);
      else action = inEstablished(msg, c.negotiated!);
      this.apply(c, action);
    } catch (err) {
      this.onError(c, err);
    }
  }

  private apply(c: Connection, a: FsmAction): void {
    switch (a.kind) {
      case 'fail':
        return this.fail(c, a.error);
      case 'peerNotification':
        this.log.warn('notification received', { peer: this.cfg.peerAddress, reason: a.reason.text });
        return this.dropConnection(c, a.reason, undefined, 'failure');
      case 'openAccepted':
        return this.onOpenAccepted(c, a.negotiated);
      case 'establish':
        return this.onEstablish(c);
      case 'alive':
        return; // the Hold timer saw the bytes arrive (Connection.lastRx)
      case 'update':
        this.stats.updatesIn++;
        this.emit('update', a.msg);
        return;
      case 'routeRefresh':
        this.emit('routeRefresh', a.msg);
        return;
      case 'ignore':
        this.log.debug('message ignored', { peer: this.cfg.peerAddress, why: a.why });
        return;
    }
  }

  private onOpenAccepted(c: Connection, neg: Negotiated): void {
    if (c.phase === 'OpenDelay') {
      // RFC 4271 §8.2.2 (DelayOpen): the peer spoke first; answer with OPEN, then KEEPALIVE below.
      c.openDelay.stop();
      this.stats.messagesOut++;
      c.write(this.codec.encodeOpen(this.ourOpen));
    }
    let replaced: DownReason | undefined;
    for (const o of [...this.conns]) {
      if (o === c) continue;
      if (o.phase === 'Established') {
        if (neg.peerGracefulRestart?.restartState) {
          // RFC 4724 §4.2: the peer restarted (Restart State bit set); the old session is gone.
          this.log.info('peer restarted (graceful restart): new connection replaces the established one', { peer: this.cfg.peerAddress });
          replaced = { text: 'peer restarted (graceful restart)', sentByUs: false };
          this.dropConnection(o, replaced, undefined, 'replaced');
          continue;
        }
        // A second connection that is not a restart: the collision rule for Established (§6.8).
        this.dropConnection(c, sentNotificationReason(ERR_CEASE, CEASE_COLLISION_RESOLUTION, 'session already established'), this.codec.encodeNotification(ERR_CEASE, CEASE_COLLISION_RESOLUTION), 'collision');
        return;
      }
      if (o.phase === 'Connecting') {
        // We have a working connection; an attempt still in TCP setup would only collide later.
        this.discard(o);
        continue;
      }
      // RFC 4271 §6.8: keep the connection opened by the side with the higher BGP Identifier.
      const keep = collisionWinner(this.cfg.routerId, this.cfg.localAsn, neg.peerRouterId, neg.peerAsn) === 'local' ? 'out' : 'in';
      const loser = c.dir === keep ? o : c;
      this.log.info('connection collision', { peer: this.cfg.peerAddress, kept: keep, closed: loser.dir });
      this.dropConnection(loser, sentNotificationReason(ERR_CEASE, CEASE_COLLISION_RESOLUTION, 'connection collision'), this.codec.encodeNotification(ERR_CEASE, CEASE_COLLISION_RESOLUTION), 'collision');
      if (loser === c) return;
    }
    c.negotiated = neg;
    c.setMaxLength(neg.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN);
    c.phase = 'OpenConfirm';
    this.stats.messagesOut++;
    c.write(this.codec.encodeKeepalive());
    c.armHold(neg.holdTime);
    c.armKeepalive(neg.keepaliveTime);
    this.refreshState();
    if (replaced) this.emit('down', replaced);
  }

  private onEstablish(c: Connection): void {
    const neg = c.negotiated!;
    // Anything still opening alongside would collide with an Established session (§6.8): close it.
    for (const o of [...this.conns]) {
      if (o !== c) this.dropConnection(o, sentNotificationReason(ERR_CEASE, CEASE_COLLISION_RESOLUTION, 'session established on the other connection'), o.phase === 'Connecting' ? undefined : this.codec.encodeNotification(ERR_CEASE, CEASE_COLLISION_RESOLUTION), 'collision');
    }
    c.phase = 'Established';
    this.established = c;
    this.neg = neg;
    this.connectRetry.stop();
    this.stats.establishedAt = this.clock.now();
    this.log.info('session established', {
      peer: this.cfg.peerAddress, peerRouterId: neg.peerRouterId, holdTime: neg.holdTime, families: neg.families, dir: c.dir,
    });
    this.refreshState();
    this.emit('established', neg);
  }

  private onKeepaliveDue(c: Connection): void {
    const neg = c.negotiated;
    if (!neg) return;
    this.stats.messagesOut++;
    c.write(this.codec.encodeKeepalive());
    c.armKeepalive(neg.keepaliveTime);
  }

  private holdSecondsOf(c: Connection): number {
    return c.negotiated?.holdTime ?? OPEN_SENT_HOLD_TIME;
  }

  // ---- failures ----

  /** Any exception while handling a connection's bytes ends that connection, never the process. */
  private onError(c: Connection, err: unknown): void {
    if (err instanceof BgpError) return this.fail(c, err);
    // A codec bug or a throwing listener: reset this session only and say so loudly.
    this.log.error('internal error while handling a message', { peer: this.cfg.peerAddress, err });
    const msg = err instanceof Error ? err.message : String(err);
    this.fail(c, new BgpError(ERR_CEASE, CEASE_OUT_OF_RESOURCES, `internal error: ${msg}`));
  }

  /** Sends the NOTIFICATION for `err` and closes the connection. */
  private fail(c: Connection, err: BgpError): void {
    if (c.isClosing) return;
    this.log.warn('sending notification', { peer: this.cfg.peerAddress, code: err.code, subcode: err.subcode, err: err.message });
    this.dropConnection(c, sentNotificationReason(err.code, err.subcode, err.message), this.codec.encodeNotification(err.code, err.subcode, err.data), 'failure');
  }

  private onLost(c: Connection, err?: Error): void {
    const reason: DownReason = { text: err ? `connection failed: ${err.message}` : 'connection closed by peer', sentByUs: false };
    // A TCP failure before OPEN arrived is a connect problem (ConnectRetry); later it is a flap.
    const kind = c.phase === 'Connecting' || c.phase === 'OpenDelay' || c.phase === 'OpenSent' ? 'tcp' : 'failure';
    if (c.phase !== 'Connecting') this.log.info('connection lost', { peer: this.cfg.peerAddress, phase: c.phase, reason: reason.text });
    this.dropConnection(c, reason, undefined, kind);
  }

  /** Closes and forgets a connection without it counting as anything (superseded attempts). */
  private discard(c: Connection): void {
    this.conns = this.conns.filter((x) => x !== c);
    void c.close();
  }

  /**
   * Removes a connection and decides what the session does next:
   * - 'failure': error or NOTIFICATION → Idle with IdleHold (damped restart);
   * - 'tcp': TCP trouble before OPEN → Active, ConnectRetry;
   * - 'collision' / 'replaced': another connection carries on.
   */
  private dropConnection(c: Connection, reason: DownReason, notification: Buffer | undefined, kind: 'failure' | 'tcp' | 'collision' | 'replaced'): void {
    const wasEstablished = c === this.established;
    this.conns = this.conns.filter((x) => x !== c);
    if (notification) this.stats.messagesOut++;
    void c.close(notification);
    if (kind === 'collision') {
      this.refreshState();
      return;
    }
    // A failed side connection next to a healthy session is not news about the session.
    if (wasEstablished || !this.established) this.stats.lastDown = reason;
    let establishedFor: number | undefined;
    if (wasEstablished) {
      establishedFor = this.clock.now() - (this.stats.establishedAt ?? this.clock.now());
      // RFC 4724 §4.2: a session lost without a NOTIFICATION to a restart-capable peer keeps its
      // routes (as stale) for the restart time; the speaker decides, we only say it applies.
      const gr = this.neg?.peerGracefulRestart;
      if (gr && gr.families.length > 0 && reason.code === undefined) {
        reason.gracefulRestart = true;
        reason.peerGracefulRestart = gr;
      }
      this.established = null;
      this.neg = undefined;
      this.stats.flaps++;
      if (kind !== 'replaced') for (const o of [...this.conns]) this.discard(o);
    }
    if (kind === 'replaced') return; // the caller carries on with the new connection, then emits 'down'
    if (this.conns.length > 0) {
      this.refreshState();
      return;
    }
    if (this.running) {
      if (kind === 'tcp' && !wasEstablished) {
        if (!this.cfg.passive && !this.connectRetry.running) {
          this.connectRetry.start(jittered((this.cfg.connectRetryTime ?? DEFAULT_CONNECT_RETRY_TIME) * 1000, this.random));
        }
      } else {
        const wait = this.backoff.next(establishedFor);
        this.connectRetry.stop();
        this.idleHold.start(wait);
        this.log.info('idle hold before restart', { peer: this.cfg.peerAddress, ms: wait, failures: this.backoff.failures });
      }
    }
    this.refreshState();
    if (wasEstablished) this.emit('down', reason);
  }

  /** Closes every connection (stop, reset); resolves when all sockets are gone. */
  private closeAll(code: number, subcode: number, data: Uint8Array | undefined, detail: string, notify = true): Promise<void> {
    const wasEstablished = this.established !== null;
    const reason: DownReason = notify ? sentNotificationReason(code, subcode, detail) : { text: `${detail} (closed without NOTIFICATION)`, sentByUs: true };
    const closing = this.conns.map((c) => (c.phase === 'Connecting' || !notify ? c.close() : (this.stats.messagesOut++, c.close(this.codec.encodeNotification(code, subcode, data)))));
    this.conns = [];
    if (wasEstablished) {
      this.established = null;
      this.neg = undefined;
      this.stats.flaps++;
      this.stats.lastDown = reason;
      this.refreshState();
      this.emit('down', reason);
    }
    return Promise.all(closing).then(() => undefined);
  }

  // ---- state ----

  private refreshState(): void {
    let next: SessionState;
    if (!this.running) next = 'Idle';
    else if (this.established) next = 'Established';
    else if (this.conns.some((c) => c.phase === 'OpenConfirm')) next = 'OpenConfirm';
    else if (this.conns.some((c) => c.phase === 'OpenSent')) next = 'OpenSent';
    else if (this.idleHold.running) next = 'Idle';
    else if (this.conns.some((c) => c.phase === 'Connecting' || (c.phase === 'OpenDelay' && c.dir === 'out'))) next = 'Connect';
    else next = 'Active';
    if (next === this.current) return;
    const prev = this.current;
    this.current = next;
    this.stats.lastStateChangeAt = this.clock.now();
    this.log.debug('state', { peer: this.cfg.peerAddress, state: next, prev });
    this.emit('state', next, prev);
  }
}

/** Changes the running session cannot absorb: who we are, whom we talk to, and what we offered. */
function needsReset(a: SessionConfig, b: SessionConfig): boolean {
  return (
    a.localAsn !== b.localAsn ||
    a.routerId !== b.routerId ||
    a.peerAddress !== b.peerAddress ||
    a.peerAsn !== b.peerAsn ||
    a.localAddress !== b.localAddress ||
    (a.port ?? DEFAULT_PORT) !== (b.port ?? DEFAULT_PORT) ||
    (a.extendedMessage ?? true) !== (b.extendedMessage ?? true) ||
    configuredFamilies(a).join() !== configuredFamilies(b).join() ||
    JSON.stringify(a.gracefulRestart ?? null) !== JSON.stringify(b.gracefulRestart ?? null) ||
    JSON.stringify(a.addPath ?? null) !== JSON.stringify(b.addPath ?? null) ||
    // The key and TTLs are fixed on a socket when it connects: new ones need a new connection.
    a.password !== b.password ||
    !!a.ttlSecurity !== !!b.ttlSecurity ||
    a.ebgpMultihop !== b.ebgpMultihop
  );
}
