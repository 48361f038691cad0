// ADD-PATH send (RFC 7911): peers that negotiated it get every eligible path of a prefix, each under
// a path id that stays put while its source path exists; other peers keep getting the best only.
import { describe, expect, test } from '@jest/globals';
import { Rib, type OutboundBatch, type PeerInfo } from '../../../../src/bgp/rib/index.js';
import { decodeMessage, type CodecContext, type Family, type PathAttributes, type UpdateMessage } from '../../../../src/bgp/wire/index.js';
import { announce, attrs, codec, ebgpPeer, ibgpPeer, LOCAL_ASN, ROUTER_ID, withdraw } from './fixtures.js';

const P = '10.1.0.0/24';
const V4: Family[] = ['ipv4-unicast'];
const addPathCodec: CodecContext = { ...codec, ebgp: false, addPathSend: new Set(V4), addPathReceive: new Set(V4) };
const ibgpCodec: CodecContext = { ...codec, ebgp: false };

/**
 * A route reflector: clients c1, c2 (sources), ap (client, ADD-PATH send), plain (client, no
 * ADD-PATH), n1/n2 (non-clients, n2 with ADD-PATH), e (eBGP). All established, initial dumps taken.
 */
function setup(extra: { ap?: Partial<PeerInfo>; c1AddPath?: boolean } = {}): Rib {
  const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
  const peers: [PeerInfo, CodecContext][] = [
    [ibgpPeer('c1', '10.0.0.1', { rrClient: true }), extra.c1AddPath ? addPathCodec : ibgpCodec],
    [ibgpPeer('c2', '10.0.0.2', { rrClient: true }), ibgpCodec],
    [ibgpPeer('ap', '10.0.0.3', { rrClient: true, ...extra.ap }), addPathCodec],
    [ibgpPeer('plain', '10.0.0.4', { rrClient: true }), ibgpCodec],
    [ibgpPeer('n1', '10.0.0.5'), ibgpCodec],
    [ibgpPeer('n2', '10.0.0.6'), addPathCodec],
    [ebgpPeer('e', 65001, '192.0.2.10'), codec],
  ];
  for (const [p, c] of peers) {
    r.addPeer(p);
    r.peerUp(p.id, { families: V4, codec: c, routerId: p.address });
    r.takeOutboundBatches(p.id);
  }
  return r;
}

/** Announcements as `prefix#id` → attributes; ids absent show as '-'. */
const announced = (bs: OutboundBatch[]): Map<string, PathAttributes> => {
  const m = new Map<string, PathAttributes>();
  for (const b of bs) if (b.kind === 'announce') b.prefixes.forEach((p, i) => m.set(`${p}#${b.pathIds?.[i] ?? '-'}`, b.attrs));
  return m;
};
const withdrawn = (bs: OutboundBatch[]): string[] =>
  bs.flatMap((b) => (b.kind === 'withdraw' ? b.prefixes.map((p, i) => `${p}#${b.pathIds?.[i] ?? '-'}`) : []));
const nextHops = (m: Map<string, PathAttributes>): Record<string, string | undefined> =>
  Object.fromEntries([...m].map(([k, a]) => [k, a.nextHop]));

/** Both clients announce P with their own next hops (c1 ranks first: lower router id). */
function twoPaths(r: Rib): void {
  r.applyUpdate('c1', announce([P], attrs({ nextHop: '10.0.0.1' })));
  r.applyUpdate('c2', announce([P], attrs({ nextHop: '10.0.0.2' })));
}

