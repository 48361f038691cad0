import { AS_SEQUENCE, type PathAttributes } from '../../../src/bgp/wire/types.js';
import type { PeerInfo, RibPath } from '../../../src/bgp/rib/index.js';
import { communityValue, importAllowed, makeExportFilter, makeImportFilter, prependAs, type PolicySnapshot } from '../../../src/routing/policy.js';

const snap = (over: Partial<PolicySnapshot> = {}): PolicySnapshot => ({
  ownPrefixes: ['10.244.1.0/24'], importReject: ['10.96.0.0/12'], communities: [], isReflector: false,
  peerKind: (id) => (id.startsWith('192.168.100.2') ? 'node' : id === '192.168.100.1' ? 'external' : undefined), ...over,
});
const peer = (id: string): PeerInfo => ({ id, address: id, asn: 1, localAsn: 64512, ebgp: true });
const path = (peerId: string | null): RibPath => ({ peerId, attrs: {}, nextHop: '0.0.0.0', ebgp: true, peerAsn: 1, peerRouterId: '1.1.1.1', peerAddress: peerId ?? '', receivedAt: 0 });
const attrs: PathAttributes = { origin: 0, asPath: [{ type: AS_SEQUENCE, asns: [64512] }], communities: [communityValue('65000:1')] };

test('import: default route, our own podCIDR (and more-specifics) and customimportreject are refused', () => {
  const s = snap();
  expect(importAllowed(s, '0.0.0.0/0')).toBe(false);
  expect(importAllowed(s, '::/0')).toBe(false);
  expect(importAllowed(s, '10.244.1.0/24')).toBe(false);
  expect(importAllowed(s, '10.244.1.128/25')).toBe(false);
  expect(importAllowed(s, '10.100.0.1/32')).toBe(false); // inside 10.96.0.0/12
  expect(importAllowed(s, '10.244.2.0/24')).toBe(true);
  expect(importAllowed(s, '2001:db8::/32')).toBe(true);
  const f = makeImportFilter(() => s);
  expect(f(peer('192.168.100.1'), '10.244.2.0/24', attrs)).toBe(attrs);
  expect(f(peer('192.168.100.1'), '0.0.0.0/0', attrs)).toBeNull();
});

test('export: only what we originate leaves; learned routes never pass between peers', () => {
  const f = makeExportFilter(() => snap());
  expect(f(peer('192.168.100.21'), '10.244.1.0/24', path(null), attrs)).toBe(attrs);
  expect(f(peer('192.168.100.1'), '10.244.3.0/24', path('192.168.100.23'), attrs)).toBeNull();
  expect(f(peer('192.168.100.21'), '198.51.100.0/24', path('192.168.100.1'), attrs)).toBeNull();
});

test('export: a reflector reflects node routes to nodes, never to external peers', () => {
  const f = makeExportFilter(() => snap({ isReflector: true }));
  expect(f(peer('192.168.100.21'), '10.244.3.0/24', path('192.168.100.23'), attrs)).toBe(attrs);
  expect(f(peer('192.168.100.1'), '10.244.3.0/24', path('192.168.100.23'), attrs)).toBeNull();
  expect(f(peer('192.168.100.21'), '198.51.100.0/24', path('192.168.100.1'), attrs)).toBeNull();
});

test('export to external peers adds communities (once) and the prepend; node peers get neither', () => {
  const f = makeExportFilter(() => snap({ communities: ['65000:1', '64512:7'], prepend: { asn: 64512, repeat: 2 } }));
  const out = f(peer('192.168.100.1'), '10.244.1.0/24', path(null), attrs)!;
  expect(out.communities).toEqual([communityValue('65000:1'), communityValue('64512:7')]);
  expect(out.asPath).toEqual([{ type: AS_SEQUENCE, asns: [64512, 64512, 64512] }]);
  expect(attrs.asPath).toEqual([{ type: AS_SEQUENCE, asns: [64512] }]); // the input is not mutated
  expect(f(peer('192.168.100.21'), '10.244.1.0/24', path(null), attrs)).toBe(attrs);
});

test('prependAs starts a new segment when the first is not a sequence or would overflow', () => {
  expect(prependAs([], 1, 2)).toEqual([{ type: AS_SEQUENCE, asns: [1, 1] }]);
  expect(prependAs([{ type: 1, asns: [5] }], 1, 1)).toEqual([{ type: AS_SEQUENCE, asns: [1] }, { type: 1, asns: [5] }]);
  const full = [{ type: AS_SEQUENCE, asns: new Array(255).fill(9) }];
  expect(prependAs(full, 1, 1)).toHaveLength(2);
  expect(communityValue('65535:65281')).toBe(0xffffff01);
});
