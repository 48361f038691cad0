import { describe, expect, test } from '@jest/globals';
import { Rib } from '../../../../src/bgp/rib/index.js';
import { AS_SEQUENCE } from '../../../../src/bgp/wire/index.js';
import { announce, announce6, attrs, codec, ebgpPeer, ibgpPeer, LOCAL_ASN, ROUTER_ID, withdraw, withdraw6 } from './fixtures.js';

function rib(extra: Partial<ConstructorParameters<typeof Rib>[0]> = {}): Rib {
  const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, now: () => 1000, ...extra });
  r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
  r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
  r.addPeer(ibgpPeer('i', '10.0.0.5'));
  return r;
}

describe('Adj-RIB-In and Loc-RIB', () => {
  test('announce installs the path with its effective next hop and interned attributes', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001], nextHop: '192.0.2.10' })));
    const e = r.lookup('10.1.0.0/24')!;
    expect(e.family).toBe('ipv4-unicast');
    expect(e.best.peerId).toBe('a');
    expect(e.best.nextHop).toBe('192.0.2.10');
    expect(e.best.attrs.mpReach).toBeUndefined();
    expect(e.multipath).toEqual([e.best]);
    expect(r.size()).toBe(2);
    expect(r.size('ipv4-unicast')).toBe(2);
    expect(r.size('ipv6-unicast')).toBe(0);
  });

  test('classic withdrawal removes the prefix', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', withdraw(['10.1.0.0/24', '10.9.0.0/24']));
    expect(r.lookup('10.1.0.0/24')).toBeUndefined();
    expect(r.lookup('10.2.0.0/24')).toBeDefined();
    expect(r.peerCounters('a')).toEqual({ received: 1, accepted: 1, advertised: 0 });
  });

  test('MP_REACH stores mpReach.nextHop; MP_UNREACH withdraws', () => {
    const r = rib();
    r.applyUpdate('a', announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] }));
    const e = r.lookup('2001:db8:1::/48')!;
    expect(e.family).toBe('ipv6-unicast');
    expect(e.best.nextHop).toBe('2001:db8::10');
    expect(e.best.attrs.nextHop).toBe('2001:db8::10');
    expect(e.best.attrs.mpReach).toBeUndefined();
    expect(r.size('ipv6-unicast')).toBe(1);
    r.applyUpdate('a', withdraw6(['2001:db8:1::/48']));
    expect(r.lookup('2001:db8:1::/48')).toBeUndefined();
    expect(r.size('ipv6-unicast')).toBe(0);
  });

  test('treat-as-withdraw withdraws every NLRI of the UPDATE (classic and MP)', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] }));
    const bad4 = { ...announce(['10.1.0.0/24'], attrs({ path: [65001] })), treatAsWithdraw: 'bad attribute' };
    const bad6 = { ...announce6(['2001:db8:1::/48'], '2001:db8::10'), treatAsWithdraw: 'bad attribute' };
    r.applyUpdate('a', bad4);
    r.applyUpdate('a', bad6);
    expect(r.size()).toBe(0);
    expect(r.peerCounters('a').received).toBe(0);
  });

  test('treat-as-withdraw also applies when the codec dropped the attributes entirely', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', { type: 2, withdrawn: { prefixes: [] }, attributes: null, nlri: { prefixes: ['10.1.0.0/24'] }, treatAsWithdraw: 'malformed' });
    expect(r.size()).toBe(0);
  });

  test('implicit withdraw: re-announcing from the same peer replaces its path', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 5 })));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 7 })));
    const e = r.lookup('10.1.0.0/24')!;
    expect(e.paths).toHaveLength(1);
    expect(e.best.attrs.med).toBe(7);
    expect(r.peerCounters('a')).toEqual({ received: 1, accepted: 1, advertised: 0 });
  });

  test('ADD-PATH: paths are keyed by (peer, path id)', () => {
    const r = rib();
    r.applyUpdate('i', announce(['10.1.0.0/24', '10.1.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.7' }), { pathIds: [1, 2] }));
    expect(r.lookup('10.1.0.0/24')!.paths.map((p) => p.pathId).sort()).toEqual([1, 2]);
    // Re-announcing path id 2 replaces only it.
    r.applyUpdate('i', announce(['10.1.0.0/24'], attrs({ path: [65009], nextHop: '10.0.0.8' }), { pathIds: [2] }));
    const e = r.lookup('10.1.0.0/24')!;
    expect(e.paths).toHaveLength(2);
    expect(e.paths.find((p) => p.pathId === 2)!.nextHop).toBe('10.0.0.8');
    r.applyUpdate('i', withdraw(['10.1.0.0/24'], [1]));
    expect(r.lookup('10.1.0.0/24')!.paths.map((p) => p.pathId)).toEqual([2]);
    expect([...r.adjRibIn('i')].map((x) => [x.prefix, x.path.pathId])).toEqual([['10.1.0.0/24', 2]]);
  });

  test('interning: two UPDATEs with the same attrKey share one attrs object', () => {
    const r = rib();
    const a1 = attrs({ path: [65001] });
    const a2 = attrs({ path: [65001] }); // equal content, different object, same attrKey
    r.applyUpdate('a', announce(['10.1.0.0/24'], a1, { attrKey: 'K' }));
    r.applyUpdate('a', announce(['10.2.0.0/24'], a2, { attrKey: 'K' }));
    r.applyUpdate('a', announce(['10.3.0.0/24'], attrs({ path: [65001, 7] }), { attrKey: 'L' }));
    const x = r.lookup('10.1.0.0/24')!.best.attrs;
    expect(r.lookup('10.2.0.0/24')!.best.attrs).toBe(x);
    expect(r.lookup('10.3.0.0/24')!.best.attrs).not.toBe(x);
    expect(Object.isFrozen(x)).toBe(true);
  });

  test('all prefixes of one UPDATE share one path object', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    expect(r.lookup('10.1.0.0/24')!.best).toBe(r.lookup('10.2.0.0/24')!.best);
  });

  test('LOCAL_PREF received from an eBGP peer is ignored', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], localPref: 500 })));
    r.applyUpdate('i', announce(['10.1.0.0/24'], attrs({ path: [65009], localPref: 150, nextHop: '10.0.0.7' })));
    const e = r.lookup('10.1.0.0/24')!;
    expect(e.best.peerId).toBe('i');
    expect(e.paths[1].peerId).toBe('a');
    expect(e.paths[1].attrs.localPref).toBeUndefined();
  });

  test('the better path wins and the worse stays as an alternative', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001, 1, 2] })));
    r.applyUpdate('b', announce(['10.1.0.0/24'], attrs({ path: [65002], nextHop: '192.0.2.20' })));
    const e = r.lookup('10.1.0.0/24')!;
    expect(e.paths.map((p) => p.peerId)).toEqual(['b', 'a']);
    expect(e.multipath.map((p) => p.peerId)).toEqual(['b']);
  });

  test('ECMP: equal eBGP paths from the same neighbour AS', () => {
    const r = rib();
    r.addPeer(ebgpPeer('a2', 65001, '192.0.2.11'));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001, 9] })));
    r.applyUpdate('a2', announce(['10.1.0.0/24'], attrs({ path: [65001, 8], nextHop: '192.0.2.11' })));
    expect(r.lookup('10.1.0.0/24')!.multipath.map((p) => p.nextHop)).toEqual(['192.0.2.10', '192.0.2.11']);
    const r1 = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, maxPaths: 1 });
    r1.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
    r1.addPeer(ebgpPeer('a2', 65001, '192.0.2.11'));
    r1.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001, 9] })));
    r1.applyUpdate('a2', announce(['10.1.0.0/24'], attrs({ path: [65001, 8], nextHop: '192.0.2.11' })));
    expect(r1.lookup('10.1.0.0/24')!.multipath).toHaveLength(1);
  });
});

