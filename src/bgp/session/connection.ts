// One TCP connection of a session: socket plumbing, message framing and the per-connection timers.
// A session may briefly own two of these (ours and the peer's) until collision detection picks one,
// which is why Hold and Keepalive live here and ConnectRetry/IdleHold live on the session.
import type net from 'node:net';
import type { Clock } from './clock.js';
import type { MessageFramer } from './codec.js';
import { Timer } from './timer.js';
import type { Negotiated } from './types.js';

/** 'OpenDelay': TCP is up but DelayOpen holds our OPEN back (the session shows Connect/Active). */
export type ConnPhase = 'Connecting' | 'OpenDelay' | 'OpenSent' | 'OpenConfirm' | 'Established';
export type ConnDirection = 'in' | 'out';

export interface ConnectionHandler {
  connected(c: Connection): void;
  /** One complete message; the handler decodes it. Exceptions are the handler's to catch. */
  message(c: Connection, raw: Buffer): void;
  /** The framer rejected the byte stream (a BgpError from MessageReader). */
  framingError(c: Connection, err: unknown): void;
  /** The socket closed or failed without us asking. */
  lost(c: Connection, err?: Error): void;
  drain(c: Connection): void;
  holdExpired(c: Connection): void;
  keepaliveDue(c: Connection): void;
  openDelayExpired(c: Connection): void;
}

/** How long a closing socket may take to flush its NOTIFICATION before we cut it. */
const CLOSE_GRACE_MS = 3000;

let nextId = 1;

export class Connection {
  readonly id = nextId++;
  phase: ConnPhase;
  private readonly hold: Timer;
  private readonly keepalive: Timer;
  /** DelayOpenTimer (RFC 4271 §8): how long we wait for the peer's OPEN before sending ours. */
  readonly openDelay: Timer;
  private holdMs = 0;
  private keepaliveMs = 0;
  /** Clock time of the last bytes received / sent: the timers check these instead of being restarted per message. */
  private lastRx = 0;
  private lastTx = 0;
  /** Set once the peer's OPEN was accepted on this connection. */
  negotiated?: Negotiated;
  private closing = false;
  private closedPromise: Promise<void>;

  constructor(
    readonly socket: net.Socket,
    readonly dir: ConnDirection,
    private readonly reader: MessageFramer,
    private readonly clock: Clock,
    private readonly handler: ConnectionHandler,
  ) {
    this.phase = 'Connecting';
    this.hold = new Timer(clock, () => this.onHoldTimer());
    this.keepalive = new Timer(clock, () => this.onKeepaliveTimer());
    this.openDelay = new Timer(clock, () => !this.closing && handler.openDelayExpired(this));
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (err) => this.onLost(err));
    socket.on('close', () => this.onLost());
    socket.on('end', () => this.onLost());
    socket.on('drain', () => !this.closing && handler.drain(this));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    if (dir === 'out') socket.once('connect', () => !this.closing && handler.connected(this));
    socket.setNoDelay?.(true);
    // The listener accepts with pauseOnConnect so no byte is read before a session owns the socket.
    socket.resume?.();
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** (Re)starts the Hold timer; 0 disables it. Traffic received meanwhile keeps it from expiring. */
  armHold(seconds: number): void {
    this.holdMs = seconds * 1000;
    this.lastRx = this.clock.now();
    this.hold.start(this.holdMs);
  }

  /** (Re)starts the Keepalive timer; 0 disables it. Anything we send postpones the next KEEPALIVE. */
  armKeepalive(seconds: number): void {
    this.keepaliveMs = seconds * 1000;
    this.keepalive.start(this.keepaliveMs);
  }

  // Re-arming a timer for every message would cost a timer allocation per UPDATE during a table
  // transfer; instead each expiry checks how long the line has really been quiet.
  private onHoldTimer(): void {
    if (this.closing) return;
    const quiet = this.clock.now() - this.lastRx;
    if (quiet < this.holdMs) this.hold.start(this.holdMs - quiet);
    else this.handler.holdExpired(this);
  }

  private onKeepaliveTimer(): void {
    if (this.closing) return;
    const quiet = this.clock.now() - this.lastTx;
    if (quiet < this.keepaliveMs) this.keepalive.start(this.keepaliveMs - quiet);
    else this.handler.keepaliveDue(this);
  }

  setMaxLength(n: number): void {
    this.reader.setMaxLength(n);
  }

  write(buf: Buffer): boolean {
    if (this.closing) return false;
    this.lastTx = this.clock.now();
    return this.socket.write(buf);
  }

  /** Writes many messages in one syscall where the kernel allows it. */
  writeMany(bufs: Buffer[]): boolean {
    if (this.closing) return false;
    this.lastTx = this.clock.now();
    const s = this.socket;
    s.cork?.();
    let ok = true;
    for (const b of bufs) ok = s.write(b);
    s.uncork?.();
    return ok;
  }

  /**
   * Stops the timers and reading, sends `last` (a NOTIFICATION) if given, and closes. Resolves when
   * the socket is gone. Never calls the handler's `lost`.
   */
  close(last?: Buffer): Promise<void> {
    if (this.closing) return this.closedPromise;
    this.closing = true;
    this.hold.stop();
    this.keepalive.stop();
    this.openDelay.stop();
    const s = this.socket;
    if (s.destroyed) return Promise.resolve();
    if (last && this.phase !== 'Connecting') {
      const grace = this.clock.setTimeout(() => s.destroy(), CLOSE_GRACE_MS);
      s.once('close', () => this.clock.clearTimeout(grace));
      s.end(last, () => s.destroy());
    } else {
      s.destroy();
    }
    return this.closedPromise;
  }

  endpoints(): { localAddress: string; localPort: number; remoteAddress: string; remotePort: number } {
    const s = this.socket;
    return {
      localAddress: unmap(s.localAddress ?? ''),
      localPort: s.localPort ?? 0,
      remoteAddress: unmap(s.remoteAddress ?? ''),
      remotePort: s.remotePort ?? 0,
    };
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.lastRx = this.clock.now();
    try {
      this.reader.push(chunk);
      // Many messages per chunk: drain them all in this one callback.
      for (let m = this.reader.next(); m !== null; m = this.closing ? null : this.reader.next()) {
        this.handler.message(this, m);
        if (this.closing) break;
      }
    } catch (err) {
      if (!this.closing) this.handler.framingError(this, err);
    }
  }

  private onLost(err?: Error): void {
    if (this.closing) return;
    this.closing = true;
    this.hold.stop();
    this.keepalive.stop();
    this.openDelay.stop();
    this.socket.destroy();
    this.handler.lost(this, err);
  }
}

/** "::ffff:127.0.0.1" → "127.0.0.1": a dual-stack listener reports IPv4 peers in mapped form. */
function unmap(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
