import { describe, expect, test } from '@jest/globals';
import { checkPrefixEntry, compilePrefixList, parsePrefixEntryText, prefixWords } from '../../../../src/bgp/policy/prefix-list.js';
import type { PrefixEntry } from '../../../../src/bgp/policy/types.js';
import { normalizePrefix, prefixContains, prefixFamily } from '../../../../src/bgp/wire/index.js';

const matches = (entries: PrefixEntry[], prefix: string): boolean => compilePrefixList(entries)(prefixWords(prefix)!);

describe('prefix lists (FRR ge/le semantics)', () => {
  test.each([
    // exact: only the prefix itself
    [{ prefix: '10.0.0.0/8' }, '10.0.0.0/8', true],
    [{ prefix: '10.0.0.0/8' }, '10.1.0.0/16', false],
    [{ prefix: '10.0.0.0/8' }, '11.0.0.0/8', false],
    // le only: [len, le]
    [{ prefix: '10.0.0.0/8', le: 24 }, '10.0.0.0/8', true],
    [{ prefix: '10.0.0.0/8', le: 24 }, '10.9.8.0/24', true],
    [{ prefix: '10.0.0.0/8', le: 24 }, '10.9.8.0/25', false],
    [{ prefix: '10.0.0.0/8', le: 24 }, '11.9.8.0/24', false],
    // ge only: [ge, 32]
    [{ prefix: '10.0.0.0/8', ge: 16 }, '10.0.0.0/8', false],
    [{ prefix: '10.0.0.0/8', ge: 16 }, '10.0.0.0/15', false],
    [{ prefix: '10.0.0.0/8', ge: 16 }, '10.0.0.0/16', true],
    [{ prefix: '10.0.0.0/8', ge: 16 }, '10.1.2.3/32', true],
    // ge and le: [ge, le]
    [{ prefix: '10.0.0.0/8', ge: 16, le: 24 }, '10.1.0.0/16', true],
    [{ prefix: '10.0.0.0/8', ge: 16, le: 24 }, '10.1.1.0/24', true],
    [{ prefix: '10.0.0.0/8', ge: 16, le: 24 }, '10.1.1.0/25', false],
    [{ prefix: '10.0.0.0/8', ge: 24, le: 24 }, '10.1.1.0/24', true],
    [{ prefix: '10.0.0.0/8', ge: 24, le: 24 }, '10.1.0.0/23', false],
    // unaligned lengths: bits beyond a byte boundary count
    [{ prefix: '192.168.0.0/13', le: 32 }, '192.175.255.0/24', true],
    [{ prefix: '192.168.0.0/13', le: 32 }, '192.176.0.0/24', false],
    // 0/0 le 32: everything IPv4; 0/0 alone: only the default route
    [{ prefix: '0.0.0.0/0', le: 32 }, '203.0.113.7/32', true],
    [{ prefix: '0.0.0.0/0' }, '0.0.0.0/0', true],
    [{ prefix: '0.0.0.0/0' }, '10.0.0.0/8', false],
    // IPv6, including a word boundary (/32, /33) and the last word
    [{ prefix: '2001:db8::/32', le: 48 }, '2001:db8:1::/48', true],
    [{ prefix: '2001:db8::/32', le: 48 }, '2001:db9::/48', false],
    [{ prefix: '2001:db8::/32', le: 48 }, '2001:db8:1::/64', false],
    [{ prefix: '2001:db8:8000::/33', ge: 40 }, '2001:db8:8100::/40', true],
    [{ prefix: '2001:db8:8000::/33', ge: 40 }, '2001:db8:100::/40', false],
    [{ prefix: '2001:db8::1/128' }, '2001:db8::1/128', true],
    [{ prefix: '2001:db8::/127' }, '2001:db8::1/128', false],
    [{ prefix: '2001:db8::/127', ge: 128 }, '2001:db8::1/128', true],
    // families never cross
    [{ prefix: '0.0.0.0/0', le: 32 }, '::/0', false],
    [{ prefix: '::/0', le: 128 }, '10.0.0.0/8', false],
  ] as [PrefixEntry, string, boolean][])('%j vs %s → %s', (entry, prefix, want) => {
    expect(matches([entry], prefix)).toBe(want);
  });

  test('any entry of the list may match', () => {
    const list = [{ prefix: '10.0.0.0/8' }, { prefix: '2001:db8::/32', le: 64 }, { prefix: '192.0.2.0/24' }];
    expect(matches(list, '192.0.2.0/24')).toBe(true);
    expect(matches(list, '2001:db8:5::/64')).toBe(true);
    expect(matches(list, '198.51.100.0/24')).toBe(false);
  });

  test('FRR text form', () => {
    expect(parsePrefixEntryText('10.0.0.0/8')).toEqual({ prefix: '10.0.0.0/8' });
    expect(parsePrefixEntryText('10.0.0.0/8 le 24')).toEqual({ prefix: '10.0.0.0/8', le: 24 });
    expect(parsePrefixEntryText(' 10.0.0.0/8  ge 16 le 24 ')).toEqual({ prefix: '10.0.0.0/8', ge: 16, le: 24 });
    expect(() => parsePrefixEntryText('10.0.0.0/8 le')).toThrow(/PREFIX \[ge N\] \[le N\]/);
    expect(() => parsePrefixEntryText('10.0.0.0/8 lt 4')).toThrow();
    expect(() => parsePrefixEntryText('10.0.0.0/8 le 9 le 10')).toThrow();
  });

  test('entry checks: range and host bits', () => {
    expect(() => checkPrefixEntry({ prefix: '10.0.0.0/8', le: 33 })).toThrow(/le 33 must be 8..32/);
    expect(() => checkPrefixEntry({ prefix: '10.0.0.0/16', ge: 8 })).toThrow(/ge 8 must be 16..32/);
    expect(() => checkPrefixEntry({ prefix: '10.0.0.0/8', ge: 24, le: 16 })).toThrow(/greater than le/);
    expect(() => checkPrefixEntry({ prefix: '10.0.0.1/8' })).toThrow(/host bits/);
    expect(() => checkPrefixEntry({ prefix: '2001:db8::/32', le: 129 })).toThrow(/32..128/);
    expect(() => checkPrefixEntry({ prefix: '10.0.0.0/8', ge: 8, le: 8 })).not.toThrow();
  });
});

