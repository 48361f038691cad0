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

describe('peer security keys', () => {
  const peer = (extra: string): string => `asn: 65000\nrouterId: 10.0.0.1\npeers:\n  - { address: 10.0.0.2, asn: 65001, ${extra} }\n`;

  test('password, ttlSecurity, ebgpMultihop and max-prefix settings load', () => {
    const c = parseSpeakerConfig(peer(`password: "s3cret", ttlSecurity: true, maxPrefixes: { ipv4-unicast: 1000, ipv6-unicast: 10 }, maxPrefixRestartSeconds: 30`));
    expect(c.peers[0]).toEqual({
      address: '10.0.0.2', asn: 65001, password: 's3cret', ttlSecurity: true,
      maxPrefixes: { 'ipv4-unicast': 1000, 'ipv6-unicast': 10 }, maxPrefixRestartSeconds: 30,
    });
    expect(parseSpeakerConfig(peer('ebgpMultihop: 3, maxPrefixes: { ipv4-unicast: 5 }, maxPrefixAction: warn')).peers[0])
      .toEqual({ address: '10.0.0.2', asn: 65001, ebgpMultihop: 3, maxPrefixes: { 'ipv4-unicast': 5 }, maxPrefixAction: 'warn' });
  });

  test('a bad password is refused without echoing it', () => {
    expect(() => parseSpeakerConfig(peer('password: 123456'))).toThrow('peers[0].password: must be a string (quote it in YAML)');
    let msg = '';
    try { parseSpeakerConfig(peer(`password: "${'z'.repeat(81)}"`)); } catch (e) { msg = (e as Error).message; }
    expect(msg).toBe('peers[0].password: is 81 bytes; the kernel accepts at most 80');
    expect(() => parseSpeakerConfig(peer('password: ""'))).toThrow(/peers\[0\]\.password: must not be empty/);
  });

  test('contradictions and out-of-range values name the key', () => {
    expect(() => parseSpeakerConfig(peer('ttlSecurity: true, ebgpMultihop: 2'))).toThrow(/peers\[0\]\.ebgpMultihop: cannot be combined with ttlSecurity/);
    expect(() => parseSpeakerConfig(peer('ebgpMultihop: 0'))).toThrow(/peers\[0\]\.ebgpMultihop: must be an integer 1\.\.255/);
    expect(() => parseSpeakerConfig(peer('ttlSecurity: yes please'))).toThrow(/peers\[0\]\.ttlSecurity/);
    expect(() => parseSpeakerConfig(peer('maxPrefixes: { ipv4-multicast: 5 }'))).toThrow(/peers\[0\]\.maxPrefixes\.ipv4-multicast: unknown key/);
    expect(() => parseSpeakerConfig(peer('maxPrefixes: { ipv4-unicast: 0 }'))).toThrow(/maxPrefixes\.ipv4-unicast: must be an integer 1\.\./);
    expect(() => parseSpeakerConfig(peer('maxPrefixAction: cease'))).toThrow(/peers\[0\]\.maxPrefixes: is required/);
    expect(() => parseSpeakerConfig(peer('maxPrefixes: { ipv4-unicast: 5 }, maxPrefixAction: drop'))).toThrow(/maxPrefixAction: must be 'warn' or 'cease'/);
    expect(() => parseSpeakerConfig(peer('maxPrefixes: { ipv4-unicast: 5 }, maxPrefixAction: warn, maxPrefixRestartSeconds: 5'))).toThrow(/maxPrefixRestartSeconds: has no effect/);
  });
});

describe('gracefulRestart', () => {
  const base = 'asn: 65000\nrouterId: 10.0.0.1\n';
  test('loads the restart time; absent means off', () => {
    expect(parseSpeakerConfig(`${base}gracefulRestart: { restartTime: 30 }\n`).gracefulRestart).toEqual({ restartTime: 30 });
    expect(parseSpeakerConfig(base).gracefulRestart).toBeUndefined();
  });
  test('bad values name the key', () => {
    expect(() => parseSpeakerConfig(`${base}gracefulRestart: {}\n`)).toThrow('gracefulRestart.restartTime: is required');
    expect(() => parseSpeakerConfig(`${base}gracefulRestart: { restartTime: 4096 }\n`)).toThrow(/gracefulRestart\.restartTime: must be an integer 1\.\.4095/);
    expect(() => parseSpeakerConfig(`${base}gracefulRestart: { time: 5 }\n`)).toThrow(/gracefulRestart\.time: unknown key/);
  });
});
