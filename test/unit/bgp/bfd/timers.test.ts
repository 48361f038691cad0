// Timer negotiation math (RFC 5880 §6.8.2–§6.8.4, §6.8.7) and the config checks.
import { describe, expect, test } from '@jest/globals';
import { bfdConfigProblem, bfdTimers, detectionTime, jitter, transmitInterval } from '../../../../src/bgp/bfd/index.js';

describe('BFD timer negotiation', () => {
  test('transmit interval: the slower of our desired TX and the peer\'s required RX', () => {
    expect(transmitInterval(300_000, 100_000)).toBe(300_000);
    expect(transmitInterval(100_000, 500_000)).toBe(500_000);
    expect(transmitInterval(1_000_000, 1)).toBe(1_000_000);
    expect(transmitInterval(300_000, 0)).toBeUndefined(); // the peer wants nothing
  });

  test('detection time: peer\'s multiplier × max(our required RX, peer\'s desired TX)', () => {
    expect(detectionTime(3, 300_000, 300_000)).toBe(900_000);
    expect(detectionTime(3, 300_000, 1_000_000)).toBe(3_000_000); // peer still in slow start
    expect(detectionTime(5, 500_000, 100_000)).toBe(2_500_000);
  });

  test('jitter: within (75 %, 100 %] for multiplier > 1 and [75 %, 90 %) for multiplier 1', () => {
    expect(jitter(1000, 3, () => 0)).toBe(1000);
    expect(jitter(1000, 3, () => 0.999999)).toBeGreaterThan(750);
    expect(jitter(1000, 1, () => 0)).toBe(750);
    expect(jitter(1000, 1, () => 0.999999)).toBeLessThan(900);
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 10_000; i++) {
      const a = jitter(300, 3, rnd);
      expect(a).toBeGreaterThan(225);
      expect(a).toBeLessThanOrEqual(300);
      const b = jitter(300, 1, rnd);
      expect(b).toBeGreaterThanOrEqual(225);
      expect(b).toBeLessThan(270);
    }
  });

  test('config in milliseconds becomes wire microseconds; defaults 300/300/3', () => {
    expect(bfdTimers({})).toEqual({ desiredMinTx: 300_000, requiredMinRx: 300_000, detectMult: 3 });
    expect(bfdTimers({ minTx: 50, minRx: 100, multiplier: 5 })).toEqual({ desiredMinTx: 50_000, requiredMinRx: 100_000, detectMult: 5 });
    expect(bfdConfigProblem({ minTx: 0 })?.key).toBe('minTx');
    expect(bfdConfigProblem({ minRx: 1.5 })?.key).toBe('minRx');
    expect(bfdConfigProblem({ multiplier: 256 })?.key).toBe('multiplier');
    expect(bfdConfigProblem({ minTx: 10, minRx: 60_000, multiplier: 1 })).toBeUndefined();
  });
});
