import { describe, expect, test } from '@jest/globals';
import { Rib, type OutboundBatch, type PeerInfo } from '../../../../src/bgp/rib/index.js';
import { AS_SEQUENCE, decodeMessage, endOfRibFamily, type PathAttributes, type UpdateMessage } from '../../../../src/bgp/wire/index.js';
import { announce, announce6, attrs, codec, ebgpPeer, ibgpPeer, LOCAL_ASN, ROUTER_ID, withdraw } from './fixtures.js';

const NO_EXPORT = 0xffffff01;
const NO_ADVERTISE = 0xffffff02;

/** A RIB with peers a (eBGP 65001), b (eBGP 65002), i1/i2 (iBGP), all established for IPv4+IPv6. */
function setup(extra: Partial<ConstructorParameters<typeof Rib>[0]> = {}, peers: PeerInfo[] = []): Rib {
  const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, ...extra });
  const all = [ebgpPeer('a', 65001, '192.0.2.10'), ebgpPeer('b', 65002, '192.0.2.20'), ibgpPeer('i1', '10.0.0.1'), ibgpPeer('i2', '10.0.0.2'), ...peers];
  for (const p of all) {
    r.addPeer(p);
    r.peerUp(p.id, { families: ['ipv4-unicast', 'ipv6-unicast'], codec, routerId: p.address });
    r.takeOutboundBatches(p.id); // initial (empty) dump + EoR
  }
  return r;
}

const announced = (bs: OutboundBatch[]): Map<string, PathAttributes> => {
  const m = new Map<string, PathAttributes>();
  for (const b of bs) if (b.kind === 'announce') for (const p of b.prefixes) m.set(p, b.attrs);
  return m;
};
const withdrawn = (bs: OutboundBatch[]): string[] => bs.flatMap((b) => (b.kind === 'withdraw' ? b.prefixes : []));

describe('initial dump and End-of-RIB', () => {
  test('peerUp queues the whole table then one EoR per negotiated family', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
    r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] }));
    r.peerUp('b', { families: ['ipv4-unicast'], codec, routerId: '192.0.2.20' });
    expect(r.hasOutbound('b')).toBe(true);
    const bs = r.takeOutboundBatches('b');
    expect([...announced(bs).keys()].sort()).toEqual(['10.1.0.0/24', '10.2.0.0/24']); // IPv6 not negotiated
    expect(bs.filter((b) => b.kind === 'announce')).toHaveLength(1); // one attribute set: one batch
    expect(bs[bs.length - 1]).toEqual({ kind: 'eor', family: 'ipv4-unicast' });
    expect(r.hasOutbound('b')).toBe(false);
    expect(r.takeOutboundBatches('b')).toEqual([]);
    expect(r.peerCounters('b').advertised).toBe(2);
  });

  test('an empty table still gets its End-of-RIB', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
    r.peerUp('b', { families: ['ipv4-unicast', 'ipv6-unicast'], codec, routerId: '192.0.2.20' });
    expect(r.takeOutboundBatches('b')).toEqual([{ kind: 'eor', family: 'ipv4-unicast' }, { kind: 'eor', family: 'ipv6-unicast' }]);
  });

  test('takeOutbound packs real UPDATE messages the codec decodes, EoR last', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
    r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
    const prefixes = Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    r.applyUpdate('a', announce(prefixes, attrs({ path: [65001] })));
    r.peerUp('b', { families: ['ipv4-unicast'], codec, routerId: '192.0.2.20' });
    const first = r.takeOutbound('b', 1);
    expect(first).toHaveLength(1);
    const msgs = [...first, ...r.takeOutbound('b')];
    const ups = msgs.map((m) => decodeMessage(m, codec) as UpdateMessage);
    expect(endOfRibFamily(ups[ups.length - 1])).toBe('ipv4-unicast');
    const got = ups.slice(0, -1).flatMap((u) => u.nlri.prefixes);
    expect(got.sort()).toEqual(prefixes.slice().sort());
    expect(ups.length).toBeLessThan(6); // packed: ~900 NLRI per 4096-byte UPDATE
    expect(ups[0].attributes!.nextHop).toBe('192.0.2.1');
    expect(ups[0].attributes!.asPath).toEqual([{ type: AS_SEQUENCE, asns: [LOCAL_ASN, 65001] }]);
  });
});

