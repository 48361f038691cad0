// Per-peer BFD settings as a user writes them (milliseconds) and their checks. Pure.
import type { BfdTimers } from './session.js';

export interface BfdPeerConfig {
  /** Desired minimum transmit interval, ms (default 300). */
  minTx?: number;
  /** Required minimum receive interval, ms (default 300). */
  minRx?: number;
  /** Detect multiplier (default 3). */
  multiplier?: number;
}

export const BFD_DEFAULTS = { minTx: 300, minRx: 300, multiplier: 3 } as const;
/** Intervals are 32-bit microseconds on the wire; 60 s is plenty and keeps the arithmetic small. */
export const BFD_MAX_INTERVAL_MS = 60_000;

export function bfdTimers(c: BfdPeerConfig): BfdTimers {
  return {
    desiredMinTx: (c.minTx ?? BFD_DEFAULTS.minTx) * 1000,
    requiredMinRx: (c.minRx ?? BFD_DEFAULTS.minRx) * 1000,
    detectMult: c.multiplier ?? BFD_DEFAULTS.multiplier,
  };
}

/** Why this config cannot be used, naming the key, or undefined. */
export function bfdConfigProblem(c: BfdPeerConfig): { key: keyof BfdPeerConfig; problem: string } | undefined {
  for (const key of ['minTx', 'minRx'] as const) {
    const v = c[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > BFD_MAX_INTERVAL_MS)) {
      return { key, problem: `must be an integer from 1 to ${BFD_MAX_INTERVAL_MS} (milliseconds)` };
    }
  }
  const m = c.multiplier;
  if (m !== undefined && (!Number.isInteger(m) || m < 1 || m > 255)) return { key: 'multiplier', problem: 'must be an integer from 1 to 255' };
  return undefined;
}
