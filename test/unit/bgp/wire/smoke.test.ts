import { expect, test } from '@jest/globals';
import { decodeMessage, packUpdates, packWithdrawals, encodeUpdate, encodeOpen, emptyCapabilities, encodeEndOfRib, endOfRibFamily, type UpdateMessage } from '../../../../src/bgp/wire/index.js';
import { ctx } from './helpers.js';

test('smoke', () => {
  const c = ctx();
  const msgs = packUpdates('ipv4-unicast', { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' }, ['10.0.0.0/24', '10.1.0.0/16', '0.0.0.0/0', '1.2.3.4/32'], c);
  expect(msgs.length).toBe(1);
  const u = decodeMessage(msgs[0], c) as UpdateMessage;
  expect(u.nlri.prefixes).toEqual(['10.0.0.0/24', '10.1.0.0/16', '0.0.0.0/0', '1.2.3.4/32']);
  expect(u.attributes).toEqual({ origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' });
  const v6 = packUpdates('ipv6-unicast', { origin: 0, asPath: [], nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1' }, ['2001:db8::/32', '::/0'], c);
  const u6 = decodeMessage(v6[0], c) as UpdateMessage;
  expect(u6.attributes!.mpReach).toEqual({ afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1', nlri: { prefixes: ['2001:db8::/32', '::/0'] } });
  expect(u6.treatAsWithdraw).toBeUndefined();
  const wd = packWithdrawals('ipv6-unicast', ['2001:db8::/32'], c);
  expect((decodeMessage(wd[0], c) as UpdateMessage).attributes!.mpUnreach!.withdrawn.prefixes).toEqual(['2001:db8::/32']);
  expect(endOfRibFamily(decodeMessage(encodeEndOfRib('ipv6-unicast'), c) as UpdateMessage)).toBe('ipv6-unicast');
  expect(endOfRibFamily(decodeMessage(encodeEndOfRib('ipv4-unicast'), c) as UpdateMessage)).toBe('ipv4-unicast');
  const e = encodeUpdate({ withdrawn: { prefixes: ['10.9.0.0/16'] }, attributes: null, nlri: { prefixes: [] } }, c);
  expect((decodeMessage(e, c) as UpdateMessage).withdrawn.prefixes).toEqual(['10.9.0.0/16']);
  const o = encodeOpen({ version: 4, myAsn: 65000, holdTime: 90, routerId: '1.1.1.1', capabilities: { ...emptyCapabilities(), asn4: 65000, routeRefresh: true, multiprotocol: [{ afi: 1, safi: 1 }] } });
  expect(decodeMessage(o, c)).toMatchObject({ type: 1, myAsn: 65000, capabilities: { asn4: 65000 } });
});
