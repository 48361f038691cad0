// One BFD session in asynchronous mode (RFC 5880 §6.2, §6.8): the state machine, timer
// negotiation, slow start and the Poll/Final sequence. Pure: time comes from a Clock, packets
// leave through `send` and arrive through `receive` (already decoded and checked by packet.ts).
//
//                             +--+
//                             |  | UP, ADMIN DOWN, TIMER
//                             |  V
//                     DOWN  +------+  INIT
//              +------------|      |------------+
//              |            | DOWN |            |
//              |  +-------->|      |<--------+  |
//              |  |         +------+         |  |
//              |  |                          |  |
//              |  |               ADMIN DOWN,|  |
//              |  |ADMIN DOWN,          DOWN,|  |
//              |  |TIMER                TIMER|  |
//              V  |                          |  V
//            +------+                      +------+
//       +----|      |                      |      |----+
//   DOWN|    | INIT |--------------------->|  UP  |    |INIT, UP
//       +--->|      | INIT, UP             |      |<---+
//            +------+                      +------+
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../session/clock.js';
import { Diag, encodeControl, type BfdControl, type BfdState } from './packet.js';
import { detectionTime, jitter, SLOW_START_US, transmitInterval } from './timers.js';

/** Our intervals, in microseconds, and our detect multiplier. */
export interface BfdTimers {
  desiredMinTx: number;
  requiredMinRx: number;
  detectMult: number;
}

export interface BfdSessionOptions {
  clock: Clock;
  /** Our discriminator: nonzero and unique among our sessions. */
  localDiscriminator: number;
  /** Puts one encoded Control packet on the wire. */
  send: (packet: Buffer) => void;
  /** [0, 1); for the transmit jitter. */
  random?: () => number;
}

export interface BfdSessionEvents {
  /** `diag` is our diagnostic for the change; `remoteState` what the peer last said. */
  state: [state: BfdState, prev: BfdState, diag: number, remoteState: BfdState];
}

export interface BfdSessionView {
  state: BfdState;
  remoteState: BfdState;
  diag: number;
  remoteDiag: number;
  localDiscriminator: number;
  remoteDiscriminator: number;
  /** Negotiated transmit interval before jitter (ms); undefined while the peer asks for nothing. */
  txIntervalMs?: number;
  /** Current detection time (ms); undefined before the peer was heard. */
  detectionTimeMs?: number;
  pollActive: boolean;
  packetsIn: number;
  packetsOut: number;
}

export class BfdSession extends EventEmitter<BfdSessionEvents> {
  private st: BfdState = 'Down';
  private remoteSt: BfdState = 'Down';
  private diag = 0;
  private remoteDiag = 0;
  private remoteDiscr = 0;
  /** bfd.RemoteMinRxInterval starts at 1 µs (§6.8.1): we may send before hearing the peer. */
  private remoteMinRx = 1;
  private remoteDesiredMinTx = 0;
  private remoteDetectMult = 0;
  /** What our packets advertise (bfd.DesiredMinTxInterval, bfd.RequiredMinRxInterval). */
  private desiredMinTx: number;
  private requiredMinRx: number;
  /** What our own timing uses; differs from the advertised values while a Poll Sequence runs (§6.8.3). */
  private txBasis: number;
  private rxBasis: number;
  private polling = false;
  private running = false;
  private txTimer: TimerHandle | undefined;
  private detectTimer: TimerHandle | undefined;
  private packetsIn = 0;
  private packetsOut = 0;
  private readonly random: () => number;

  constructor(private timers: BfdTimers, private readonly opts: BfdSessionOptions) {
    super();
    if (opts.localDiscriminator === 0) throw new Error('BFD: local discriminator must be nonzero');
    this.random = opts.random ?? Math.random;
    this.desiredMinTx = Math.max(timers.desiredMinTx, SLOW_START_US);
    this.requiredMinRx = timers.requiredMinRx;
    this.txBasis = this.desiredMinTx;
    this.rxBasis = this.requiredMinRx;
  }

  get state(): BfdState { return this.st; }
  get localDiscriminator(): number { return this.opts.localDiscriminator; }
  get pollActive(): boolean { return this.polling; }

  view(): BfdSessionView {
    const tx = transmitInterval(this.txBasis, this.remoteMinRx);
    return {
      state: this.st,
      remoteState: this.remoteSt,
      diag: this.diag,
      remoteDiag: this.remoteDiag,
      localDiscriminator: this.opts.localDiscriminator,
      remoteDiscriminator: this.remoteDiscr,
      txIntervalMs: tx === undefined ? undefined : tx / 1000,
      detectionTimeMs: this.remoteDetectMult ? this.detectionTimeUs() / 1000 : undefined,
      pollActive: this.polling,
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
    };
  }

