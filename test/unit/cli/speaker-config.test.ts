import { parseSpeakerConfig } from '../../../src/cli/speaker-config.js';

const EXAMPLE = `
asn: 65000
routerId: 10.255.0.2
listen: { address: 10.255.0.2, port: 179 }
peers:
  - { address: 10.255.0.1, asn: 65001, holdTime: 90 }
originate: [203.0.113.0/24]
`;

test('loads the documented YAML example', () => {
  const c = parseSpeakerConfig(EXAMPLE);
  expect(c).toEqual({
    asn: 65000, routerId: '10.255.0.2', listen: [{ address: '10.255.0.2', port: 179 }],
    clusterId: undefined, maxPaths: undefined, holdTime: undefined,
    peers: [{ address: '10.255.0.1', asn: 65001, holdTime: 90 }], originate: ['203.0.113.0/24'],
  });
});

test('JSON loads to the same config as YAML', () => {
  const json = JSON.stringify({
    asn: 65000, routerId: '10.255.0.2', listen: { address: '10.255.0.2', port: 179 },
    peers: [{ address: '10.255.0.1', asn: 65001, holdTime: 90 }], originate: ['203.0.113.0/24'],
  });
  expect(parseSpeakerConfig(json)).toEqual(parseSpeakerConfig(EXAMPLE));
});

test('asdot and 4-octet ASNs, IPv6 peers and families', () => {
  const c = parseSpeakerConfig(`asn: "1.10"
routerId: 192.0.2.1
peers: [{ address: "2001:db8::1", asn: 4200000001, families: [ipv6-unicast] }]
originate: ["2001:db8:1::/48"]`);
  expect(c.asn).toBe(65536 + 10);
  expect(c.listen).toEqual([]);
  expect(c.peers[0]).toEqual({ address: '2001:db8::1', asn: 4200000001, families: ['ipv6-unicast'] });
  expect(c.originate).toEqual(['2001:db8:1::/48']);
});

test.each([
  ['routerId: 1.2.3.4\n', 'asn: is required'],
  ['asn: 65000\n', 'routerId: is required'],
  ['asn: 0\nrouterId: 1.2.3.4\n', 'asn: must be an AS number'],
  ['asn: 65000\nrouterId: 1.2.3.4\nholdtime: 3\n', 'holdtime: unknown key'],
  ['asn: 65000\nrouterId: 1.2.3.4\nholdTime: 2\n', 'holdTime: must be 0 or at least 3'],
  ['asn: 65000\nrouterId: 1.2.3.4\npeers: [{ address: 10.0.0.1 }]\n', 'peers[0].asn: is required'],
  ['asn: 65000\nrouterId: 1.2.3.4\npeers: [{ address: 10.0.0.300, asn: 1 }]\n', 'peers[0].address: must be an IP address'],
  ['asn: 65000\nrouterId: 1.2.3.4\npeers: [{ address: 10.0.0.1, asn: 1, port: 70000 }]\n', 'peers[0].port: must be an integer 1..65535'],
  ['asn: 65000\nrouterId: 1.2.3.4\npeers: [{ address: 10.0.0.1, asn: 1 }, { address: 10.0.0.1, asn: 2 }]\n', 'peers[1].address: duplicate peer'],
  ['asn: 65000\nrouterId: 1.2.3.4\noriginate: [10.0.0.1/33]\n', 'originate[0]:'],
  ['asn: 65000\nrouterId: 1.2.3.4\npeers: [{ address: 10.0.0.1, asn: 1, families: [l2vpn] }]\n', 'peers[0].families[0]: must be one of'],
  ['asn: [65000\n', 'not valid YAML'],
  ['- 1\n- 2\n', 'must be a mapping'],
])('bad config %j names the key', (text, message) => {
  expect(() => parseSpeakerConfig(text)).toThrow(message);
});
