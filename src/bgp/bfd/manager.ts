// The BFD sessions of one speaker: one BfdSession per peer, the sockets they share, and the
// demultiplexing of received packets (RFC 5880 §6.3: by Your Discriminator when the peer knows
// ours, else by source address). Emits each session's state changes keyed by peer address.
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { systemClock, type Clock } from '../session/clock.js';
import { silentLogger, type Logger } from '../session/log.js';
import { canonicalAddress } from '../speaker/peer-config.js';
import { bfdTimers, type BfdPeerConfig } from './config.js';
import { decodeControl, type BfdState } from './packet.js';
import { BfdSession, type BfdSessionView } from './session.js';
import { BfdReceiver, BfdSender } from './transport.js';

export interface BfdSocketFactory {
  receiver(family: 4 | 6, local: string | undefined, onPacket: (buf: Buffer, from: string) => void): Promise<{ close(): void }>;
  sender(family: 4 | 6, local: string | undefined, peer: string): Promise<{ send(packet: Buffer): void; close(): void }>;
}

export const udpSockets: BfdSocketFactory = {
  receiver: (family, local, onPacket) => BfdReceiver.open(family, local, onPacket),
  sender: (family, local, peer) => BfdSender.open(family, local, peer),
};

export interface BfdManagerEvents {
  state: [peer: string, state: BfdState, prev: BfdState, diag: number, remoteState: BfdState];
}

export interface BfdPeerView extends BfdSessionView {
  peer: string;
  local?: string;
  config: Required<BfdPeerConfig>;
}

interface Entry {
  peer: string;
  local?: string;
  config: BfdPeerConfig;
  session: BfdSession;
  sender?: { send(packet: Buffer): void; close(): void };
  rxKey: string;
  closed: boolean;
}

interface SharedReceiver {
  ready: Promise<{ close(): void } | undefined>;
  users: number;
}

export class BfdManager extends EventEmitter<BfdManagerEvents> {
  private readonly sessions = new Map<string, Entry>();
  private readonly byDiscriminator = new Map<number, Entry>();
  private readonly receivers = new Map<string, SharedReceiver>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sockets: BfdSocketFactory;
  private readonly random: () => number;
  /** Packets dropped by the §6.8.6 rules or for want of a session. */
  discarded = 0;

  constructor(opts: { clock?: Clock; log?: Logger; sockets?: BfdSocketFactory; random?: () => number } = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.sockets = opts.sockets ?? udpSockets;
    this.random = opts.random ?? Math.random;
  }

  has(peer: string): boolean {
    return this.sessions.has(canonicalAddress(peer));
  }

  /** Starts a session toward `peer` (sending from `local`, or the system's choice). */
  add(peer: string, local: string | undefined, config: BfdPeerConfig): void {
    const key = canonicalAddress(peer);
    if (this.sessions.has(key)) throw new Error(`BFD session for ${key} exists`);
    const family = isIP(key) === 6 ? 6 : 4;
    const rxKey = `${family}|${local ?? '*'}`;
    const entry: Entry = { peer: key, local, config, rxKey, closed: false } as Entry;
    entry.session = new BfdSession(bfdTimers(config), {
      clock: this.clock,
      random: this.random,
      localDiscriminator: this.newDiscriminator(),
      send: (pkt) => entry.sender?.send(pkt),
    });
    entry.session.on('state', (state, prev, diag, remoteState) => {
      this.log.info('bfd session state', { peer: key, state, prev, diag, remoteState });
      this.emit('state', key, state, prev, diag, remoteState);
    });
    this.sessions.set(key, entry);
    this.byDiscriminator.set(entry.session.localDiscriminator, entry);
    void this.open(entry, family);
  }

  /** Applies a changed config: new timers live (Poll Sequence while Up); a new local address restarts. */
  update(peer: string, local: string | undefined, config: BfdPeerConfig): void {
    const key = canonicalAddress(peer);
    const entry = this.sessions.get(key);
    if (!entry) return this.add(peer, local, config);
    if (entry.local !== local) {
      this.remove(key);
      this.add(peer, local, config);
      return;
    }
    entry.config = config;
    entry.session.setTimers(bfdTimers(config));
  }

  /** AdminDown to the peer, then the session and its sockets go. */
  remove(peer: string): void {
    const key = canonicalAddress(peer);
    const entry = this.sessions.get(key);
    if (!entry) return;
    this.sessions.delete(key);
    this.byDiscriminator.delete(entry.session.localDiscriminator);
    entry.closed = true;
    entry.session.removeAllListeners();
    entry.session.stop();
    entry.sender?.close();
    this.releaseReceiver(entry.rxKey);
  }

  close(): void {
    for (const key of [...this.sessions.keys()]) this.remove(key);
  }

  view(peer: string): BfdPeerView | undefined {
    const e = this.sessions.get(canonicalAddress(peer));
    if (!e) return undefined;
    const t = bfdTimers(e.config);
    return { peer: e.peer, local: e.local, config: { minTx: t.desiredMinTx / 1000, minRx: t.requiredMinRx / 1000, multiplier: t.detectMult }, ...e.session.view() };
  }

  views(): BfdPeerView[] {
    return [...this.sessions.keys()].map((k) => this.view(k)!);
  }

  /** A datagram from `from` on one of our receivers. */
  deliver(buf: Buffer, from: string): void {
    const d = decodeControl(buf);
    const src = canonicalAddress(from);
    if (!d.ok) {
      this.discarded++;
      this.log.debug('bfd packet discarded', { from: src, reason: d.reason });
      return;
    }
    const p = d.packet;
    const entry = p.yourDiscriminator !== 0 ? this.byDiscriminator.get(p.yourDiscriminator) : this.sessions.get(src);
    if (!entry || entry.peer !== src) {
      this.discarded++;
      this.log.debug('bfd packet discarded', { from: src, reason: 'no session', yourDiscriminator: p.yourDiscriminator });
      return;
    }
    entry.session.receive(p);
  }

  // ---- internals ----

  private async open(entry: Entry, family: 4 | 6): Promise<void> {
    try {
      await this.acquireReceiver(entry.rxKey, family, entry.local);
      const sender = await this.sockets.sender(family, entry.local, entry.peer);
      if (entry.closed) {
        sender.close();
        return;
      }
      entry.sender = sender;
      entry.session.start();
    } catch (err) {
      this.log.error('bfd: cannot open sockets; the session stays Down', { peer: entry.peer, local: entry.local, err: (err as Error).message });
    }
  }

  private acquireReceiver(rxKey: string, family: 4 | 6, local: string | undefined): Promise<unknown> {
    let r = this.receivers.get(rxKey);
    if (!r) {
      const ready = this.sockets.receiver(family, local, (buf, from) => this.deliver(buf, from));
      r = { ready: ready.catch(() => undefined), users: 0 };
      this.receivers.set(rxKey, r);
      r.users++;
      return ready.catch((err: unknown) => {
        if (this.receivers.get(rxKey) === r) this.receivers.delete(rxKey);
        throw err;
      });
    }
    r.users++;
    return r.ready;
  }

  private releaseReceiver(rxKey: string): void {
    const r = this.receivers.get(rxKey);
    if (!r || --r.users > 0) return;
    this.receivers.delete(rxKey);
    void r.ready.then((rx) => rx?.close());
  }

  private newDiscriminator(): number {
    let d = (Math.floor(this.random() * 0xffffffff) + 1) >>> 0;
    while (d === 0 || this.byDiscriminator.has(d)) d = (d + 1) >>> 0;
    return d;
  }
}