describe('configuration changes', () => {
  test('updatePeer re-evaluates what the peer has: next-hop-self switched on', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(announced(r.takeOutboundBatches('i1')).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.10');
    expect(announced(r.takeOutboundBatches('b')).size).toBe(1);
    r.updatePeer(ibgpPeer('i1', '10.0.0.1', { nextHopSelf: true }));
    const bs = r.takeOutboundBatches('i1');
    expect(announced(bs).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.1');
    expect(bs.some((b) => b.kind === 'eor')).toBe(false); // EoR only once per session
    expect(r.takeOutboundBatches('b')).toEqual([]);
  });

  test('updatePeer making a peer a route-reflector client re-evaluates the other peers', () => {
    const r = setup();
    r.applyUpdate('i2', announce(['10.1.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.2' })));
    expect(r.takeOutboundBatches('i1')).toEqual([]); // iBGP to iBGP: not without reflection
    r.updatePeer(ibgpPeer('i2', '10.0.0.2', { rrClient: true }));
    expect(announced(r.takeOutboundBatches('i1')).get('10.1.0.0/24')!.originatorId).toBe('10.0.0.2');
  });

  test('updatePeer with the same info re-evaluates exports (export policy changed)', () => {
    let tag = 1;
    const r = setup({ exportFilter: (_peer, _prefix, _path, a) => ({ ...a, communities: [tag] }) });
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(announced(r.takeOutboundBatches('b')).get('10.1.0.0/24')!.communities).toEqual([1]);
    tag = 2;
    r.updatePeer(ebgpPeer('b', 65002, '192.0.2.20'));
    expect(announced(r.takeOutboundBatches('b')).get('10.1.0.0/24')!.communities).toEqual([2]);
    r.updatePeer(ebgpPeer('b', 65002, '192.0.2.20'));
    expect(r.takeOutboundBatches('b')).toEqual([]); // nothing changed: nothing sent
  });

  test('ADD-PATH send negotiated, one path per prefix: each goes out with its first path id, 1', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
    r.addPeer(ibgpPeer('i1', '10.0.0.1'));
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    const ctx = { ...codec, ebgp: false, addPathSend: new Set(['ipv4-unicast'] as const) };
    r.peerUp('i1', { families: ['ipv4-unicast'], codec: ctx, routerId: '10.0.0.1' });
    const [msg] = r.takeOutbound('i1', 1);
    const u = decodeMessage(msg, { ...ctx, addPathReceive: new Set(['ipv4-unicast'] as const) }) as UpdateMessage;
    expect(u.nlri.prefixes.sort()).toEqual(['10.1.0.0/24', '10.2.0.0/24']);
    expect(u.nlri.pathIds).toEqual([1, 1]);
  });
});

