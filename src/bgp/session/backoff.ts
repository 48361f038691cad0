// DampPeerOscillations (RFC 4271 §8.1.1): how long a session waits in Idle before trying again.
// Each flap that follows too soon after the previous one doubles the wait; a session that stayed
// Established for `stableMs` starts over from `initialMs`. Jitter spreads the retries of many
// peers that went down together (one ToR reboot takes every node's session down at once).

export interface BackoffPolicy {
  /** First IdleHoldTime, ms. */
  initialMs: number;
  /** Cap, ms. */
  maxMs: number;
  multiplier: number;
  /** Fraction (0..1) taken off at random: the wait is in [d*(1-jitter), d]. */
  jitter: number;
  /** An Established period at least this long forgets earlier flaps. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1_000,
  maxMs: 120_000,
  multiplier: 2,
  jitter: 0.25,
  stableMs: 60_000,
};

export class Backoff {
  private count = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Records one failure and returns the IdleHoldTime (ms) to wait before the next attempt.
   * `establishedFor` is how long the session that just failed had been Established (undefined
   * when it never got there).
   */
  next(establishedFor?: number): number {
    if (establishedFor !== undefined && establishedFor >= this.policy.stableMs) this.count = 0;
    const p = this.policy;
    const base = Math.min(p.maxMs, p.initialMs * Math.pow(p.multiplier, this.count));
    this.count++;
    return Math.round(base * (1 - p.jitter * this.random()));
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
  }
}

/** RFC 4271 §10: jitter ConnectRetry and Keepalive by a factor in [0.75, 1.0]. */
export function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (1 - 0.25 * random()));
}
