// Timer negotiation (RFC 5880 §6.8.2, §6.8.4, §6.8.7). Pure arithmetic on microseconds.

/** RFC 5880 §6.8.3: until the session is Up, DesiredMinTxInterval is at least one second. */
export const SLOW_START_US = 1_000_000;

/**
 * The interval we send at: the slower of what we want to send and what the peer can receive
 * (§6.8.7). A peer's RequiredMinRx of 0 means "send me nothing": undefined.
 */
export function transmitInterval(localDesiredMinTx: number, remoteRequiredMinRx: number): number | undefined {
  if (remoteRequiredMinRx === 0) return undefined;
  return Math.max(localDesiredMinTx, remoteRequiredMinRx);
}

/**
 * One jittered period (§6.8.7): reduced by 0–25 %, i.e. in (75 %, 100 %] of the interval; with a
 * detect multiplier of 1, in [75 %, 90 %). `random` yields values in [0, 1).
 */
export function jitter(interval: number, detectMult: number, random: () => number): number {
  const r = random();
  return detectMult === 1 ? interval * (0.75 + 0.15 * r) : interval * (1 - 0.25 * r);
}

/**
 * The detection time in asynchronous mode (§6.8.4): the peer's multiplier times the slower of what
 * we agreed to receive and what the peer wants to send.
 */
export function detectionTime(remoteDetectMult: number, localRequiredMinRx: number, remoteDesiredMinTx: number): number {
  return remoteDetectMult * Math.max(localRequiredMinRx, remoteDesiredMinTx);
}
