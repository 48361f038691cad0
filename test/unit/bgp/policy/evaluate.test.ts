import { describe, expect, test } from '@jest/globals';
import { compilePolicy } from '../../../../src/bgp/policy/evaluate.js';
import { asPathText, compileAsPathRegex, originAs } from '../../../../src/bgp/policy/as-path-match.js';
import { parseCommunity, parseCommunityPattern, parseLargePattern } from '../../../../src/bgp/policy/communities.js';
import type { PolicyDefinition, PolicyRule } from '../../../../src/bgp/policy/types.js';
import type { RibPath } from '../../../../src/bgp/rib/index.js';
import { AS_SET, AS_SEQUENCE, type PathAttributes } from '../../../../src/bgp/wire/index.js';
import { attrs, ebgpPeer, ibgpPeer, LOCAL_ASN } from '../rib/fixtures.js';

const PEER = ebgpPeer('10.0.0.2', 65001, '10.0.0.2');
const IPEER = ibgpPeer('10.0.0.3', '10.0.0.3');
const C = (s: string) => parseCommunity(s);

const rule = (r: Partial<PolicyRule>): PolicyRule => ({ match: {}, set: {}, action: 'accept', ...r });
const pol = (rules: Partial<PolicyRule>[], def: 'accept' | 'reject' = 'reject'): PolicyDefinition => ({ default: def, rules: rules.map(rule) });
const imp = (d: PolicyDefinition, prefix: string, a: PathAttributes, peer = PEER) => compilePolicy('p', d).evaluate('import', peer, prefix, a);
/** Accepted (by a matching rule or the default)? */
const acc = (d: PolicyDefinition, prefix: string, a: PathAttributes = attrs(), peer = PEER) => imp(d, prefix, a, peer) !== null;
const path = (peerId: string | null, a: PathAttributes): RibPath => ({
  peerId, attrs: a, nextHop: a.nextHop ?? '', ebgp: true, peerAsn: 65009, peerRouterId: '1.1.1.1', peerAddress: peerId ?? '', receivedAt: 0,
});

describe('defaults and order', () => {
  test('no rule matches: the default decides', () => {
    expect(acc(pol([]), '10.0.0.0/8')).toBe(false);
    expect(acc(pol([], 'accept'), '10.0.0.0/8')).toBe(true);
    expect(acc(pol([{ match: { prefix: [{ prefix: '192.0.2.0/24' }] } }], 'reject'), '10.0.0.0/8')).toBe(false);
  });

  test('first match decides; later rules are not consulted', () => {
    const d = pol([
      { match: { prefix: [{ prefix: '10.0.0.0/8', le: 32 }] }, action: 'reject' },
      { match: { prefix: [{ prefix: '10.1.0.0/16' }] }, set: { localPref: 300 } },
      { set: { localPref: 50 } },
    ]);
    expect(imp(d, '10.1.0.0/16', attrs())).toBeNull();
    expect(imp(d, '192.0.2.0/24', attrs())?.localPref).toBe(50);
    const d2 = pol([{ match: { prefix: [{ prefix: '10.1.0.0/16' }] }, set: { localPref: 300 } }, { match: { prefix: [{ prefix: '10.0.0.0/8', le: 32 }] }, action: 'reject' }]);
    expect(imp(d2, '10.1.0.0/16', attrs())?.localPref).toBe(300);
    expect(imp(d2, '10.2.0.0/16', attrs())).toBeNull();
  });

  test('all conditions of one rule must hold (AND); entries of one list are alternatives (OR)', () => {
    const d = pol([{ match: { prefix: [{ prefix: '10.0.0.0/8', le: 32 }], community: ['65001:1', '65001:2'] } }]);
    expect(acc(d, '10.1.0.0/16', attrs({ communities: [C('65001:2')] }))).toBe(true);
    expect(acc(d, '10.1.0.0/16', attrs({ communities: [C('65001:3')] }))).toBe(false);
    expect(acc(d, '11.1.0.0/16', attrs({ communities: [C('65001:1')] }))).toBe(false);
  });

  test('accept without actions returns the very input object (the RIB keeps its shared path)', () => {
    const a = attrs();
    expect(imp(pol([{}]), '10.0.0.0/8', a)).toBe(a);
    expect(imp(pol([], 'accept'), '10.0.0.0/8', a)).toBe(a);
  });
});