describe('ADD-PATH send: every eligible path, each with its own id', () => {
  test('the ADD-PATH client gets both paths, the plain client only the best', () => {
    const r = setup();
    twoPaths(r);
    const ap = announced(r.takeOutboundBatches('ap'));
    expect(nextHops(ap)).toEqual({ [`${P}#1`]: '10.0.0.1', [`${P}#2`]: '10.0.0.2' });
    expect(ap.get(`${P}#2`)!.originatorId).toBe('10.0.0.2'); // reflected per path
    expect(nextHops(announced(r.takeOutboundBatches('plain')))).toEqual({ [`${P}#-`]: '10.0.0.1' });
    expect(r.peerCounters('ap').advertised).toBe(2);
    expect(r.peerCounters('plain').advertised).toBe(1);
    expect([...r.adjRibOutPaths('ap')].map(([p, a, id]) => [p, a.nextHop, id])).toEqual([[P, '10.0.0.1', 1], [P, '10.0.0.2', 2]]);
    expect([...r.adjRibOut('ap')].map(([p, a]) => [p, a.nextHop])).toEqual([[P, '10.0.0.1']]);
  });

  test('ids stay with their source path across re-decisions and attribute changes', () => {
    const r = setup();
    twoPaths(r);
    r.takeOutboundBatches('ap');
    // c2's path becomes best (higher LOCAL_PREF): same ids, only c2's id re-announced.
    r.applyUpdate('c2', announce([P], attrs({ nextHop: '10.0.0.2', localPref: 200 })));
    expect(r.lookup(P)!.best.peerId).toBe('c2');
    let bs = r.takeOutboundBatches('ap');
    expect(withdrawn(bs)).toEqual([]);
    expect([...announced(bs).keys()]).toEqual([`${P}#2`]);
    expect(announced(bs).get(`${P}#2`)!.localPref).toBe(200);
    // A third path (eBGP) takes the next free id; the others keep theirs.
    r.applyUpdate('e', announce([P], attrs({ path: [65001], nextHop: '192.0.2.10' })));
    expect(r.lookup(P)!.paths).toHaveLength(3);
    bs = r.takeOutboundBatches('ap');
    expect(withdrawn(bs)).toEqual([]);
    expect(nextHops(announced(bs))).toEqual({ [`${P}#3`]: '192.0.2.10' });
    expect([...r.adjRibOutPaths('ap')].map(([, a, id]) => [a.nextHop, id]).sort()).toEqual([['10.0.0.1', 1], ['10.0.0.2', 2], ['192.0.2.10', 3]]);
  });

  test('a path that goes away is withdrawn by its id; a new source reuses the freed id', () => {
    const r = setup();
    twoPaths(r);
    r.takeOutboundBatches('ap');
    r.takeOutboundBatches('plain');
    r.applyUpdate('c1', withdraw([P]));
    const bs = r.takeOutboundBatches('ap');
    expect(withdrawn(bs)).toEqual([`${P}#1`]);
    expect(announced(bs).size).toBe(0); // c2's path is unchanged under id 2
    expect(r.peerCounters('ap').advertised).toBe(1);
    // The plain client: its best changed, an implicit withdraw (announce of c2's path).
    expect(nextHops(announced(r.takeOutboundBatches('plain')))).toEqual({ [`${P}#-`]: '10.0.0.2' });
    // A path from n1 now: id 1 is free again.
    r.applyUpdate('n1', announce([P], attrs({ nextHop: '10.0.0.5' })));
    expect(nextHops(announced(r.takeOutboundBatches('ap')))).toEqual({ [`${P}#1`]: '10.0.0.5' });
    // Last paths gone: each withdrawn by id.
    r.applyUpdate('c2', withdraw([P]));
    r.applyUpdate('n1', withdraw([P]));
    expect(withdrawn(r.takeOutboundBatches('ap')).sort()).toEqual([`${P}#1`, `${P}#2`]);
    expect(r.peerCounters('ap').advertised).toBe(0);
  });

  test('a source peer going down withdraws its paths by id only', () => {
    const r = setup();
    twoPaths(r);
    r.takeOutboundBatches('ap');
    r.peerDown('c2');
    expect(r.takeOutboundBatches('ap').filter((b) => b.kind !== 'eor').map((b) => [b.kind, b.pathIds])).toEqual([['withdraw', [2]]]);
  });

  test('split horizon per path: an ADD-PATH source gets the other paths, never its own', () => {
    const r = setup({ c1AddPath: true });
    twoPaths(r);
    expect(nextHops(announced(r.takeOutboundBatches('c1')))).toEqual({ [`${P}#2`]: '10.0.0.2' });
    expect(r.peerCounters('c1').advertised).toBe(1);
  });

  test('iBGP rules per path: a non-client gets reflected client paths, not another non-client\'s', () => {
    const r = setup();
    twoPaths(r);
    r.applyUpdate('n1', announce([P], attrs({ nextHop: '10.0.0.5' })));
    const n2 = announced(r.takeOutboundBatches('n2'));
    expect(Object.values(nextHops(n2)).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    // A client still gets all three, n1's reflected too.
    expect(Object.values(nextHops(announced(r.takeOutboundBatches('ap')))).sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.5']);
  });

  test('addPathSendMax limits the paths, best first; updatePeer re-evaluates', () => {
    const r = setup({ ap: { addPathSendMax: 1 } });
    twoPaths(r);
    expect(nextHops(announced(r.takeOutboundBatches('ap')))).toEqual({ [`${P}#1`]: '10.0.0.1' });
    r.updatePeer(ibgpPeer('ap', '10.0.0.3', { rrClient: true }));
    expect(nextHops(announced(r.takeOutboundBatches('ap')))).toEqual({ [`${P}#2`]: '10.0.0.2' });
  });

  test("addPathSendMode 'ecmp' sends the multipath set only", () => {
    const r = setup({ ap: { addPathSendMode: 'ecmp' } });
    twoPaths(r);
    // Not multipath-equal with the two client paths (lower LOCAL_PREF): left out.
    r.applyUpdate('n1', announce([P], attrs({ nextHop: '10.0.0.5', localPref: 50 })));
    expect(r.lookup(P)!.multipath).toHaveLength(2);
    expect(Object.values(nextHops(announced(r.takeOutboundBatches('ap')))).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  test('paths a peer sent with its own ADD-PATH ids are separate sources', () => {
    const r = setup();
    r.applyUpdate('c1', announce([P], attrs({ nextHop: '10.0.0.1' }), { pathIds: [7] }));
    r.applyUpdate('c1', announce([P], attrs({ nextHop: '10.0.0.11' }), { pathIds: [8] }));
    expect(Object.entries(nextHops(announced(r.takeOutboundBatches('ap')))).sort()).toEqual([[`${P}#1`, '10.0.0.1'], [`${P}#2`, '10.0.0.11']]);
    r.applyUpdate('c1', withdraw([P], [7]));
    expect(withdrawn(r.takeOutboundBatches('ap'))).toEqual([`${P}#1`]);
  });

  test('route refresh re-sends every path with its id', () => {
    const r = setup();
    twoPaths(r);
    r.takeOutboundBatches('ap');
    r.routeRefresh('ap');
    expect(Object.keys(nextHops(announced(r.takeOutboundBatches('ap')))).sort()).toEqual([`${P}#1`, `${P}#2`]);
  });

  test('on the wire: the ADD-PATH peer decodes two ids, the plain peer one path without ids', () => {
    const r = setup();
    twoPaths(r);
    const ap = r.takeOutbound('ap').map((m) => decodeMessage(m, addPathCodec) as UpdateMessage).filter((u) => u.nlri.prefixes.length > 0);
    // One UPDATE per attribute set (next hops differ): P twice, ids 1 and 2.
    expect(ap.map((u) => [u.nlri.prefixes, u.nlri.pathIds, u.attributes!.nextHop]).sort()).toEqual([[[P], [1], '10.0.0.1'], [[P], [2], '10.0.0.2']]);
    const ups = r.takeOutbound('plain').map((m) => decodeMessage(m, ibgpCodec) as UpdateMessage);
    expect(ups.flatMap((u) => u.nlri.prefixes)).toEqual([P]);
    expect(ups[0].nlri.pathIds).toBeUndefined();
  });

  test('ADD-PATH send only in the families negotiated: IPv6 stays best-only', () => {
    const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID });
    for (const p of [ibgpPeer('c1', '10.0.0.1', { rrClient: true }), ibgpPeer('c2', '10.0.0.2', { rrClient: true }), ibgpPeer('ap', '10.0.0.3', { rrClient: true })]) {
      r.addPeer(p);
      r.peerUp(p.id, { families: ['ipv4-unicast', 'ipv6-unicast'], codec: p.id === 'ap' ? addPathCodec : ibgpCodec, routerId: p.address });
      r.takeOutboundBatches(p.id);
    }
    twoPaths(r);
    const a6 = (nh: string): UpdateMessage => ({
      type: 2, withdrawn: { prefixes: [] }, nlri: { prefixes: [] }, attrKey: nh,
      attributes: { origin: 0, asPath: [], mpReach: { afi: 2, safi: 1, nextHop: nh, nlri: { prefixes: ['2001:db8:1::/48'] } } },
    });
    r.applyUpdate('c1', a6('2001:db8::1'));
    r.applyUpdate('c2', a6('2001:db8::2'));
    const got = announced(r.takeOutboundBatches('ap'));
    expect([...got.keys()].sort()).toEqual(['10.1.0.0/24#1', '10.1.0.0/24#2', '2001:db8:1::/48#-']);
  });
});
