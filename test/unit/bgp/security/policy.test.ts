import { describe, expect, test } from '@jest/globals';
import { ttlConfigProblem, ttlSettings } from '../../../../src/bgp/security/ttl-policy.js';
import { exceededLimit, maxPrefixData } from '../../../../src/bgp/security/max-prefix.js';
import { listenerSecurity } from '../../../../src/bgp/speaker/listener-security.js';
import { transportSecurity } from '../../../../src/bgp/session/transport.js';

describe('TTL policy', () => {
  test('GTSM: 255 out, at least 254 in', () => {
    expect(ttlSettings({ ebgp: true, ttlSecurity: true })).toEqual({ ttl: 255, minTtl: 254 });
    expect(ttlSettings({ ebgp: false, ttlSecurity: true })).toEqual({ ttl: 255, minTtl: 254 });
  });
  test('eBGP defaults to TTL 1, multihop sets it, iBGP keeps the system default', () => {
    expect(ttlSettings({ ebgp: true })).toEqual({ ttl: 1 });
    expect(ttlSettings({ ebgp: true, ebgpMultihop: 3 })).toEqual({ ttl: 3 });
    expect(ttlSettings({ ebgp: false })).toEqual({});
  });
  test('invalid combinations', () => {
    expect(ttlConfigProblem({ ttlSecurity: true, ebgpMultihop: 2 })).toMatch(/exclude/);
    expect(ttlConfigProblem({ ebgpMultihop: 0 })).toMatch(/1 to 255/);
    expect(ttlConfigProblem({ ebgpMultihop: 256 })).toMatch(/1 to 255/);
    expect(ttlConfigProblem({ ttlSecurity: true })).toBeUndefined();
  });
  test('a session config implies its transport settings', () => {
    const base = { localAsn: 65000, routerId: '10.0.0.1', peerAddress: '10.0.0.2' };
    expect(transportSecurity({ ...base, peerAsn: 65001 })).toEqual({ ttl: 1 });
    expect(transportSecurity({ ...base, peerAsn: 65000 })).toEqual({});
    expect(transportSecurity({ ...base, peerAsn: 65001, password: 'x', ttlSecurity: true })).toEqual({ ttl: 255, minTtl: 254, password: 'x' });
  });
});

describe('max prefixes', () => {
  test('only a count above the limit trips, per family', () => {
    const limits = { 'ipv4-unicast': 10, 'ipv6-unicast': 5 };
    expect(exceededLimit({ 'ipv4-unicast': 10, 'ipv6-unicast': 5 }, limits)).toBeUndefined();
    expect(exceededLimit({ 'ipv4-unicast': 11, 'ipv6-unicast': 0 }, limits)).toEqual({ family: 'ipv4-unicast', limit: 10, count: 11 });
    expect(exceededLimit({ 'ipv4-unicast': 1000, 'ipv6-unicast': 6 }, { 'ipv6-unicast': 5 })).toEqual({ family: 'ipv6-unicast', limit: 5, count: 6 });
    expect(exceededLimit({ 'ipv4-unicast': 1000 }, undefined)).toBeUndefined();
  });
  test('RFC 4486 data: AFI, SAFI, upper bound', () => {
    expect(Buffer.from(maxPrefixData('ipv4-unicast', 10)).toString('hex')).toBe('0001010000000a');
    expect(Buffer.from(maxPrefixData('ipv6-unicast', 70000)).toString('hex')).toBe('000201' + '00011170');
  });
});

describe('listener security', () => {
  const peers = [
    { address: '10.0.0.2', password: 'a', ttlSecurity: true },
    { address: 'fd00::2', password: 'b', ttlSecurity: true },
    { address: '10.0.0.3' },
  ];
  test('keys for every peer with a password the socket can see', () => {
    expect([...listenerSecurity(6, peers).keys]).toEqual([['10.0.0.2', 'a'], ['fd00::2', 'b']]);
    expect([...listenerSecurity(4, peers).keys]).toEqual([['10.0.0.2', 'a']]);
  });
  test('the listener minimum TTL only when every peer it serves uses GTSM; TTL 255 when any does', () => {
    expect(listenerSecurity(6, peers)).toMatchObject({ ttl: 255, minTtl: 0 });
    expect(listenerSecurity(6, peers.slice(0, 2))).toMatchObject({ ttl: 255, minTtl: 254 });
    // fd00::2 is invisible to an IPv4 socket, 10.0.0.3 is not GTSM
    expect(listenerSecurity(4, [peers[0], peers[1]])).toMatchObject({ ttl: 255, minTtl: 254 });
    expect(listenerSecurity(4, [peers[2]])).toMatchObject({ ttl: -1, minTtl: 0 });
    expect(listenerSecurity(4, [])).toMatchObject({ ttl: -1, minTtl: 0 });
  });
});
