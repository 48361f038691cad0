// One named BGP timer (ConnectRetry, Hold, Keepalive, IdleHold) on top of a Clock.
import type { Clock, TimerHandle } from './clock.js';

export class Timer {
  private handle: TimerHandle | undefined;
  private armed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: () => void,
  ) {}

  /** (Re)starts the timer. A value of 0 seconds means "never expires" (RFC 4271 hold time 0). */
  start(ms: number): void {
    this.stop();
    if (ms <= 0) return;
    this.armed = true;
    this.handle = this.clock.setTimeout(() => {
      this.armed = false;
      this.handle = undefined;
      this.onExpire();
    }, ms);
  }

  stop(): void {
    if (this.armed) this.clock.clearTimeout(this.handle);
    this.armed = false;
    this.handle = undefined;
  }

  get running(): boolean {
    return this.armed;
  }
}
