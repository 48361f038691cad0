import { describe, expect, test } from '@jest/globals';
import { encodeMd5sig, passwordProblem, TCP_MD5SIG_LEN } from '../../../../src/bgp/security/md5sig.js';
import { encodeSockaddr } from '../../../../src/bgp/security/sockaddr.js';

describe('sockaddr', () => {
  test('IPv4 on an IPv4 socket is a 16-byte sockaddr_in', () => {
    const b = encodeSockaddr('10.0.0.1', 4, 179);
    expect(b.length).toBe(16);
    expect([...b.subarray(0, 8)]).toEqual([2, 0, 0, 179, 10, 0, 0, 1]);
    expect(b.subarray(8).every((x) => x === 0)).toBe(true);
  });
  test('IPv6 is a 28-byte sockaddr_in6 with the address at offset 8', () => {
    const b = encodeSockaddr('fd00::2', 6);
    expect(b.length).toBe(28);
    expect(b.readUInt16LE(0)).toBe(10);
    expect(b.toString('hex', 8, 24)).toBe('fd000000000000000000000000000002');
  });
  test('IPv4 on an IPv6 socket becomes ::ffff:a.b.c.d', () => {
    const b = encodeSockaddr('192.0.2.7', 6);
    expect(b.readUInt16LE(0)).toBe(10);
    expect(b.toString('hex', 8, 24)).toBe('00000000000000000000ffffc0000207');
  });
  test('IPv6 on an IPv4 socket and garbage are errors', () => {
    expect(() => encodeSockaddr('fd00::1', 4)).toThrow(/IPv4 socket/);
    expect(() => encodeSockaddr('not-an-ip', 4)).toThrow(/not an IP/);
  });
});

describe('struct tcp_md5sig', () => {
  test('IPv4 key: address, keylen at 130, key at 136, 216 bytes', () => {
    const b = encodeMd5sig('10.0.0.1', 4, 's3cret');
    expect(b.length).toBe(TCP_MD5SIG_LEN);
    expect(b.readUInt16LE(0)).toBe(2);
    expect([...b.subarray(4, 8)]).toEqual([10, 0, 0, 1]);
    expect(b[128]).toBe(0); // flags
    expect(b[129]).toBe(0); // prefixlen
    expect(b.readUInt16LE(130)).toBe(6);
    expect(b.readInt32LE(132)).toBe(0); // ifindex
    expect(b.toString('utf8', 136, 142)).toBe('s3cret');
    expect(b.subarray(142).every((x) => x === 0)).toBe(true);
  });
  test('IPv6 key', () => {
    const b = encodeMd5sig('2001:db8::1', 6, 'k');
    expect(b.readUInt16LE(0)).toBe(10);
    expect(b.toString('hex', 8, 24)).toBe('20010db8000000000000000000000001');
    expect(b.readUInt16LE(130)).toBe(1);
    expect(b[136]).toBe('k'.charCodeAt(0));
  });
  test('no password encodes a deletion (keylen 0)', () => {
    const b = encodeMd5sig('10.0.0.1', 4, undefined);
    expect(b.readUInt16LE(130)).toBe(0);
    expect(b.subarray(136).every((x) => x === 0)).toBe(true);
  });
  test('the key is the UTF-8 bytes; 80 bytes is the maximum', () => {
    expect(encodeMd5sig('10.0.0.1', 4, 'é').readUInt16LE(130)).toBe(2);
    expect(encodeMd5sig('10.0.0.1', 4, 'x'.repeat(80)).readUInt16LE(130)).toBe(80);
    expect(() => encodeMd5sig('10.0.0.1', 4, 'x'.repeat(81))).toThrow(/at most 80/);
    expect(passwordProblem('')).toMatch(/empty/);
    expect(passwordProblem('ok')).toBeUndefined();
  });
});
