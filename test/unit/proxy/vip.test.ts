import { describe, expect, test } from '@jest/globals';
import { diffVips, vipBatch, VipInterface } from '../../../src/proxy/vip.js';

describe('VIP interface', () => {
  test('diff compares canonical addresses', () => {
    expect(diffVips(['10.96.0.10', 'FD00::A', '10.96.0.9'], ['10.96.0.10', 'fd00::a', '10.96.0.11'])).toEqual({ add: ['10.96.0.11'], remove: ['10.96.0.9'] });
  });
  test('ip -batch lines: /32 and /128, nodad for IPv6 adds, removals first', () => {
    expect(vipBatch('podroute-vip', { add: ['10.96.0.11', 'fd00::b'], remove: ['10.96.0.9'] })).toBe(
      'addr del 10.96.0.9/32 dev podroute-vip\naddr add 10.96.0.11/32 dev podroute-vip\naddr add fd00::b/128 dev podroute-vip nodad\n',
    );
  });
  test('refuses interface names ip would misread', () => {
    expect(() => new VipInterface('a b')).toThrow(/bad interface name/);
    expect(() => new VipInterface('x'.repeat(16))).toThrow(/bad interface name/);
  });
});
