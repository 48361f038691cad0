// The per-family accepted counts that max-prefix limits are checked against (Rib.acceptedByFamily):
// they must track announcements, re-announcements, withdrawals, import-filter rejections, session
// loss and graceful-restart sweeps exactly, or a limit would trip late or never.
import { describe, expect, test } from '@jest/globals';
import { Rib } from '../../../../src/bgp/rib/index.js';
import { announce, announce6, attrs, ebgpPeer, LOCAL_ASN, ROUTER_ID, withdraw, withdraw6 } from '../rib/fixtures.js';

const v4 = (n: number): string[] => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
const v6 = (n: number): string[] => Array.from({ length: n }, (_, i) => `2001:db8:${i}::/48`);

function rib(importFilter?: ConstructorParameters<typeof Rib>[0]['importFilter']): Rib {
  const r = new Rib({ localAsn: LOCAL_ASN, routerId: ROUTER_ID, now: () => 1000, importFilter });
  r.addPeer(ebgpPeer('a', 65001, '192.0.2.10'));
  r.addPeer(ebgpPeer('b', 65002, '192.0.2.20'));
  return r;
}

describe('accepted prefixes per family', () => {
  test('announce, re-announce and withdraw, per family and per peer', () => {
    const r = rib();
    r.applyUpdate('a', announce(v4(5), attrs({ path: [65001], nextHop: '192.0.2.10' })));
    r.applyUpdate('a', announce6(v6(3), '2001:db8::10', { path: [65001] }));
    r.applyUpdate('b', announce(v4(2), attrs({ path: [65002], nextHop: '192.0.2.20' })));
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 5, 'ipv6-unicast': 3 });
    expect(r.acceptedByFamily('b')).toEqual({ 'ipv4-unicast': 2, 'ipv6-unicast': 0 });
    // The same prefixes again (an implicit replace) do not count twice.
    r.applyUpdate('a', announce(v4(5), attrs({ path: [65001, 65009], nextHop: '192.0.2.10' })));
    expect(r.acceptedByFamily('a')['ipv4-unicast']).toBe(5);
    r.applyUpdate('a', withdraw(v4(2)));
    r.applyUpdate('a', withdraw6(v6(1)));
    r.applyUpdate('a', withdraw(['172.16.0.0/12'])); // never announced
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 3, 'ipv6-unicast': 2 });
    expect(r.peerCounters('a').accepted).toBe(5);
  });

  test('paths the import filter rejects are not counted; a later rejection uncounts', () => {
    let reject = false;
    const r = rib((_p, _prefix, a) => (reject ? null : a));
    r.applyUpdate('a', announce(v4(4), attrs({ path: [65001], nextHop: '192.0.2.10' })));
    expect(r.acceptedByFamily('a')['ipv4-unicast']).toBe(4);
    reject = true;
    r.applyUpdate('a', announce(v4(1), attrs({ path: [65001], nextHop: '192.0.2.10' })));
    expect(r.acceptedByFamily('a')['ipv4-unicast']).toBe(3);
  });

  test('session loss clears the counts; a graceful-restart sweep removes only the stale family', () => {
    const r = rib();
    r.applyUpdate('a', announce(v4(4), attrs({ path: [65001], nextHop: '192.0.2.10' })));
    r.applyUpdate('a', announce6(v6(2), '2001:db8::10', { path: [65001] }));
    r.peerDown('a', { keepStale: true });
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 4, 'ipv6-unicast': 2 });
    r.sweepStale('a', 'ipv6-unicast');
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 4, 'ipv6-unicast': 0 });
    r.sweepStale('a');
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 0, 'ipv6-unicast': 0 });
    r.applyUpdate('a', announce(v4(1), attrs({ path: [65001], nextHop: '192.0.2.10' })));
    r.peerDown('a');
    expect(r.acceptedByFamily('a')).toEqual({ 'ipv4-unicast': 0, 'ipv6-unicast': 0 });
  });
});
