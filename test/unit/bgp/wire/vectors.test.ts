// Byte-exact known vectors, written by hand from the RFC layouts (RFC 4271 §4, RFC 5492, RFC 4760,
// RFC 6793, RFC 7911) in the shapes BIRD and FRR put on the wire.
import { describe, expect, test } from '@jest/globals';
import {
  decodeMessage, encodeOpen, encodeUpdate, encodeKeepalive, encodeNotification, encodeRouteRefresh, emptyCapabilities,
  type UpdateMessage,
} from '../../../../src/bgp/wire/index.js';
import { ctx, fams, hex, MARKER, update } from './helpers.js';

const h = (s: string) => s.replace(/\s/g, '');

describe('OPEN', () => {
  // BIRD-style: one Capabilities parameter: MP ipv4/unicast, route refresh, 4-octet AS, enhanced RR.
  const BIRD_OPEN = MARKER + '002f 01' + '04 fde9 00f0 0a000001 12' + '02 10' + '01 04 0001 00 01' + '02 00' + '41 04 0000fde9' + '46 00';
  const open = {
    version: 4, myAsn: 65001, holdTime: 240, routerId: '10.0.0.1',
    capabilities: { ...emptyCapabilities(), multiprotocol: [{ afi: 1, safi: 1 }], routeRefresh: true, asn4: 65001, enhancedRouteRefresh: true },
  };
  test('encodes byte-exact', () => {
    expect(encodeOpen(open).toString('hex')).toBe(h(BIRD_OPEN));
  });
  test('decodes', () => {
    expect(decodeMessage(hex(BIRD_OPEN), ctx())).toEqual({ type: 1, ...open });
  });
  test('4-octet AS: My AS is AS_TRANS, the capability carries the real ASN; GR and ADD-PATH', () => {
    const o = {
      version: 4, myAsn: 23456, holdTime: 90, routerId: '192.0.2.1',
      capabilities: {
        ...emptyCapabilities(), multiprotocol: [{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }], asn4: 4200000001,
        gracefulRestart: { restartState: true, notification: false, restartTime: 120, families: [{ afi: 1, safi: 1, forwarding: true }] },
        addPath: { families: [{ afi: 1, safi: 1, send: true, receive: true }] },
      },
    };
    const want = MARKER + '003f 01' + '04 5ba0 005a c0000201 22' + '02 20'
      + '01 04 0001 00 01' + '01 04 0002 00 01'
      + '40 06 8078 0001 01 80' // GR: R bit, 120 s, ipv4/unicast with F bit
      + '41 04 fa56ea01'
      + '45 04 0001 01 03'; // ADD-PATH ipv4/unicast send+receive
    expect(encodeOpen(o).toString('hex')).toBe(h(want));
    expect(decodeMessage(hex(want), ctx())).toEqual({ type: 1, ...o });
  });
  test('RFC 9072 extended optional parameters decode', () => {
    const body = '04 fde9 005a 0a000001 ff ff 0005 02 0002 4600';
    const b = hex(MARKER + (19 + hex(body).length).toString(16).padStart(4, '0') + '01' + body);
    expect(decodeMessage(b, ctx())).toMatchObject({ type: 1, capabilities: { enhancedRouteRefresh: true } });
  });
});