describe('loop detection', () => {
  test('our ASN in AS_PATH: received but not accepted, never in Loc-RIB', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001, LOCAL_ASN, 7] })));
    expect(r.size()).toBe(0);
    expect(r.peerCounters('a')).toEqual({ received: 2, accepted: 0, advertised: 0 });
    expect([...r.adjRibIn('a')][0].path.rejected).toBe('as-loop');
  });

  test('our ASN inside an AS_SET is a loop too', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ asPath: [{ type: AS_SEQUENCE, asns: [65001] }, { type: 1, asns: [3, LOCAL_ASN] }] })));
    expect(r.size()).toBe(0);
  });

  test('a looped re-announcement withdraws the accepted path', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001, LOCAL_ASN] })));
    expect(r.lookup('10.1.0.0/24')).toBeUndefined();
    expect(r.peerCounters('a')).toEqual({ received: 1, accepted: 0, advertised: 0 });
  });

  test('ORIGINATOR_ID equal to our router id is rejected', () => {
    const r = rib();
    r.applyUpdate('i', announce(['10.1.0.0/24'], attrs({ originatorId: ROUTER_ID, nextHop: '10.0.0.7' })));
    expect(r.size()).toBe(0);
    expect([...r.adjRibIn('i')][0].path.rejected).toBe('originator-id');
  });

  test('our cluster id in CLUSTER_LIST is rejected (cluster id defaults to router id)', () => {
    const r = rib({ clusterId: '1.1.1.1' });
    r.applyUpdate('i', announce(['10.1.0.0/24'], attrs({ clusterList: ['2.2.2.2', '1.1.1.1'], nextHop: '10.0.0.7' })));
    r.applyUpdate('i', announce(['10.2.0.0/24'], attrs({ clusterList: [ROUTER_ID], nextHop: '10.0.0.7' })));
    expect(r.size()).toBe(1);
    expect(r.lookup('10.2.0.0/24')).toBeDefined();
    const r2 = rib();
    r2.applyUpdate('i', announce(['10.2.0.0/24'], attrs({ clusterList: [ROUTER_ID], nextHop: '10.0.0.7' })));
    expect(r2.size()).toBe(0);
  });
});

