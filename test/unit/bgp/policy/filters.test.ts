// Policies bound to peers and plugged into a real Rib: what the RIB keeps and what it would send.
import { describe, expect, test } from '@jest/globals';
import { composeExport, composeImport, PolicyRuntime, PolicySet } from '../../../../src/bgp/policy/filters.js';
import { parseCommunity } from '../../../../src/bgp/policy/communities.js';
import type { PolicyDefinitions } from '../../../../src/bgp/policy/types.js';
import { Rib, type ExportFilter, type ImportFilter, type PeerInfo } from '../../../../src/bgp/rib/index.js';
import { AS_SEQUENCE, type PathAttributes } from '../../../../src/bgp/wire/index.js';
import { announce, attrs, codec, ebgpPeer, ibgpPeer, LOCAL_ASN, ROUTER_ID } from '../rib/fixtures.js';

const C = parseCommunity;
const A = ebgpPeer('10.0.0.2', 65001, '10.0.0.2');
const B = ebgpPeer('10.0.0.3', 65002, '10.0.0.3');
const I = ibgpPeer('10.0.0.4', '10.0.0.4');

const DEFS: PolicyDefinitions = {
  fromA: {
    default: 'accept',
    rules: [
      { match: { prefix: [{ prefix: '198.51.101.0/24' }] }, set: {}, action: 'reject' },
      { match: { community: ['65001:7'] }, set: { localPref: 250 }, action: 'accept' },
      { match: { prefix: [{ prefix: '198.51.102.0/24' }] }, set: { communities: { add: ['no-export'] } }, action: 'accept' },
    ],
  },
  toB: {
    default: 'accept',
    rules: [
      { match: { prefix: [{ prefix: '203.0.113.0/24' }] }, set: { med: 77, communities: { add: ['65000:100'] }, prepend: 2 }, action: 'accept' },
      { match: { prefix: [{ prefix: '198.18.0.0/15', le: 24 }] }, set: {}, action: 'reject' },
    ],
  },
};

function rib(importFilter?: ImportFilter, exportFilter?: ExportFilter): Rib {
  const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, importFilter, exportFilter });
  for (const p of [A, B, I]) {
    r.addPeer(p);
  }
  return r;
}
const up = (r: Rib, p: PeerInfo) => r.peerUp(p.id, { families: ['ipv4-unicast'], codec, routerId: p.address });
const out = (r: Rib, p: PeerInfo): Map<string, PathAttributes> => {
  r.takeOutboundBatches(p.id);
  return new Map(r.adjRibOut(p.id));
};