describe('Adj-RIB-Out diffing', () => {
  test('no duplicate sends when the outbound attributes do not change', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 5 })));
    expect(announced(r.takeOutboundBatches('b')).has('10.1.0.0/24')).toBe(true);
    // MED changes, but MED of learned routes is not sent to eBGP: nothing new for b; i1 gets it.
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 9 })));
    expect(r.takeOutboundBatches('b')).toEqual([]);
    expect(announced(r.takeOutboundBatches('i1')).get('10.1.0.0/24')!.med).toBe(9);
    // Same attributes again.
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 9 })));
    expect(r.takeOutboundBatches('i1')).toEqual([]);
  });

  test('withdraw when the best disappears; nothing when it never went out', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.takeOutboundBatches('b');
    r.applyUpdate('a', withdraw(['10.1.0.0/24']));
    expect(withdrawn(r.takeOutboundBatches('b'))).toEqual(['10.1.0.0/24']);
    expect(r.peerCounters('b').advertised).toBe(0);
    // Flap between two pulls: nothing at all.
    r.applyUpdate('a', announce(['10.3.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', withdraw(['10.3.0.0/24']));
    expect(r.takeOutboundBatches('b')).toEqual([]);
  });

  test('prefix removed then re-learned from the peer itself: the old advertisement is withdrawn', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(announced(r.takeOutboundBatches('b')).size).toBe(1);
    r.applyUpdate('a', withdraw(['10.1.0.0/24']));
    r.applyUpdate('b', announce(['10.1.0.0/24'], attrs({ path: [65002], nextHop: '192.0.2.20' })));
    expect(withdrawn(r.takeOutboundBatches('b'))).toEqual(['10.1.0.0/24']);
    expect(r.peerCounters('b').advertised).toBe(0);
    expect(r.peerCounters('a').advertised).toBe(0); // a already had nothing... until it pulls
    expect(announced(r.takeOutboundBatches('a')).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.1');
    expect(r.peerCounters('a').advertised).toBe(1);
  });

  test('a new best replaces the advertisement (implicitly, no withdraw)', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001, 7, 8] })));
    r.takeOutboundBatches('i1');
    r.applyUpdate('b', announce(['10.1.0.0/24'], attrs({ path: [65002], nextHop: '192.0.2.20' })));
    const bs = r.takeOutboundBatches('i1');
    expect(withdrawn(bs)).toEqual([]);
    expect(announced(bs).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.20');
  });

  test('changes are grouped by outbound attribute set', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce(['10.3.0.0/24'], attrs({ path: [65001], communities: [1] })));
    r.applyUpdate('a', announce(['10.4.0.0/24'], attrs({ path: [65001] }), { attrKey: 'other bytes, same content' }));
    const bs = r.takeOutboundBatches('b').filter((b) => b.kind === 'announce');
    expect(bs.map((b) => (b.kind === 'announce' ? b.prefixes.sort() : [])).sort()).toEqual([['10.1.0.0/24', '10.2.0.0/24', '10.4.0.0/24'], ['10.3.0.0/24']]);
  });

  test('peerDown of the best source withdraws from others or re-advertises the next best', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('b', announce(['10.1.0.0/24'], attrs({ path: [65002, 1], nextHop: '192.0.2.20' })));
    r.takeOutboundBatches('i1');
    r.peerDown('a');
    const bs = r.takeOutboundBatches('i1');
    expect(withdrawn(bs)).toEqual(['10.2.0.0/24']);
    expect(announced(bs).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.20');
  });

  test('route refresh (peerUp again while up) re-sends everything, keeps pending withdrawals, no EoR', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.takeOutboundBatches('b');
    r.applyUpdate('a', withdraw(['10.2.0.0/24'])); // not yet pulled by b
    r.peerUp('b', { families: ['ipv4-unicast', 'ipv6-unicast'], codec, routerId: '192.0.2.20' });
    const bs = r.takeOutboundBatches('b');
    expect([...announced(bs).keys()]).toEqual(['10.1.0.0/24']);
    expect(withdrawn(bs)).toEqual(['10.2.0.0/24']);
    expect(bs.some((x) => x.kind === 'eor')).toBe(false);
    expect(r.peerCounters('b').advertised).toBe(1);
    expect(r.takeOutboundBatches('b')).toEqual([]);
  });

  test('a peer that goes down and up gets a fresh full dump', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.takeOutboundBatches('b');
    r.peerDown('b');
    expect(r.takeOutboundBatches('b')).toEqual([]);
    r.peerUp('b', { families: ['ipv4-unicast'], codec, routerId: '192.0.2.20' });
    expect(announced(r.takeOutboundBatches('b')).has('10.1.0.0/24')).toBe(true);
  });
});

