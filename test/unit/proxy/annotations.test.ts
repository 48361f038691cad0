import { describe, expect, test } from '@jest/globals';
import { schedulerFromAnnotations } from '../../../src/proxy/annotations.js';
import { cidrContains, parseCidr } from '../../../src/proxy/cidr.js';

describe('scheduler annotations', () => {
  test('podroute.io wins over kube-router.io', () => {
    expect(schedulerFromAnnotations({ 'podroute.io/service.scheduler': 'lc', 'kube-router.io/service.scheduler': 'dh' }, 'rr').scheduler).toBe('lc');
  });
  test('all kernel schedulers podroute supports are accepted, case-insensitively', () => {
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'mh', 'SED', 'nq']) expect(schedulerFromAnnotations({ 'kube-router.io/service.scheduler': s }, 'rr').problems).toEqual([]);
  });
  test('flags: ipvsadm names too; flags on a scheduler without flags are dropped with a problem', () => {
    expect(schedulerFromAnnotations({ 'podroute.io/service.scheduler': 'mh', 'kube-router.io/service.schedflags': 'mh-fallback, mh-port' }, 'rr').flags).toEqual({ fallback: true, port: true });
    const r = schedulerFromAnnotations({ 'podroute.io/service.scheduler': 'rr', 'podroute.io/service.schedflags': 'flag-1' }, 'rr');
    expect(r.flags).toEqual({});
    expect(r.problems[0]).toMatch(/only apply to sh and mh/);
    expect(schedulerFromAnnotations({ 'podroute.io/service.scheduler': 'sh', 'podroute.io/service.schedflags': 'nope' }, 'rr').problems[0]).toMatch(/unknown flag/);
  });
});

describe('CIDRs', () => {
  test('contains, both families, odd prefix lengths', () => {
    expect(cidrContains(parseCidr('10.96.0.0/12'), '10.111.255.1')).toBe(true);
    expect(cidrContains(parseCidr('10.96.0.0/12'), '10.112.0.1')).toBe(false);
    expect(cidrContains(parseCidr('fd00::/8'), 'fdff::1')).toBe(true);
    expect(cidrContains(parseCidr('fd00::/8'), '10.0.0.1')).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), '1.2.3.4')).toBe(true);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/);
  });
});