describe('matches', () => {
  test('family', () => {
    const d = pol([{ match: { family: 'ipv6-unicast' } }]);
    expect(acc(d, '2001:db8::/32')).toBe(true);
    expect(acc(d, '10.0.0.0/8')).toBe(false);
  });

  test('community: exact, wildcard, well-known names', () => {
    const d = (c: string[]) => pol([{ match: { community: c } }]);
    const a = attrs({ communities: [C('65001:7'), C('no-export')] });
    expect(acc(d(['65001:7']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['65001:8']), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d(['65001:*']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['*:7']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['65002:*']), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d(['no-export']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['NO-ADVERTISE']), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d(['65001:7']), '10.0.0.0/8', attrs())).toBe(false);
  });

  test('large community: exact and wildcards', () => {
    const d = (c: string[]) => pol([{ match: { largeCommunity: c } }]);
    const a = attrs({ largeCommunities: [{ global: 4200000001, local1: 1, local2: 2 }] });
    expect(acc(d(['4200000001:1:2']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['4200000001:1:3']), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d(['4200000001:*:*']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['*:1:*']), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d(['*:2:*']), '10.0.0.0/8', a)).toBe(false);
  });

  test('AS path: regex (FRR _), contains, origin, length', () => {
    const d = (m: object) => pol([{ match: { asPath: m } }]);
    const a = attrs({ path: [65001, 65002, 65003] });
    expect(acc(d({ regex: '^65001_' }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ regex: '^65002_' }), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d({ regex: '_65002_' }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ regex: '_6500_' }), '10.0.0.0/8', a)).toBe(false); // not a substring match
    expect(acc(d({ regex: '_65003$' }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ regex: '^$' }), '10.0.0.0/8', attrs())).toBe(true);
    expect(acc(d({ contains: [65002] }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ contains: [65009] }), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d({ origin: [65003] }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ origin: [65001] }), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d({ maxLength: 3 }), '10.0.0.0/8', a)).toBe(true);
    expect(acc(d({ maxLength: 2 }), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d({ minLength: 4 }), '10.0.0.0/8', a)).toBe(false);
    expect(acc(d({ regex: '^65001_', maxLength: 2 }), '10.0.0.0/8', a)).toBe(false);
  });

  test('AS path text, sets and origin', () => {
    const p = [{ type: AS_SEQUENCE, asns: [1, 2] }, { type: AS_SET, asns: [3, 4] }];
    expect(asPathText(p)).toBe('1 2 {3,4}');
    expect(originAs(p)).toBeUndefined();
    expect(originAs([{ type: AS_SEQUENCE, asns: [1, 2] }])).toBe(2);
    expect(compileAsPathRegex('_3_').test(asPathText(p))).toBe(true);
    expect(() => compileAsPathRegex('(')).toThrow();
    expect(() => compileAsPathRegex('a')).toThrow(/digits/);
  });

  test('peer address and ASN (the session peer)', () => {
    const d = pol([{ match: { peerAddress: ['10.0.0.2'] } }]);
    expect(acc(d, '10.0.0.0/8')).toBe(true);
    expect(acc(d, '10.0.0.0/8', attrs(), IPEER)).toBe(false);
    const d6 = pol([{ match: { peerAddress: ['2001:DB8:0::2'] } }]);
    expect(acc(d6, '10.0.0.0/8', attrs(), ebgpPeer('2001:db8::2', 65001, '2001:db8::2'))).toBe(true);
    const da = pol([{ match: { peerAsn: [65001, 65005] } }]);
    expect(acc(da, '10.0.0.0/8')).toBe(true);
    expect(acc(da, '10.0.0.0/8', attrs(), IPEER)).toBe(false);
  });

  test('originated: only our own routes, only on export', () => {
    const p = compilePolicy('p', pol([{ match: { originated: true } }]));
    const a = attrs();
    expect(p.evaluate('export', PEER, '10.0.0.0/8', a, path(null, a))).toBe(a);
    expect(p.evaluate('export', PEER, '10.0.0.0/8', a, path('10.0.0.9', a))).toBeNull();
    expect(p.evaluate('import', PEER, '10.0.0.0/8', a)).toBeNull();
  });
});