describe('export rules', () => {
  test('split horizon: never back to the peer it came from', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(r.takeOutboundBatches('a')).toEqual([]);
    expect(announced(r.takeOutboundBatches('b')).size).toBe(1);
  });

  test('iBGP-learned routes are not sent to iBGP peers, but are sent to eBGP peers', () => {
    const r = setup();
    r.applyUpdate('i1', announce(['10.1.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.1', localPref: 200 })));
    expect(r.takeOutboundBatches('i2')).toEqual([]);
    expect(announced(r.takeOutboundBatches('a')).has('10.1.0.0/24')).toBe(true);
  });

  test('route reflection: client routes reach non-clients with ORIGINATOR_ID and CLUSTER_LIST', () => {
    const r = setup({ clusterId: '9.9.9.9' }, [ibgpPeer('c', '10.0.0.3', { rrClient: true, routerId: '10.0.0.3' })]);
    r.applyUpdate('c', announce(['10.1.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.3' })));
    const out = announced(r.takeOutboundBatches('i1')).get('10.1.0.0/24')!;
    expect(out.originatorId).toBe('10.0.0.3');
    expect(out.clusterList).toEqual(['9.9.9.9']);
    expect(out.nextHop).toBe('10.0.0.3');
    // Non-client routes reach clients too; to eBGP the RR attributes are stripped.
    r.applyUpdate('i1', announce(['10.2.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.1' })));
    expect(announced(r.takeOutboundBatches('c')).get('10.2.0.0/24')!.originatorId).toBe('10.0.0.1');
    const ext = announced(r.takeOutboundBatches('a')).get('10.1.0.0/24')!;
    expect(ext.originatorId).toBeUndefined();
    expect(ext.clusterList).toBeUndefined();
  });

  test('to eBGP: prepend our AS, drop LOCAL_PREF and learned MED, next hop self, drop non-transitive unknowns', () => {
    const r = setup();
    const unknown = [{ flags: 0xc0, code: 99, value: new Uint8Array([1]) }, { flags: 0x80, code: 98, value: new Uint8Array([2]) }];
    r.applyUpdate('i1', announce(['10.1.0.0/24'], attrs({ path: [65009, 65010], nextHop: '10.0.0.1', localPref: 300, med: 50, unknown })));
    const out = announced(r.takeOutboundBatches('a')).get('10.1.0.0/24')!;
    expect(out.asPath).toEqual([{ type: AS_SEQUENCE, asns: [LOCAL_ASN, 65009, 65010] }]);
    expect(out.localPref).toBeUndefined();
    expect(out.med).toBeUndefined();
    expect(out.nextHop).toBe('192.0.2.1');
    expect(out.unknown!.map((u) => u.code)).toEqual([99]);
  });

  test('to eBGP over IPv6: next hop is our IPv6 address toward the peer; no foreign link-local', () => {
    const r = setup();
    const u = announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] });
    u.attributes!.mpReach!.linkLocalNextHop = 'fe80::10';
    r.applyUpdate('a', u);
    expect(r.lookup('2001:db8:1::/48')!.best.attrs.linkLocalNextHop).toBe('fe80::10');
    const out = announced(r.takeOutboundBatches('b')).get('2001:db8:1::/48')!;
    expect(out.nextHop).toBe('2001:db8:ffff::1');
    expect(out.linkLocalNextHop).toBeUndefined();
  });

  test('to iBGP: LOCAL_PREF 100 added, next hop kept; next-hop-self and originated use our address', () => {
    const r = setup({}, [ibgpPeer('s', '10.0.0.4', { nextHopSelf: true })]);
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 4 })));
    const out = announced(r.takeOutboundBatches('i1')).get('10.1.0.0/24')!;
    expect(out.localPref).toBe(100);
    expect(out.nextHop).toBe('192.0.2.10');
    expect(out.med).toBe(4);
    expect(out.asPath).toEqual([{ type: AS_SEQUENCE, asns: [65001] }]);
    expect(announced(r.takeOutboundBatches('s')).get('10.1.0.0/24')!.nextHop).toBe('192.0.2.1');
    r.originate('10.200.0.0/24', { med: 7 });
    const local = announced(r.takeOutboundBatches('i1')).get('10.200.0.0/24')!;
    expect(local.nextHop).toBe('192.0.2.1');
    expect(local.asPath).toEqual([]);
    // An originated MED is ours to send, to eBGP too.
    const toA = announced(r.takeOutboundBatches('a')).get('10.200.0.0/24')!;
    expect(toA.med).toBe(7);
    expect(toA.asPath).toEqual([{ type: AS_SEQUENCE, asns: [LOCAL_ASN] }]);
  });

  test('NO_EXPORT: iBGP only; NO_ADVERTISE: nobody', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], communities: [NO_EXPORT] })));
    r.applyUpdate('a', announce(['10.2.0.0/24'], attrs({ path: [65001], communities: [65001 * 65536 + 1, NO_ADVERTISE] })));
    expect([...announced(r.takeOutboundBatches('i1')).keys()]).toEqual(['10.1.0.0/24']);
    expect(r.takeOutboundBatches('b')).toEqual([]);
  });

  test('only negotiated families', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
    r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
    r.peerUp('b', { families: ['ipv6-unicast'], codec, routerId: '192.0.2.20' });
    r.takeOutboundBatches('b');
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] }));
    expect([...announced(r.takeOutboundBatches('b')).keys()]).toEqual(['2001:db8:1::/48']);
  });

  test('export filter: null suppresses, a returned set is what goes out', () => {
    const r = setup({
      exportFilter: (peer, prefix, _path, a) => (prefix === '10.9.0.0/24' ? null : peer.id === 'b' ? { ...a, communities: [42] } : a),
    });
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.9.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    const toB = r.takeOutboundBatches('b').filter((b) => b.kind === 'announce');
    expect(toB).toHaveLength(1); // equal filter results intern to one set: one batch
    expect(toB[0].kind === 'announce' && toB[0].attrs.communities).toEqual([42]);
    expect([...announced(toB).keys()].sort()).toEqual(['10.1.0.0/24', '10.2.0.0/24']);
  });

  test('adjRibOut lists what the peer has', () => {
    const r = setup();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.takeOutboundBatches('b');
    expect([...r.adjRibOut('b')].map(([p]) => p)).toEqual(['10.1.0.0/24']);
  });
});