describe('import filter', () => {
  test('null rejects, a returned set replaces, per prefix', () => {
    const r = rib({
      importFilter: (_peer, prefix, a) => (prefix.startsWith('10.9.') ? null : prefix === '10.2.0.0/24' ? { ...a, localPref: 300 } : a),
    });
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24', '10.9.0.0/24', '10.3.0.0/24'], attrs({ path: [65001] })));
    expect(r.lookup('10.9.0.0/24')).toBeUndefined();
    expect(r.lookup('10.2.0.0/24')!.best.attrs.localPref).toBe(300);
    expect(r.lookup('10.1.0.0/24')!.best).toBe(r.lookup('10.3.0.0/24')!.best);
    expect(r.peerCounters('a')).toEqual({ received: 4, accepted: 3, advertised: 0 });
  });
});

describe('originated routes', () => {
  test('locally originated beats learned; withdrawing it restores the learned path', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.originate('10.1.0.0/24');
    expect(r.lookup('10.1.0.0/24')!.best.peerId).toBeNull();
    expect(r.lookup('10.1.0.0/24')!.best.attrs.origin).toBe(0);
    r.withdrawOriginated('10.1.0.0/24');
    expect(r.lookup('10.1.0.0/24')!.best.peerId).toBe('a');
  });
});

describe('drainChanges', () => {
  test('coalesced per prefix; an ECMP member joining is a change; unchanged refresh is not', () => {
    const r = rib();
    r.addPeer(ebgpPeer('a2', 65001, '192.0.2.11'));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 3 })));
    let ch = r.drainChanges();
    expect(ch).toHaveLength(1);
    expect(ch[0].best!.attrs.med).toBe(3);
    expect(r.drainChanges()).toEqual([]);
    // Same attributes again (a route refresh): no change reported.
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 3 })));
    expect(r.drainChanges()).toEqual([]);
    r.applyUpdate('a2', announce(['10.1.0.0/24'], attrs({ path: [65001], med: 3, nextHop: '192.0.2.11' })));
    ch = r.drainChanges();
    expect(ch.map((c) => c.multipath.length)).toEqual([2]);
  });

  test('withdraw then re-announce between drains reports nothing; withdraw reports best null', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.drainChanges();
    r.applyUpdate('a', withdraw(['10.1.0.0/24']));
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(r.drainChanges()).toEqual([]);
    r.applyUpdate('a', withdraw(['10.1.0.0/24']));
    expect(r.drainChanges()).toEqual([{ prefix: '10.1.0.0/24', family: 'ipv4-unicast', best: null, multipath: [] }]);
    // Announce + withdraw between drains: never seen, nothing to report.
    r.applyUpdate('a', announce(['10.5.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', withdraw(['10.5.0.0/24']));
    expect(r.drainChanges()).toEqual([]);
  });
});

describe('peerDown and graceful restart', () => {
  test('peerDown drops the peer paths and re-selects the next best', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('b', announce(['10.1.0.0/24'], attrs({ path: [65002, 1], nextHop: '192.0.2.20' })));
    r.drainChanges();
    r.peerDown('a');
    expect(r.lookup('10.1.0.0/24')!.best.peerId).toBe('b');
    expect(r.lookup('10.2.0.0/24')).toBeUndefined();
    const ch = r.drainChanges();
    expect(ch.map((c) => [c.prefix, c.best?.peerId ?? null]).sort()).toEqual([['10.1.0.0/24', 'b'], ['10.2.0.0/24', null]]);
    expect(r.peerCounters('a')).toEqual({ received: 0, accepted: 0, advertised: 0 });
  });

  test('keepStale keeps paths marked stale; refreshed ones survive sweepStale', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001] })));
    r.applyUpdate('a', announce6(['2001:db8:1::/48'], '2001:db8::10', { path: [65001] }));
    r.peerDown('a', { keepStale: true });
    expect(r.size()).toBe(3);
    expect(r.lookup('10.1.0.0/24')!.best.stale).toBe(true);
    r.peerUp('a', { families: ['ipv4-unicast'], codec, routerId: '192.0.2.10' });
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    expect(r.lookup('10.1.0.0/24')!.best.stale).toBe(false);
    r.sweepStale('a', 'ipv4-unicast');
    expect(r.lookup('10.1.0.0/24')).toBeDefined();
    expect(r.lookup('10.2.0.0/24')).toBeUndefined();
    expect(r.lookup('2001:db8:1::/48')).toBeDefined();
    r.sweepStale('a');
    expect(r.lookup('2001:db8:1::/48')).toBeUndefined();
    expect(r.peerCounters('a')).toEqual({ received: 1, accepted: 1, advertised: 0 });
  });

  test('removePeer forgets the peer', () => {
    const r = rib();
    r.applyUpdate('a', announce(['10.1.0.0/24'], attrs({ path: [65001] })));
    r.removePeer('a');
    expect(r.size()).toBe(0);
    expect(() => r.peerCounters('a')).toThrow(/unknown peer/);
  });
});