describe('compiled matcher agrees with a naive reference', () => {
  // Seeded LCG: the same 20,000 cases every run.
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const v4 = (len: number): string => normalizePrefix(`${rnd(4) + 10}.${rnd(4)}.${rnd(256)}.${rnd(256)}/${len}`);
  const v6 = (len: number): string => normalizePrefix(`2001:db8:${rnd(4).toString(16)}:${rnd(3).toString(16)}::${rnd(65536).toString(16)}:${rnd(4).toString(16)}/${len}`);
  const reference = (e: PrefixEntry, c: string): boolean => {
    const entryLen = Number(e.prefix.split('/')[1]);
    const candLen = Number(c.split('/')[1]);
    const max = c.includes(':') ? 128 : 32;
    const lo = e.ge ?? entryLen;
    const hi = e.le ?? (e.ge !== undefined ? max : entryLen);
    return prefixFamily(e.prefix) === prefixFamily(c) && candLen >= lo && candLen <= hi && prefixContains(e.prefix, c);
  };

  test('20,000 random entry/candidate pairs, IPv4 and IPv6', () => {
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      const six = rnd(2) === 1;
      const max = six ? 128 : 32;
      const len = rnd(max + 1);
      const e: PrefixEntry = { prefix: six ? v6(len) : v4(len) };
      const mode = rnd(4);
      if (mode & 1) e.ge = len + rnd(max - len + 1);
      if (mode & 2) e.le = (e.ge ?? len) + rnd(max - (e.ge ?? len) + 1);
      // candidates near the entry: same address bits, another length
      const cand = rnd(3) === 0 ? (rnd(2) ? v6(rnd(129)) : v4(rnd(33))) : normalizePrefix(`${e.prefix.split('/')[0]}/${rnd(max + 1)}`);
      const want = reference(e, cand);
      if (want) hits++;
      expect([e, cand, matches([e], cand)]).toEqual([e, cand, want]);
    }
    expect(hits).toBeGreaterThan(1000); // the cases exercise both outcomes
  });
});
