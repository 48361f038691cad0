import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ipv4KeyText, ipv4PrefixKey, PrefixTable } from '../../../../src/bgp/rib/prefix-table.js';

describe('ipv4PrefixKey', () => {
  test.each([
    ['10.0.0.0/8', 10 * 2 ** 24 * 64 + 8],
    ['0.0.0.0/0', 0],
    ['255.255.255.255/32', 0xffffffff * 64 + 32],
  ])('%s', (text, key) => {
    expect(ipv4PrefixKey(text)).toBe(key);
    expect(ipv4KeyText(key)).toBe(text);
  });
  test.each(['2001:db8::/32', '10.0.0/24', '10.0.0.0.0/24', '10.0.0.256/24', '10.0.0.0/33', '10.0.0.0', '10.0.0.0/', 'a.b.c.d/1', '1000.0.0.0/8'])(
    'not IPv4 prefix text: %s', (text) => expect(ipv4PrefixKey(text)).toBe(-1),
  );
});

describe('PrefixTable', () => {
  // A small address space forces collisions and long probe runs, so backward-shift deletion is exercised.
  const prefix = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 32 })).map(([a, b, l]) => `10.${a}.${b}.0/${l}`),
    fc.integer({ min: 0, max: 20 }).map((n) => `2001:db8:${n.toString(16)}::/48`),
  );
  const op = fc.oneof(
    fc.tuple(fc.constant('set' as const), prefix, fc.integer()),
    fc.tuple(fc.constant('delete' as const), prefix, fc.constant(0)),
  );

  test('behaves like a Map under any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const t = new PrefixTable<number>();
        const m = new Map<string, number>();
        for (const [kind, p, v] of ops) {
          if (kind === 'set') {
            t.set(p, v);
            m.set(p, v);
          } else expect(t.delete(p)).toBe(m.delete(p));
        }
        expect(t.size).toBe(m.size);
        for (const [p, v] of m) expect(t.get(p)).toBe(v);
        expect(new Map(t.entries())).toEqual(m);
        expect(t.valuesSnapshot().sort()).toEqual([...m.values()].sort());
        expect(t.get('10.200.0.0/24')).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  test('copying one table into another in slot order does not cluster (seeded hashing)', () => {
    const a = new PrefixTable<number>();
    for (let i = 0; i < 50_000; i++) a.set(`${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`, i);
    // With one hash for every table, the smaller growing copy receives keys in its own slot
    // order: one run of thousands of slots, and quadratic probing (measured: 1M took 390 s).
    const b = new PrefixTable<number>();
    let n = 0;
    let worst = 0;
    for (const [p, v] of a.entries()) {
      b.set(p, v);
      if (++n % 1000 === 0) worst = Math.max(worst, b.longestRun());
    }
    expect(b.size).toBe(50_000);
    expect(worst).toBeLessThan(500);
  });
});
