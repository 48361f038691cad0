// Publishes a status document somewhere slow (the Node object) without ever holding up routing:
// written when it changed, at most once per `minIntervalMs` (5 s: a flapping session must not
// hammer the API server), and at least every `maxIntervalMs` (60 s, with a fresh `updatedAt`, so a
// reader can tell a live agent from a dead one). A failed write is logged and retried on a later
// tick; nothing waits for it.
import type { Logger } from '../util/log.js';

export interface StatusPublisherOptions {
  /** The current document; cheap, called every tick. */
  compute: () => object | undefined;
  write: (text: string) => Promise<void>;
  log: Logger;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  tickMs?: number;
  now?: () => number;
}

export class StatusPublisher {
  private lastContent?: string;
  private lastWriteAt = -Infinity;
  private inFlight = false;
  private timer?: NodeJS.Timeout;
  private failures = 0;

  constructor(private readonly opts: StatusPublisherOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One decision: write now or not. Exposed for tests with a fake clock. */
  async tick(): Promise<boolean> {
    if (this.inFlight) return false;
    let doc: object | undefined;
    try {
      doc = this.opts.compute();
    } catch (err) {
      this.opts.log.warn('status: could not compute the node status', { err: (err as Error).message });
      return false;
    }
    if (doc === undefined) return false;
    const now = (this.opts.now ?? Date.now)();
    const content = JSON.stringify(doc);
    const since = now - this.lastWriteAt;
    const changed = content !== this.lastContent;
    if (!(changed && since >= (this.opts.minIntervalMs ?? 5000)) && since < (this.opts.maxIntervalMs ?? 60_000)) return false;
    this.inFlight = true;
    // Count the attempt as a write, so a failing API is retried at the same bounded rate.
    this.lastWriteAt = now;
    try {
      await this.opts.write(JSON.stringify({ ...doc, updatedAt: new Date(now).toISOString() }));
      this.lastContent = content;
      if (this.failures > 0) this.opts.log.info('status: node status written again', { after: this.failures });
      this.failures = 0;
      return true;
    } catch (err) {
      if (this.failures++ === 0) this.opts.log.warn('status: could not write the node status; will retry', { err: (err as Error).message });
      return false;
    } finally {
      this.inFlight = false;
    }
  }
}
