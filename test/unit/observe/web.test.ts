// The dashboard's pure helpers, run as the same plain ES modules the browser loads.
import { describe, expect, test } from '@jest/globals';
import { formatTick, niceCeil } from '../../../web/chart.js';
import { formatDuration, num } from '../../../web/dom.js';

describe('chart axis', () => {
  test('niceCeil rounds up to 1, 2, 5 × 10^n', () => {
    expect([0, -3, 0.3, 1, 1.5, 3, 7, 10, 63, 101, 999_999].map(niceCeil)).toEqual([1, 1, 0.5, 1, 2, 5, 10, 10, 100, 200, 1_000_000]);
  });
  test('formatTick keeps labels short', () => {
    expect([0, 2.5, 25, 1500, 1_000_000, 1_250_000].map(formatTick)).toEqual(['0', '2.5', '25', '1.5k', '1M', '1.3M']);
  });
});

test('dashboard number and duration formats', () => {
  expect(formatDuration(3661)).toBe('01:01:01');
  expect(formatDuration(90061)).toBe('1d 01:01:01');
  expect(num(1234567)).toBe('1,234,567');
  expect(num(undefined)).toBe('–');
});