describe('policies in the RIB', () => {
  const set = new PolicySet(DEFS, { '10.0.0.2': { importPolicy: 'fromA' }, '10.0.0.3': { exportPolicy: 'toB' } });

  test('import: reject keeps the path out of the Loc-RIB (counted as received), actions apply, other peers untouched', () => {
    const r = rib((p, x, a) => set.importFilter(p, x, a), (p, x, path, a) => set.exportFilter(p, x, path, a));
    r.applyUpdate(A.id, announce(['198.51.100.0/24', '198.51.101.0/24'], attrs({ path: [65001], communities: [C('65001:7')] })));
    r.applyUpdate(B.id, announce(['198.51.101.0/24'], attrs({ path: [65002], communities: [C('65001:7')] })));
    expect(r.lookup('198.51.100.0/24')!.best.attrs.localPref).toBe(250);
    expect(r.lookup('198.51.101.0/24')!.paths.map((p) => p.peerId)).toEqual([B.id]);
    expect(r.lookup('198.51.101.0/24')!.best.attrs.localPref).toBeUndefined();
    expect(r.peerCounters(A.id)).toMatchObject({ received: 2, accepted: 1 });
  });

  test('import adding NO_EXPORT: the RIB still honours it (not to eBGP, yes to iBGP)', () => {
    const r = rib((p, x, a) => set.importFilter(p, x, a));
    up(r, B);
    up(r, I);
    r.applyUpdate(A.id, announce(['198.51.102.0/24', '198.51.103.0/24'], attrs({ path: [65001] })));
    expect([...out(r, B).keys()].sort()).toEqual(['198.51.103.0/24']);
    expect([...out(r, I).keys()].sort()).toEqual(['198.51.102.0/24', '198.51.103.0/24']);
  });

  test('export: sets MED, adds a community, prepends, rejects — only toward the bound peer', () => {
    const r = rib(undefined, (p, x, path, a) => set.exportFilter(p, x, path, a));
    up(r, A);
    up(r, B);
    for (const p of ['203.0.113.0/24', '198.18.5.0/24', '192.0.2.0/24']) r.originate(p);
    const b = out(r, B);
    expect([...b.keys()].sort()).toEqual(['192.0.2.0/24', '203.0.113.0/24']);
    expect(b.get('203.0.113.0/24')).toMatchObject({ med: 77, communities: [C('65000:100')], asPath: [{ type: AS_SEQUENCE, asns: [LOCAL_ASN, LOCAL_ASN, LOCAL_ASN] }] });
    expect(b.get('192.0.2.0/24')!.med).toBeUndefined();
    const a = out(r, A);
    expect([...a.keys()].sort()).toEqual(['192.0.2.0/24', '198.18.5.0/24', '203.0.113.0/24']);
    expect(a.get('203.0.113.0/24')!.med).toBeUndefined();
  });

  test('NO_ADVERTISE stays honoured even when the export policy replaces communities', () => {
    const defs: PolicyDefinitions = { strip: { default: 'accept', rules: [{ match: {}, set: { communities: { replace: [] } }, action: 'accept' }] } };
    const s = new PolicySet(defs, { '10.0.0.3': { exportPolicy: 'strip' } });
    const r = rib(undefined, (p, x, path, a) => s.exportFilter(p, x, path, a));
    up(r, B);
    r.originate('192.0.2.0/24', { communities: [C('no-advertise')] });
    r.originate('192.0.3.0/24', { communities: [C('65000:1')] });
    const b = out(r, B);
    expect([...b.keys()]).toEqual(['192.0.3.0/24']);
    expect(b.get('192.0.3.0/24')!.communities).toBeUndefined();
  });

  test('runtime swap + updatePeer re-evaluates Adj-RIB-Out; diff names the changed peers', () => {
    const rt = new PolicyRuntime(set);
    const r = rib(rt.importFilter, rt.exportFilter);
    up(r, B);
    r.originate('203.0.113.0/24');
    r.originate('198.18.5.0/24');
    expect(out(r, B).get('203.0.113.0/24')!.med).toBe(77);
    const defs2: PolicyDefinitions = { ...DEFS, toB: { default: 'accept', rules: [{ match: { prefix: [{ prefix: '203.0.113.0/24' }] }, set: { med: 88 }, action: 'accept' }] } };
    const change = rt.replace(new PolicySet(defs2, { '10.0.0.2': { importPolicy: 'fromA' }, '10.0.0.3': { exportPolicy: 'toB' } }));
    expect(change).toEqual({ importChanged: [], exportChanged: ['10.0.0.3'] });
    r.updatePeer(B);
    const b = out(r, B);
    expect(b.get('203.0.113.0/24')!.med).toBe(88);
    expect(b.has('198.18.5.0/24')).toBe(true);
    // same content under the same name: no change; a peer unbound: a change
    expect(rt.replace(new PolicySet(defs2, { '10.0.0.2': { importPolicy: 'fromA' }, '10.0.0.3': { exportPolicy: 'toB' } }))).toEqual({ importChanged: [], exportChanged: [] });
    expect(rt.replace(new PolicySet(defs2, { '10.0.0.3': { exportPolicy: 'toB' } }))).toEqual({ importChanged: ['10.0.0.2'], exportChanged: [] });
  });

  test('an unknown policy name is refused when building the set', () => {
    expect(() => new PolicySet(DEFS, { '10.0.0.2': { importPolicy: 'nope' } })).toThrow('policy "nope" is not defined');
  });
});

describe('composition with a filter already given (the node agent built-in)', () => {
  const builtinImport: ImportFilter = (_p, prefix, a) => (prefix === '10.0.0.0/8' ? null : { ...a, med: 1 });
  const userImport: ImportFilter = (_p, prefix, a) => (prefix === '10.1.0.0/16' ? null : { ...a, localPref: 200 });

  test('both run in turn, either may reject', () => {
    const f = composeImport(builtinImport, userImport)!;
    expect(f(A, '10.0.0.0/8', attrs())).toBeNull();
    expect(f(A, '10.1.0.0/16', attrs())).toBeNull();
    expect(f(A, '10.2.0.0/16', attrs())).toMatchObject({ med: 1, localPref: 200 });
  });

  test('one side missing gives the other unchanged', () => {
    expect(composeImport(undefined, userImport)).toBe(userImport);
    expect(composeImport(builtinImport, undefined)).toBe(builtinImport);
    expect(composeImport(undefined, undefined)).toBeUndefined();
    const e: ExportFilter = (_p, _x, _path, a) => a;
    expect(composeExport(e, undefined)).toBe(e);
  });

  test('export: the built-in sees the RIB attributes, the policy sees the built-in result', () => {
    const builtin: ExportFilter = (_p, prefix, _path, a) => (prefix.startsWith('10.') ? null : { ...a, communities: [C('65000:5')] });
    const s = new PolicySet({ p: { default: 'accept', rules: [{ match: { community: ['65000:5'] }, set: { med: 9 }, action: 'accept' }] } }, { '10.0.0.3': { exportPolicy: 'p' } });
    const f = composeExport(builtin, (p, x, path, a) => s.exportFilter(p, x, path, a))!;
    const a = attrs();
    const path = { peerId: null, attrs: a, nextHop: '', ebgp: false, peerAsn: LOCAL_ASN, peerRouterId: ROUTER_ID, peerAddress: '', receivedAt: 0 };
    expect(f(B, '10.0.0.0/8', path, a)).toBeNull();
    expect(f(B, '192.0.2.0/24', path, a)).toMatchObject({ med: 9, communities: [C('65000:5')] });
    expect(f(A, '192.0.2.0/24', path, a)!.med).toBeUndefined();
  });
});