  /** Starts sending (Down, slow start). */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.st === 'AdminDown') this.setState('Down', Diag.None);
    // The first packet goes out after a random part of one interval, so many sessions started
    // together do not send in lockstep.
    this.scheduleTx(this.random() * this.currentTxMs());
  }

  /** AdminDown: one last packet tells the peer (diag 7), then silence. */
  stop(): void {
    if (!this.running) return;
    this.clearTimers();
    this.setState('AdminDown', Diag.AdministrativelyDown);
    this.transmit(false);
    this.running = false;
  }

  /** New configured timers; while Up a change runs a Poll Sequence (§6.8.3). */
  setTimers(t: BfdTimers): void {
    this.timers = t;
    this.refreshAdvertised();
  }

  /** A Control packet for this session that passed decodeControl's checks (§6.8.6). */
  receive(p: BfdControl): void {
    if (!this.running) return;
    this.packetsIn++;
    if (p.final && this.polling) {
      // The peer has seen our new intervals: our own timing may follow them now.
      this.polling = false;
      this.txBasis = this.desiredMinTx;
      this.rxBasis = this.requiredMinRx;
    }
    this.remoteDiscr = p.myDiscriminator;
    this.remoteSt = p.state;
    this.remoteDiag = p.diag;
    this.remoteDesiredMinTx = p.desiredMinTx;
    this.remoteDetectMult = p.detectMult;
    const remoteMinRxChanged = p.requiredMinRx !== this.remoteMinRx;
    this.remoteMinRx = p.requiredMinRx;

    if (this.st !== 'AdminDown') {
      if (p.state === 'AdminDown') {
        if (this.st !== 'Down') this.setState('Down', Diag.NeighborSignaledSessionDown);
      } else if (this.st === 'Down') {
        if (p.state === 'Down') this.setState('Init', Diag.None);
        else if (p.state === 'Init') this.setState('Up', Diag.None);
      } else if (this.st === 'Init') {
        if (p.state === 'Init' || p.state === 'Up') this.setState('Up', Diag.None);
      } else if (p.state === 'Down') {
        this.setState('Down', Diag.NeighborSignaledSessionDown);
      }
      this.armDetection();
    }
    if (remoteMinRxChanged) this.scheduleTx();
    // Answer a Poll at once, outside the schedule, with F set and P clear (§6.8.6, §6.5).
    if (p.poll) this.transmit(true);
  }

  // ---- internals ----

  private setState(next: BfdState, diag: number): void {
    const prev = this.st;
    if (prev === next) return;
    this.st = next;
    this.diag = next === 'Up' ? Diag.None : diag;
    if (next !== 'Up') this.polling = false;
    this.refreshAdvertised();
    this.emit('state', next, prev, this.diag, this.remoteSt);
  }

  /** Slow start outside Up (§6.8.3), configured values in Up; a change while Up starts a Poll. */
  private refreshAdvertised(): void {
    const wantTx = this.st === 'Up' ? this.timers.desiredMinTx : Math.max(this.timers.desiredMinTx, SLOW_START_US);
    const wantRx = this.timers.requiredMinRx;
    if (wantTx === this.desiredMinTx && wantRx === this.requiredMinRx) return;
    const txIncreased = wantTx > this.desiredMinTx;
    const rxReduced = wantRx < this.requiredMinRx;
    this.desiredMinTx = wantTx;
    this.requiredMinRx = wantRx;
    if (this.st === 'Up') {
      // A slower transmit rate waits for the peer's Final (its detection time still assumes the
      // old one); a faster one may start now. Likewise our detection time keeps the old, larger
      // receive interval until the peer confirms it sends faster.
      if (!txIncreased) this.txBasis = wantTx;
      if (!rxReduced) this.rxBasis = wantRx;
      this.polling = true;
    } else {
      this.txBasis = wantTx;
      this.rxBasis = wantRx;
    }
    if (this.running && this.st !== 'AdminDown') {
      this.scheduleTx();
      if (this.detectTimer !== undefined) this.armDetection();
    }
  }

  private detectionTimeUs(): number {
    return detectionTime(this.remoteDetectMult, this.rxBasis, this.remoteDesiredMinTx);
  }

  private armDetection(): void {
    if (this.detectTimer !== undefined) this.opts.clock.clearTimeout(this.detectTimer);
    this.detectTimer = this.opts.clock.setTimeout(() => this.onDetectionExpired(), this.detectionTimeUs() / 1000);
  }

  private onDetectionExpired(): void {
    this.detectTimer = undefined;
    this.remoteDiscr = 0;
    this.remoteSt = 'Down';
    this.remoteMinRx = 1;
    if (this.st === 'Init' || this.st === 'Up') this.setState('Down', Diag.ControlDetectionTimeExpired);
    this.scheduleTx();
  }

  private currentTxMs(): number {
    return (transmitInterval(this.txBasis, this.remoteMinRx) ?? 0) / 1000;
  }

  /** (Re)starts periodic transmission; a peer that asks for nothing (RequiredMinRx 0) gets nothing. */
  private scheduleTx(firstDelayMs?: number): void {
    if (this.txTimer !== undefined) this.opts.clock.clearTimeout(this.txTimer);
    this.txTimer = undefined;
    if (!this.running || this.st === 'AdminDown') return;
    const interval = transmitInterval(this.txBasis, this.remoteMinRx);
    if (interval === undefined) return;
    const delay = firstDelayMs ?? jitter(interval, this.timers.detectMult, this.random) / 1000;
    this.txTimer = this.opts.clock.setTimeout(() => {
      this.txTimer = undefined;
      this.transmit(false);
      this.scheduleTx();
    }, delay);
  }

  private transmit(final: boolean): void {
    this.packetsOut++;
    this.opts.send(encodeControl({
      diag: this.diag,
      state: this.st,
      poll: !final && this.polling,
      final,
      detectMult: this.timers.detectMult,
      myDiscriminator: this.opts.localDiscriminator,
      yourDiscriminator: this.remoteDiscr,
      desiredMinTx: this.desiredMinTx,
      requiredMinRx: this.requiredMinRx,
      requiredMinEchoRx: 0,
    }));
  }

  private clearTimers(): void {
    if (this.txTimer !== undefined) this.opts.clock.clearTimeout(this.txTimer);
    if (this.detectTimer !== undefined) this.opts.clock.clearTimeout(this.detectTimer);
    this.txTimer = undefined;
    this.detectTimer = undefined;
  }
}
