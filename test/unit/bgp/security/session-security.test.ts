// The session's side of the security settings, with a fake socket and a manual clock: what the
// connector is asked for, which changes reset the session, and the max-prefix Cease's data.
import { describe, expect, test } from '@jest/globals';
import type { NotificationMessage } from '../../../../src/bgp/wire/types.js';
import { maxPrefixData } from '../../../../src/bgp/security/max-prefix.js';
import { establish, makeSession } from '../session/harness.js';

describe('session transport settings', () => {
  test('the connector gets the key, TTL 255 and minimum 254 for a GTSM peer', () => {
    const h = makeSession({ password: 'k', ttlSecurity: true });
    h.s.start();
    expect(h.connects[0]).toMatchObject({ password: 'k', ttl: 255, minTtl: 254 });
  });

  test('eBGP multihop sets the TTL; iBGP leaves the system default', () => {
    const m = makeSession({ ebgpMultihop: 4 });
    m.s.start();
    expect(m.connects[0]).toMatchObject({ ttl: 4 });
    expect(m.connects[0].minTtl).toBeUndefined();
    const i = makeSession({ peerAsn: 4200000001 });
    i.s.start();
    expect(i.connects[0].ttl).toBeUndefined();
  });

  test.each([
    ['password', { password: 'new' }, { password: 'new', ttl: 1 }],
    ['ttlSecurity', { ttlSecurity: true }, { password: 'old', ttl: 255, minTtl: 254 }],
    ['ebgpMultihop', { ebgpMultihop: 2 }, { password: 'old', ttl: 2 }],
  ])('a changed %s resets the session (Cease/6) and reconnects with it', (_k, change, params) => {
    const h = makeSession({ password: 'old' });
    const sock = establish(h);
    sock.take();
    expect(h.s.updateConfig({ ...h.s.config, ...change })).toBe('reset');
    expect(h.events).toEqual(['established', 'down:6/6']);
    expect(h.connects).toHaveLength(2);
    expect(h.connects[1]).toMatchObject(params);
  });

  test('invalid transport settings are refused', () => {
    expect(() => makeSession({ password: 'x'.repeat(81) })).toThrow(/at most 80/);
    expect(() => makeSession({ ttlSecurity: true, ebgpMultihop: 3 })).toThrow(/exclude/);
    const h = makeSession();
    expect(() => h.s.updateConfig({ ...h.s.config, ebgpMultihop: 300 })).toThrow(/1 to 255/);
  });

  test('stop() with data sends Cease/1 carrying AFI, SAFI and the limit', async () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    await h.s.stop({ subcode: 1, data: maxPrefixData('ipv6-unicast', 500), text: 'too many' });
    const n = sock.take().pop() as NotificationMessage;
    expect([n.type, n.code, n.subcode]).toEqual([3, 6, 1]);
    expect([...n.data]).toEqual([0, 2, 1, 0, 0, 1, 244]);
    expect(h.s.state).toBe('Idle');
  });
});
