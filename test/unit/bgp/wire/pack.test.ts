// packUpdates / packWithdrawals: every prefix comes back exactly once, in order, with the
// attributes given, and no message exceeds the session's maximum.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  decodeMessage, packUpdates, packWithdrawals, encodeEndOfRib, endOfRibFamily, MAX_MESSAGE_LEN, MAX_EXTENDED_MESSAGE_LEN,
  type CodecContext, type Family, type UpdateMessage,
} from '../../../../src/bgp/wire/index.js';
import { contexts, pathAttributes, prefixOf, v6addr } from './arbitraries.js';
import { ctx, fams } from './helpers.js';

const families: Family[] = ['ipv4-unicast', 'ipv6-unicast'];

function decodeAll(msgs: Buffer[], c: CodecContext): UpdateMessage[] {
  return msgs.map((m) => {
    expect(m.length).toBeLessThanOrEqual(c.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN);
    const u = decodeMessage(m, c) as UpdateMessage;
    expect(u.treatAsWithdraw).toBeUndefined();
    expect(u.discarded).toBeUndefined();
    return u;
  });
}

describe('packUpdates', () => {
  test.each(families)('%s: output decodes to exactly the input prefixes and attributes', (family) => {
    const arb = contexts.chain((c) => fc.tuple(
      fc.constant(c), pathAttributes(c), fc.option(v6addr, { nil: undefined }), v6addr,
      fc.array(prefixOf(family), { maxLength: family === 'ipv4-unicast' ? 3000 : 800 }),
    ));
    fc.assert(fc.property(arb, ([c, attrs, ll, nh6, prefixes]) => {
      const a = family === 'ipv4-unicast' ? attrs : { ...attrs, nextHop: nh6, ...(ll ? { linkLocalNextHop: ll } : {}) };
      const addPath = c.addPathSend.has(family);
      const ids = addPath ? prefixes.map((_, i) => i * 7 + 1) : undefined;
      const decoded = decodeAll(packUpdates(family, a, prefixes, c, ids), c);
      const got: string[] = [];
      const gotIds: number[] = [];
      for (const u of decoded) {
        const list = family === 'ipv4-unicast' ? u.nlri : u.attributes!.mpReach!.nlri;
        expect(list.prefixes.length).toBeGreaterThan(0);
        got.push(...list.prefixes);
        if (addPath) gotIds.push(...list.pathIds!);
        const { mpReach, ...rest } = u.attributes!;
        if (family === 'ipv4-unicast') {
          expect(mpReach).toBeUndefined();
          expect(rest).toEqual(attrs);
        } else {
          const { nextHop, ...noNh } = attrs;
          expect(rest).toEqual(noNh); // no NEXT_HOP attribute for IPv6
          expect(mpReach!.nextHop).toBe(nh6);
          expect(mpReach!.linkLocalNextHop).toBe(ll);
        }
      }
      expect(got).toEqual(prefixes);
      if (addPath) expect(gotIds).toEqual(ids);
    }), { numRuns: 60, seed: 99 });
  });

  test('fills messages: 1100 /24s in 4096-byte UPDATEs need 2 full messages, 1 with extended messages', () => {
    const prefixes = Array.from({ length: 1100 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const attrs = { origin: 0 as const, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.255.0.1' };
    const small = packUpdates('ipv4-unicast', attrs, prefixes, ctx());
    expect(small.length).toBe(2);
    expect(small[0].length).toBeGreaterThan(4096 - 4);
    expect(packUpdates('ipv4-unicast', attrs, prefixes, ctx({ extendedMessage: true })).length).toBe(1);
  });

  test('ignores attrs.mpReach/mpUnreach', () => {
    const attrs = { origin: 0 as const, asPath: [], nextHop: '10.0.0.1', mpUnreach: { afi: 2, safi: 1, withdrawn: { prefixes: ['2001:db8::/32'] } } };
    const [m] = packUpdates('ipv4-unicast', attrs, ['10.0.0.0/8'], ctx());
    expect((decodeMessage(m, ctx()) as UpdateMessage).attributes).toEqual({ origin: 0, asPath: [], nextHop: '10.0.0.1' });
  });

  test.each(['10.0.0.0/33', '010.0.0.0/8', '10.0.0.0/', '10.0.0.0', '1.2.3.4.5/32', ' 10.0.0.0/8', '10.0.0.256/32', '10..0.0/8', '10.0.0.0/08', '2001:db8::/32'])(
    'rejects IPv4 prefix text %p', (p) => {
      expect(() => packUpdates('ipv4-unicast', { origin: 0, asPath: [], nextHop: '10.0.0.1' }, [p], ctx())).toThrow(/invalid IPv4 prefix/);
    });
  test.each(['2001:db8::/129', '2001:db8:::/32', 'fe80::1/10', '10.0.0.0/8'])('rejects IPv6 prefix text %p', (p) => {
    expect(() => packUpdates('ipv6-unicast', { origin: 0, asPath: [], nextHop: '2001:db8::1' }, [p], ctx())).toThrow(/invalid (IPv6 )?prefix/);
  });

  test('bad input: clear errors', () => {
    const attrs = { origin: 0 as const, asPath: [], nextHop: '10.0.0.1' };
    expect(() => packUpdates('ipv4-unicast', attrs, ['10.0.0.1/8'], ctx())).toThrow(/host bits/);
    expect(() => packUpdates('ipv4-unicast', attrs, ['10.0.0/8'], ctx())).toThrow(/invalid IPv4 prefix/);
    expect(() => packUpdates('ipv4-unicast', { origin: 0 }, ['10.0.0.0/8'], ctx())).toThrow(/nextHop is required/);
    expect(() => packUpdates('ipv4-unicast', attrs, ['10.0.0.0/8'], ctx({ addPathSend: fams('ipv4-unicast') }))).toThrow(/path id/);
    expect(() => packUpdates('ipv6-unicast', attrs, ['2001:db8::/32'], ctx())).toThrow(/IPv6/);
    expect(packUpdates('ipv4-unicast', attrs, [], ctx())).toEqual([]);
  });
});

describe('packWithdrawals', () => {
  test.each(families)('%s: output decodes to exactly the withdrawn prefixes', (family) => {
    fc.assert(fc.property(contexts, fc.array(prefixOf(family), { maxLength: 2500 }), (c, prefixes) => {
      const addPath = c.addPathSend.has(family);
      const ids = addPath ? prefixes.map((_, i) => i) : undefined;
      const decoded = decodeAll(packWithdrawals(family, prefixes, c, ids), c);
      const got = decoded.flatMap((u) => (family === 'ipv4-unicast' ? u.withdrawn.prefixes : u.attributes!.mpUnreach!.withdrawn.prefixes));
      expect(got).toEqual(prefixes);
      for (const u of decoded) {
        if (family === 'ipv4-unicast') expect(u.attributes).toBeNull();
        expect(endOfRibFamily(u)).toBeNull();
      }
    }), { numRuns: 40, seed: 7 });
  });
});

describe('End-of-RIB', () => {
  test('ipv4: the empty UPDATE; ipv6: an empty MP_UNREACH_NLRI (RFC 4724 §2)', () => {
    expect(encodeEndOfRib('ipv4-unicast').toString('hex')).toBe('ff'.repeat(16) + '0017' + '02' + '0000' + '0000');
    expect(encodeEndOfRib('ipv6-unicast').toString('hex')).toBe('ff'.repeat(16) + '001d' + '02' + '0000' + '0006' + '800f03000201');
    for (const f of families) expect(endOfRibFamily(decodeMessage(encodeEndOfRib(f), ctx()) as UpdateMessage)).toBe(f);
  });
  test('ordinary UPDATEs are not End-of-RIB', () => {
    const [m] = packUpdates('ipv4-unicast', { origin: 0, asPath: [], nextHop: '10.0.0.1' }, ['10.0.0.0/8'], ctx());
    expect(endOfRibFamily(decodeMessage(m, ctx()) as UpdateMessage)).toBeNull();
  });
});