describe('actions', () => {
  test('LOCAL_PREF and MED', () => {
    const out = imp(pol([{ set: { localPref: 250, med: 7 } }]), '10.0.0.0/8', attrs({ med: 1 }))!;
    expect(out).toMatchObject({ localPref: 250, med: 7 });
  });

  test('LOCAL_PREF is not sent to an eBGP peer, is to an iBGP one', () => {
    const p = compilePolicy('p', pol([{ set: { localPref: 250, med: 9 } }]));
    const a = attrs();
    const e = p.evaluate('export', PEER, '10.0.0.0/8', a, path(null, a))!;
    expect(e.localPref).toBeUndefined();
    expect(e.med).toBe(9);
    expect(p.evaluate('export', IPEER, '10.0.0.0/8', a, path(null, a))!.localPref).toBe(250);
  });

  test('communities: add (no duplicates), remove (patterns), replace, clear', () => {
    const base = attrs({ communities: [C('65001:1'), C('65001:2'), C('65002:1')] });
    const run = (set: object) => imp(pol([{ set: { communities: set } }]), '10.0.0.0/8', base)!.communities;
    expect(run({ add: ['65000:9', '65001:1'] })).toEqual([C('65001:1'), C('65001:2'), C('65002:1'), C('65000:9')]);
    expect(run({ remove: ['65001:*'] })).toEqual([C('65002:1')]);
    expect(run({ remove: ['*:1'] })).toEqual([C('65001:2')]);
    expect(run({ replace: ['no-export'] })).toEqual([C('no-export')]);
    expect(run({ replace: [] })).toBeUndefined();
    expect(run({ replace: ['65000:1'], remove: ['65000:1'], add: ['65000:2'] })).toEqual([C('65000:2')]);
    expect(base.communities).toHaveLength(3); // input untouched
  });

  test('large communities (RFC 8092): add, remove, replace', () => {
    const L = (g: number, a: number, b: number) => ({ global: g, local1: a, local2: b });
    const base = attrs({ largeCommunities: [L(65001, 1, 1), L(65001, 2, 2)] });
    const run = (set: object) => imp(pol([{ set: { largeCommunities: set } }]), '10.0.0.0/8', base)!.largeCommunities;
    expect(run({ add: ['65000:1:2', '65001:1:1'] })).toEqual([L(65001, 1, 1), L(65001, 2, 2), L(65000, 1, 2)]);
    expect(run({ remove: ['65001:2:*'] })).toEqual([L(65001, 1, 1)]);
    expect(run({ replace: ['4200000001:0:0'] })).toEqual([L(4200000001, 0, 0)]);
    expect(run({ remove: ['*:*:*'] })).toBeUndefined();
  });

  test('prepend: our ASN on export, the peer ASN on import', () => {
    const d = pol([{ set: { prepend: 2 } }]);
    const a = attrs({ path: [65001, 65003] });
    expect(imp(d, '10.0.0.0/8', a)!.asPath).toEqual([{ type: AS_SEQUENCE, asns: [65001, 65001, 65001, 65003] }]);
    const out = compilePolicy('p', d).evaluate('export', PEER, '10.0.0.0/8', attrs({ path: [LOCAL_ASN, 65003] }), path('x', a))!;
    expect(out.asPath).toEqual([{ type: AS_SEQUENCE, asns: [LOCAL_ASN, LOCAL_ASN, LOCAL_ASN, 65003] }]);
    expect(imp(d, '10.0.0.0/8', attrs())!.asPath).toEqual([{ type: AS_SEQUENCE, asns: [65001, 65001] }]);
    const set = attrs({ asPath: [{ type: AS_SET, asns: [1, 2] }] });
    expect(imp(d, '10.0.0.0/8', set)!.asPath).toEqual([{ type: AS_SEQUENCE, asns: [65001, 65001] }, { type: AS_SET, asns: [1, 2] }]);
  });

  test('next-hop-self on export, per family', () => {
    const p = compilePolicy('p', pol([{ set: { nextHopSelf: true } }]));
    const a = attrs({ nextHop: '10.9.9.9' });
    expect(p.evaluate('export', IPEER, '10.0.0.0/8', a, path('x', a))!.nextHop).toBe('192.0.2.1');
    expect(p.evaluate('export', IPEER, '2001:db8::/32', a, path('x', a))!.nextHop).toBe('2001:db8:ffff::1');
    expect(p.evaluate('import', IPEER, '10.0.0.0/8', a)!.nextHop).toBe('10.9.9.9');
  });

  test('reject ignores actions; results are frozen and shared per attribute set', () => {
    const p = compilePolicy('p', pol([{ set: { med: 5 } }]));
    const a = attrs();
    const x = p.evaluate('import', PEER, '10.0.0.0/8', a)!;
    const y = p.evaluate('import', PEER, '10.1.0.0/16', a)!;
    expect(x).toBe(y);
    expect(Object.isFrozen(x)).toBe(true);
    // another peer (different PeerInfo) gets its own result object
    expect(p.evaluate('import', IPEER, '10.0.0.0/8', a)).not.toBe(x);
  });
});

describe('community text', () => {
  test('values and errors', () => {
    expect(parseCommunity('65535:65281')).toBe(0xffffff01);
    expect(parseCommunity('no-export')).toBe(0xffffff01);
    expect(parseCommunity('blackhole')).toBe(0xffff029a);
    expect(() => parseCommunity('65536:1')).toThrow(/not a community/);
    expect(() => parseCommunity('1:2:3')).toThrow();
    expect(() => parseCommunityPattern('x:*')).toThrow(/pattern/);
    expect(() => parseLargePattern('1:2')).toThrow(/large/);
    expect(() => parseLargePattern('1:*:4294967296')).toThrow();
  });
});
