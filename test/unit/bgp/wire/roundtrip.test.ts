// Properties: decode(encode(m)) deep-equals m for every message type, over random valid messages
// and session contexts (4-octet and 2-octet AS, eBGP/iBGP, ADD-PATH, extended messages).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  decodeMessage, encodeOpen, encodeUpdate, encodeNotification, encodeRouteRefresh, encodeKeepalive,
  type CodecContext, type UpdateMessage,
} from '../../../../src/bgp/wire/index.js';
import { capabilities, contexts, nlriList, pathAttributes, unicastV4, v6addr, anyV4, stripUndefined } from './arbitraries.js';

const RUNS = { numRuns: 300, seed: 20260601 };

function updates(c: CodecContext): fc.Arbitrary<Omit<UpdateMessage, 'type'>> {
  const v4ap = c.addPathReceive.has('ipv4-unicast');
  const v6ap = c.addPathReceive.has('ipv6-unicast');
  const mpReach = fc.record({
    afi: fc.constant(2), safi: fc.constant(1), nextHop: v6addr, linkLocalNextHop: fc.option(v6addr, { nil: undefined }),
    nlri: nlriList('ipv6-unicast', v6ap),
  }).map(stripUndefined);
  const mpUnreach = fc.record({ afi: fc.constant(2), safi: fc.constant(1), withdrawn: nlriList('ipv6-unicast', v6ap) });
  const attrs = fc.tuple(pathAttributes(c), fc.option(mpReach, { nil: undefined }), fc.option(mpUnreach, { nil: undefined }))
    .map(([a, r, u]) => stripUndefined({ ...a, mpReach: r, mpUnreach: u }));
  return fc.record({
    withdrawn: nlriList('ipv4-unicast', v4ap),
    attributes: fc.option(attrs, { nil: null }),
    nlri: nlriList('ipv4-unicast', v4ap),
  }).map((u) => (u.attributes === null ? { ...u, nlri: v4ap ? { prefixes: [], pathIds: [] } : { prefixes: [] } } : u));
}

function withoutKey(m: unknown): unknown {
  const { attrKey, ...rest } = m as UpdateMessage;
  return rest;
}

describe('round trips', () => {
  test('UPDATE: v4 + v6 + ADD-PATH + 2-octet AS with AS4_PATH', () => {
    fc.assert(fc.property(contexts.chain((c) => fc.tuple(fc.constant(c), updates(c))), ([c, u]) => {
      const bytes = encodeUpdate(u, c);
      const d = decodeMessage(bytes, c) as UpdateMessage;
      expect(d.treatAsWithdraw).toBeUndefined();
      expect(d.discarded).toBeUndefined();
      expect(withoutKey(d)).toEqual({ type: 2, ...u });
      if (u.attributes !== null) expect(typeof d.attrKey).toBe('string');
    }), RUNS);
  });

  test('UPDATE attrKey: equal for equal attributes with different NLRI, different for different next hops', () => {
    fc.assert(fc.property(contexts.chain((c) => fc.tuple(fc.constant(c), pathAttributes(c), v6addr, v6addr)), ([c, a, nh1, nh2]) => {
      const mk = (nh: string, p: string) => encodeUpdate({
        withdrawn: { prefixes: [] }, nlri: { prefixes: [] },
        attributes: { ...a, mpReach: { afi: 2, safi: 1, nextHop: nh, nlri: c.addPathSend.has('ipv6-unicast') ? { prefixes: [p], pathIds: [1] } : { prefixes: [p] } } },
      }, c);
      const k = (b: Buffer) => (decodeMessage(b, c) as UpdateMessage).attrKey;
      expect(k(mk(nh1, '2001:db8::/32'))).toBe(k(mk(nh1, '2001:db9::/32')));
      if (nh1 !== nh2) expect(k(mk(nh1, '2001:db8::/32'))).not.toBe(k(mk(nh2, '2001:db8::/32')));
    }), { numRuns: 100, seed: 5 });
  });

  test('OPEN', () => {
    const open = fc.record({
      version: fc.constant(4), myAsn: fc.integer({ min: 1, max: 65535 }),
      holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 65535 })),
      routerId: unicastV4, capabilities,
    });
    fc.assert(fc.property(open, (o) => {
      expect(decodeMessage(encodeOpen(o), { asn4: true, extendedMessage: false, addPathReceive: new Set(), addPathSend: new Set(), ebgp: true })).toEqual({ type: 1, ...o });
    }), RUNS);
  });

  test('NOTIFICATION', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 }), (code, subcode, data) => {
      const c = { asn4: true, extendedMessage: false, addPathReceive: new Set<never>(), addPathSend: new Set<never>(), ebgp: true };
      expect(decodeMessage(encodeNotification(code, subcode, data), c)).toEqual({ type: 3, code, subcode, data });
    }), RUNS);
  });

  test('ROUTE-REFRESH and KEEPALIVE', () => {
    const c = { asn4: true, extendedMessage: false, addPathReceive: new Set<never>(), addPathSend: new Set<never>(), ebgp: true };
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (afi, safi, subtype) => {
      expect(decodeMessage(encodeRouteRefresh(afi, safi, subtype), c)).toEqual({ type: 5, afi, safi, subtype });
    }), RUNS);
    expect(decodeMessage(encodeKeepalive(), c)).toEqual({ type: 4 });
  });

  test('2-octet AS: AS_TRANS on the wire, true path and aggregator restored (RFC 6793)', () => {
    const c = { asn4: false, extendedMessage: false, addPathReceive: new Set<never>(), addPathSend: new Set<never>(), ebgp: true };
    const attrs = { origin: 0 as const, asPath: [{ type: 2, asns: [65001, 4200000001, 65002] }], nextHop: '10.0.0.1', aggregator: { asn: 4200000009, address: '10.0.0.9' } };
    const b = encodeUpdate({ withdrawn: { prefixes: [] }, attributes: attrs, nlri: { prefixes: ['10.0.0.0/8'] } }, c);
    const h = b.toString('hex');
    expect(h).toContain('40020802 03 fde9 5ba0 fdea'.replace(/ /g, '')); // AS_PATH with AS_TRANS (23456)
    expect(h).toContain('c0070 6 5ba0 0a000009'.replace(/ /g, '')); // AGGREGATOR AS_TRANS
    expect(h).toContain('c0110e 0203 0000fde9 fa56ea01 0000fdea'.replace(/ /g, '')); // AS4_PATH
    expect(h).toContain('c01208 fa56ea09 0a000009'.replace(/ /g, '')); // AS4_AGGREGATOR
    expect((decodeMessage(b, c) as UpdateMessage).attributes).toEqual(attrs);
  });
  void anyV4;
});