describe('UPDATE', () => {
  // ORIGIN IGP, AS_PATH [65001], NEXT_HOP 10.0.0.1, MED 0; NLRI 10.1.2.0/24 172.16.0.0/16 192.168.0.1/32
  const ATTRS = '40 01 01 00' + '40 02 06 02 01 0000fde9' + '40 03 04 0a000001' + '80 04 04 00000000';
  const NLRI = '18 0a0102' + '10 ac10' + '20 c0a80001';
  const UPD = MARKER + '003e 02' + '0000' + '001b' + ATTRS + NLRI;
  const u = {
    withdrawn: { prefixes: [] },
    attributes: { origin: 0 as const, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1', med: 0 },
    nlri: { prefixes: ['10.1.2.0/24', '172.16.0.0/16', '192.168.0.1/32'] },
  };
  test('encodes byte-exact', () => {
    expect(encodeUpdate(u, ctx()).toString('hex')).toBe(h(UPD));
  });
  test('decodes, with attrKey = the raw attribute bytes', () => {
    expect(decodeMessage(hex(UPD), ctx())).toEqual({ type: 2, ...u, attrKey: hex(ATTRS).toString('latin1') });
  });
  test('FRR style: AS_PATH with the Extended Length bit, trailing host bits masked', () => {
    const frr = update('', '40 01 01 00' + '50 02 000a 02 02 0000fde9 0000fdea' + '40 03 04 0a000001', '17 0a0103');
    const d = decodeMessage(frr, ctx()) as UpdateMessage;
    expect(d.attributes).toEqual({ origin: 0, asPath: [{ type: 2, asns: [65001, 65002] }], nextHop: '10.0.0.1' });
    expect(d.nlri.prefixes).toEqual(['10.1.2.0/23']);
  });
  test('IPv6 with global + link-local next hop (RFC 2545), MP_REACH_NLRI with Extended Length as FRR sends it', () => {
    const mp = '90 0e 0031 0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 20 20010db8 30 20010db80001';
    const b = update('', mp + '40 01 01 00' + '40 02 06 02 01 0000fde9' + 'c0 08 04 fde90064', '');
    const d = decodeMessage(b, ctx()) as UpdateMessage;
    expect(d.attributes).toEqual({
      mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1', nlri: { prefixes: ['2001:db8::/32', '2001:db8:1::/48'] } },
      origin: 0, asPath: [{ type: 2, asns: [65001] }], communities: [(65001 << 16 | 100) >>> 0],
    });
    expect(encodeUpdate({ withdrawn: { prefixes: [] }, attributes: d.attributes, nlri: { prefixes: [] } }, ctx()).toString('hex')).toBe(b.toString('hex'));
  });
  test('ADD-PATH NLRI (RFC 7911): path id before each prefix', () => {
    const c = ctx({ addPathReceive: fams('ipv4-unicast'), addPathSend: fams('ipv4-unicast') });
    const b = update('', '40 01 01 00' + '40 02 00' + '40 03 04 0a000001' + '40 05 04 00000064', '00000001 08 0a' + '00000002 08 0a');
    const d = decodeMessage(b, ctx({ ...c, ebgp: false })) as UpdateMessage;
    expect(d.nlri).toEqual({ prefixes: ['10.0.0.0/8', '10.0.0.0/8'], pathIds: [1, 2] });
    expect(encodeUpdate(d, { ...c, ebgp: false }).toString('hex')).toBe(b.toString('hex'));
  });
  test('unknown optional transitive attribute is passed on with the Partial bit', () => {
    const b = update('', '40 01 01 00' + '40 02 00' + 'c0 63 02 abcd', '');
    const d = decodeMessage(b, ctx()) as UpdateMessage;
    expect(d.attributes!.unknown).toEqual([{ flags: 0xc0, code: 0x63, value: Uint8Array.of(0xab, 0xcd) }]);
    expect(encodeUpdate(d, ctx()).toString('hex')).toContain('e06302abcd');
  });
  test('unknown optional non-transitive attribute is not passed on', () => {
    const d = decodeMessage(update('', '40 01 01 00' + '40 02 00' + '80 63 02 abcd', ''), ctx()) as UpdateMessage;
    expect(d.attributes!.unknown).toHaveLength(1);
    expect(encodeUpdate(d, ctx()).toString('hex')).not.toContain('6302abcd');
  });
  test('encodeUpdate refuses messages over the maximum', () => {
    const prefixes = Array.from({ length: 1100 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const u2 = { withdrawn: { prefixes: [] }, attributes: { origin: 0 as const, asPath: [], nextHop: '10.0.0.1' }, nlri: { prefixes } };
    expect(() => encodeUpdate(u2, ctx())).toThrow(/more than 4096/);
    expect(encodeUpdate(u2, ctx({ extendedMessage: true })).length).toBeGreaterThan(4096);
  });
});

describe('small messages', () => {
  test('KEEPALIVE', () => {
    expect(encodeKeepalive().toString('hex')).toBe(MARKER + '001304');
  });
  test('NOTIFICATION Cease/Administrative Shutdown with RFC 9003 text', () => {
    const n = encodeNotification(6, 2, Buffer.from('\u0003bye'));
    expect(n.toString('hex')).toBe(MARKER + '0019 03 06 02 03 627965'.replace(/ /g, ''));
    expect(decodeMessage(n, ctx())).toEqual({ type: 3, code: 6, subcode: 2, data: Uint8Array.of(3, 0x62, 0x79, 0x65) });
  });
  test('ROUTE-REFRESH ipv6/unicast BoRR', () => {
    const r = encodeRouteRefresh(2, 1, 1);
    expect(r.toString('hex')).toBe(MARKER + '0017 05 0002 01 01'.replace(/ /g, ''));
    expect(decodeMessage(r, ctx())).toEqual({ type: 5, afi: 2, safi: 1, subtype: 1 });
  });
});

describe('RFC 9003 shutdown communication', () => {
  test('round trip, cut at 255 octets on a character boundary, invalid data gives null', async () => {
    const { encodeShutdownCommunication: enc, decodeShutdownCommunication: dec } = await import('../../../../src/bgp/wire/index.js');
    expect(Buffer.from(enc('bye')).toString('hex')).toBe('03627965');
    expect(dec(enc('maintenance — back soon'))).toBe('maintenance — back soon');
    const long = enc('é'.repeat(200)); // 400 octets of UTF-8
    expect(long[0]).toBe(254);
    expect(dec(long)).toBe('é'.repeat(127));
    expect(dec(new Uint8Array(0))).toBeNull();
    expect(dec(Uint8Array.of(5, 0x41))).toBeNull();
    expect(dec(Uint8Array.of(1, 0xff))).toBeNull();
  });
});
