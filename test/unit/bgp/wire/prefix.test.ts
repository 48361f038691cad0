import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  parsePrefix, normalizePrefix, prefixContains, prefixFamily, familyOf, familyAfiSafi,
  formatIpv6, parseIpv6, parseIpv4, formatIpv4, normalizeAddress,
} from '../../../../src/bgp/wire/index.js';

describe('parsePrefix', () => {
  test.each([
    ['10.0.0.0/8', 1, 8, [10, 0, 0, 0]],
    ['0.0.0.0/0', 1, 0, [0, 0, 0, 0]],
    ['192.168.1.7/32', 1, 32, [192, 168, 1, 7]],
    ['2001:db8::/32', 2, 32, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['::/0', 2, 0, new Array(16).fill(0)],
  ])('%s', (text, afi, len, bytes) => {
    const p = parsePrefix(text);
    expect(p.afi).toBe(afi);
    expect(p.len).toBe(len);
    expect(Array.from(p.bytes)).toEqual(bytes);
  });

  test.each([
    ['10.0.0.0', /missing/],
    ['10.0.0.0/33', /length/],
    ['10.0.0.0/-1', /length/],
    ['10.0.0.0/08', /length/],
    ['10.0.0/8', /IPv4/],
    ['10.0.0.256/32', /IPv4/],
    ['010.0.0.0/8', /IPv4/],
    ['10.0.0.0.0/8', /IPv4/],
    ['a.b.c.d/8', /IPv4/],
    ['10.1.0.0/8', /host bits set \(did you mean 10.0.0.0\/8\?\)/],
    ['2001:db8::1/32', /host bits/],
    ['2001:db8::/129', /length/],
    ['2001:db8:::/32', /IPv6/],
    ['1::2::3/64', /IPv6/],
    ['12345::/16', /IPv6/],
    ['1:2:3:4:5:6:7:8:9/128', /IPv6/],
    ['1:2:3:4:5:6:7/128', /IPv6/],
    ['', /missing/],
    ['/8', /IPv4/],
  ])('rejects %s', (text, msg) => {
    expect(() => parsePrefix(text)).toThrow(msg);
  });
});

describe('normalizePrefix', () => {
  test.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['10.1.2.255/25', '10.1.2.128/25'],
    ['2001:0DB8:0000:0000::1/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'],
    ['2001:0:0:1:0:0:0:1/128', '2001:0:0:1::1/128'],
    ['::ffff:1.2.3.4/128', '::ffff:102:304/128'],
    ['fe80::1/10', 'fe80::/10'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['1:0:3:4:5:6:7:8/128', '1:0:3:4:5:6:7:8/128'],
  ])('%s → %s', (input, out) => {
    expect(normalizePrefix(input)).toBe(out);
  });
  test('throws on malformed', () => {
    expect(() => normalizePrefix('nonsense')).toThrow(/invalid prefix/);
  });

  test('IPv6 formatting matches WHATWG URL serialization (RFC 5952 compression)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.nat(7), { maxLength: 6 }), (b, zeros) => {
        for (const z of zeros) { b[2 * z] = 0; b[2 * z + 1] = 0; }
        const text = formatIpv6(b);
        const viaUrl = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        expect(text).toBe(viaUrl);
        expect(Array.from(parseIpv6(text))).toEqual(Array.from(b));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  test('IPv6 parsing accepts every spelling of an address (full, leading zeros, upper case, dotted tail)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const g = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
        const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
        const dotted = g.slice(0, 6).map((x) => x.toString(16)).join(':') + ':' + Array.from(b.subarray(12)).join('.');
        for (const text of [full, full.toUpperCase(), dotted, formatIpv6(b)]) {
          expect(Array.from(parseIpv6(text))).toEqual(Array.from(b));
        }
      }),
      { seed: 11, numRuns: 1000 },
    );
  });

  test('IPv4 text round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(Array.from(parseIpv4(formatIpv4(b)))).toEqual(Array.from(b));
      }),
      { seed: 7 },
    );
  });

  test('normalizeAddress', () => {
    expect(normalizeAddress('FE80:0::0001')).toBe('fe80::1');
    expect(normalizeAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(() => normalizeAddress('10.0.0')).toThrow(/invalid IPv4/);
  });
});

describe('prefixContains', () => {
  test.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/8', '11.0.0.0/16', false],
    ['10.0.0.0/9', '10.128.0.0/16', false],
    ['10.128.0.0/9', '10.200.0.0/16', true],
    ['0.0.0.0/0', '1.2.3.4/32', true],
    ['0.0.0.0/0', '::/0', false],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8::/32', '2001:db9::/48', false],
    ['::/0', '2001:db8::/32', true],
  ])('%s ⊇ %s = %s', (o, i, r) => {
    expect(prefixContains(o, i)).toBe(r);
  });
  test('throws on malformed', () => {
    expect(() => prefixContains('10.0.0.0/8', 'x')).toThrow(/invalid prefix/);
  });
});

describe('families', () => {
  test('familyOf', () => {
    expect(familyOf(1, 1)).toBe('ipv4-unicast');
    expect(familyOf(2, 1)).toBe('ipv6-unicast');
    expect(familyOf(1, 2)).toBeNull();
    expect(familyOf(25, 70)).toBeNull();
  });
  test('familyAfiSafi is the inverse of familyOf', () => {
    for (const f of ['ipv4-unicast', 'ipv6-unicast'] as const) {
      const { afi, safi } = familyAfiSafi(f);
      expect(familyOf(afi, safi)).toBe(f);
    }
  });
  test('prefixFamily', () => {
    expect(prefixFamily('10.0.0.0/8')).toBe('ipv4-unicast');
    expect(prefixFamily('2001:db8::/32')).toBe('ipv6-unicast');
  });
});
