import { parseNodeAnnotations, community } from '../../../src/cluster/annotations.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('reads podroute.io and kube-router.io names; ours wins', () => {
  const r = parseNodeAnnotations({
    'kube-router.io/node.asn': '64512',
    'podroute.io/node.asn': '64513',
    'kube-router.io/rr.server': '42',
    'kube-router.io/path-prepend.as': '65000',
    'kube-router.io/path-prepend.repeat-n': '3',
    'kube-router.io/node.bgp.communities': '65000:100, no-export',
    'kube-router.io/node.bgp.customimportreject': '10.0.0.0/8',
    'kube-router.io/bgp-local-addresses': '192.0.2.10',
    'kube-router.io/pod-cidr': '10.244.1.0/24',
  });
  expect(r.errors).toEqual([]);
  expect(r.value).toEqual({
    asn: 64513, rrServer: '0.0.0.42', prependAs: 65000, prependRepeat: 3,
    communities: ['65000:100', '65535:65281'], importReject: ['10.0.0.0/8'], localAddresses: ['192.0.2.10'],
    podCIDRs: ['10.244.1.0/24'],
  });
});

test('YAML peers list (kube-router 2.x form)', () => {
  const r = parseNodeAnnotations({
    'kube-router.io/peers': `- remoteip: 192.168.1.99\n  remoteasn: 65000\n  password: ${b64('s3cret')}\n- remoteip: 192.168.1.100\n  remoteasn: 65001\n  localip: 192.168.1.2\n  port: 1790\n`,
  });
  expect(r.errors).toEqual([]);
  expect(r.value.peers).toEqual([
    { address: '192.168.1.99', asn: 65000, password: 's3cret' },
    { address: '192.168.1.100', asn: 65001, localAddress: '192.168.1.2', port: 1790 },
  ]);
});

test('older comma-aligned peer lists', () => {
  const r = parseNodeAnnotations({
    'kube-router.io/peer.ips': '192.168.1.99,192.168.1.100',
    'kube-router.io/peer.asns': '65000,65001',
    'kube-router.io/peer.passwords': `${b64('a')},`,
    'kube-router.io/peer.ports': ',1790',
  });
  expect(r.errors).toEqual([]);
  expect(r.value.peers).toEqual([
    { address: '192.168.1.99', asn: 65000, password: 'a' },
    { address: '192.168.1.100', asn: 65001, port: 1790 },
  ]);
});

test.each([
  [{ 'podroute.io/node.asn': 'abc' }, 'podroute.io/node.asn', 'is not an AS number'],
  [{ 'podroute.io/node.asn': '4294967296' }, 'podroute.io/node.asn', 'is not an AS number'],
  [{ 'kube-router.io/peer.ips': '1.1.1.1,2.2.2.2', 'kube-router.io/peer.asns': '1' }, 'kube-router.io/peer.ips', 'peer.ips has 2 entries but peer.asns has 1'],
  [{ 'kube-router.io/peer.ips': '1.1.1.1' }, 'kube-router.io/peer.ips', 'peer.asns is missing'],
  [{ 'podroute.io/peers': 'remoteip: 1.1.1.1' }, 'podroute.io/peers', 'must be a YAML list'],
  [{ 'podroute.io/peers': '- remoteip: 1.1.1.1' }, 'podroute.io/peers', 'remoteasn is required'],
  [{ 'podroute.io/peers': '- {remoteip: 1.1.1.1, remoteasn: 1, color: red}' }, 'podroute.io/peers', 'unknown key "color"'],
  [{ 'podroute.io/peers': '- {remoteip: 1.1.1.1, remoteasn: 1, password: "not base64!"}' }, 'podroute.io/peers', 'base64'],
  [{ 'podroute.io/peers': '- {remoteip: 1.1.1.1, remoteasn: 1}\n- {remoteip: 1.1.1.1, remoteasn: 2}' }, 'podroute.io/peers', 'listed twice'],
  [{ 'podroute.io/node.bgp.communities': '65536:1' }, 'podroute.io/node.bgp.communities', 'not a BGP community'],
  [{ 'podroute.io/pod-cidr': '10.0.0.0/40' }, 'podroute.io/pod-cidr', 'not a CIDR prefix'],
  [{ 'podroute.io/rr.server': 'x' }, 'podroute.io/rr.server', 'cluster id'],
  [{ 'podroute.io/path-prepend.repeat-n': '2' }, 'path-prepend.repeat-n', 'needs path-prepend.as'],
])('bad annotation %j is reported, not thrown', (ann, key, reason) => {
  const r = parseNodeAnnotations(ann as Record<string, string>);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0].annotation).toBe(key);
  expect(r.errors[0].reason).toContain(reason);
});

test('one bad annotation does not lose the good ones', () => {
  const r = parseNodeAnnotations({ 'podroute.io/node.asn': 'x', 'podroute.io/rr.client': '1.2.3.4' });
  expect(r.value.rrClient).toBe('1.2.3.4');
  expect(r.value.asn).toBeUndefined();
});

test('communities', () => {
  expect(community('no-advertise')).toBe('65535:65282');
  expect(community('4259840100')).toBe('65000:100');
  expect(() => community('1:2:3')).toThrow();
});
