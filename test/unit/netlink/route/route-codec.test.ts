// Route, multipath, link and address codecs, byte-exact against linux/rtnetlink.h layouts:
// struct rtmsg {u8 family,dst_len,src_len,tos,table,protocol,scope,type; u32 flags} (12 bytes),
// struct rtnexthop {u16 len; u8 flags; u8 hops; i32 ifindex} (8 bytes, hops = weight-1),
// struct ifinfomsg (16 bytes), struct ifaddrmsg (8 bytes).

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseMessages } from '../../../../src/netlink/message.js';
import { NetlinkWriter } from '../../../../src/netlink/writer.js';
import { parseAddr } from '../../../../src/netlink/route/addr.js';
import { inSubnet, addressToBytes } from '../../../../src/netlink/route/address.js';
import { parseLink } from '../../../../src/netlink/route/link.js';
import { parseMultipath, writeMultipath } from '../../../../src/netlink/route/multipath.js';
import { checkRouteProtocol, PODROUTE_RTPROT_DEFAULT } from '../../../../src/netlink/route/protocol.js';
import { parseRoute, writeRoute, writeRouteKey, type RouteSpec } from '../../../../src/netlink/route/route.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function body(fn: (w: NetlinkWriter) => void): string {
  const w = new NetlinkWriter();
  fn(w);
  return hex(w.bytes());
}

function asMessage(type: number, fn: (w: NetlinkWriter) => void) {
  const w = new NetlinkWriter();
  w.beginMessage(type, 0, 1, 0);
  fn(w);
  w.endMessage();
  return parseMessages(Buffer.from(w.bytes()))[0];
}

describe('writeRoute', () => {
  test('IPv4, one next hop: rtmsg + TABLE + DST + PRIORITY + GATEWAY + OIF', () => {
    const r: RouteSpec = { prefix: '192.0.2.0/24', table: 254, protocol: 201, metric: 20, nextHops: [{ gateway: '10.0.0.2', ifindex: 3 }] };
    expect(body((w) => writeRoute(w, r))).toBe(
      '02180000' + 'fec90001' + '00000000' +
        '08000f00fe000000' +
        '08000100c0000200' +
        '0800060014000000' +
        '080005000a000002' +
        '0800040003000000',
    );
  });

  test('table ≥ 256 leaves rtm_table 0 and sends RTA_TABLE', () => {
    const b = body((w) => writeRoute(w, { prefix: '10.1.0.0/16', table: 1000, protocol: 201, nextHops: [{ gateway: '10.0.0.2' }] }));
    expect(b.slice(8, 10)).toBe('00');
    expect(b.slice(24, 40)).toBe('08000f00e8030000');
  });

  test('IPv4 ECMP with weights → RTA_MULTIPATH of rtnexthop + RTA_GATEWAY', () => {
    const b = body((w) =>
      writeMultipath(w, [{ gateway: '10.0.0.2', ifindex: 3 }, { gateway: '10.0.0.3', ifindex: 3, weight: 2 }], 2),
    );
    expect(b).toBe('24000900' + '1000' + '00' + '00' + '03000000' + '080005000a000002' + '1000' + '00' + '01' + '03000000' + '080005000a000003');
  });

  test('IPv6 ECMP hop carries a 16-byte RTA_GATEWAY (rtnh_len 28)', () => {
    const b = body((w) => writeMultipath(w, [{ gateway: 'fd00::2', ifindex: 7, weight: 256 }], 10));
    expect(b).toBe('20000900' + '1c00' + '00' + 'ff' + '07000000' + '14000500' + 'fd000000000000000000000000000002');
  });

  test('IPv4 route via an IPv6 gateway uses RTA_VIA {u16 family; addr}', () => {
    const b = body((w) => writeRoute(w, { prefix: '10.9.0.0/16', protocol: 201, nextHops: [{ gateway: 'fe80::1', ifindex: 2 }] }));
    expect(b).toContain('16001200' + '0a00' + 'fe800000000000000000000000000001');
  });

  test('weights outside 1..256 are refused', () => {
    expect(() => body((w) => writeMultipath(w, [{ gateway: '10.0.0.2', weight: 0 }], 2))).toThrow(RangeError);
    expect(() => body((w) => writeMultipath(w, [{ gateway: '10.0.0.2', weight: 257 }], 2))).toThrow(RangeError);
  });

  test('delete key: scope NOWHERE, protocol and metric, no next hops', () => {
    expect(body((w) => writeRouteKey(w, { prefix: '2001:db8::/32', table: 254, protocol: 201, metric: 20 }))).toBe(
      '0a200000' + 'fec9ff00' + '00000000' + '08000f00fe000000' + '14000100' + '20010db8000000000000000000000000' + '0800060014000000',
    );
  });

  test('default route omits RTA_DST; host bits are refused', () => {
    expect(body((w) => writeRoute(w, { prefix: '0.0.0.0/0', protocol: 201, nextHops: [{ gateway: '10.0.0.2' }] }))).toBe(
      '02000000' + 'fec90001' + '00000000' + '08000f00fe000000' + '080005000a000002',
    );
    expect(() => body((w) => writeRoute(w, { prefix: '10.0.0.1/24', protocol: 201, nextHops: [] }))).toThrow(/host bits/);
  });
});

describe('parseRoute', () => {
  test('round trip of single-hop and ECMP routes, v4 and v6', () => {
    const specs: RouteSpec[] = [
      { prefix: '192.0.2.0/24', table: 254, protocol: 201, metric: 20, nextHops: [{ gateway: '10.0.0.2', ifindex: 3 }] },
      { prefix: '2001:db8::/48', table: 100, protocol: 201, metric: 1024, nextHops: [{ gateway: 'fd00::2', ifindex: 4, weight: 1 }, { gateway: 'fd00::3', ifindex: 4, weight: 5 }] },
      { prefix: '0.0.0.0/0', table: 5000, protocol: 201, metric: 0, nextHops: [{ gateway: '10.0.0.2' }] },
    ];
    for (const s of specs) {
      const r = parseRoute(asMessage(24, (w) => writeRoute(w, s)))!;
      expect(r.prefix).toBe(s.prefix);
      expect(r.table).toBe(s.table);
      expect(r.protocol).toBe(201);
      expect(r.metric).toBe(s.metric);
      expect(r.nextHops).toEqual(s.nextHops);
    }
  });

  test('decodes a kernel multipath reply with flags (RTNH_F_LINKDOWN)', () => {
    const w = new NetlinkWriter();
    w.beginMessage(24, 2, 0, 0);
    w.u8(2).u8(32).u8(0).u8(0).u8(254).u8(201).u8(0).u8(1).u32(0);
    w.attrU32(15, 254).attr(1, Uint8Array.from([10, 1, 2, 3]));
    w.attr(9, Buffer.from('1000' + '10' + '02' + '05000000' + '080005000a000002', 'hex'));
    w.endMessage();
    const r = parseRoute(parseMessages(Buffer.from(w.bytes()))[0])!;
    expect(r.prefix).toBe('10.1.2.3/32');
    expect(r.nextHops).toEqual([{ gateway: '10.0.0.2', ifindex: 5, weight: 3, flags: 16 }]);
  });

  test('multipath decode never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => void parseMultipath(Buffer.from(b))));
  });

  test('multipath round trip (property)', () => {
    const hop = fc.record({
      gateway: fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.${a}.${b}.1`),
      ifindex: fc.integer({ min: 1, max: 100000 }),
      weight: fc.integer({ min: 1, max: 256 }),
    });
    fc.assert(
      fc.property(fc.array(hop, { minLength: 1, maxLength: 16 }), (hops) => {
        const w = new NetlinkWriter();
        writeMultipath(w, hops, 2);
        const b = Buffer.from(w.bytes());
        expect(parseMultipath(b.subarray(4))).toEqual(hops);
      }),
    );
  });
});

describe('link and address', () => {
  test('ifinfomsg: index, flags, name, up = IFF_UP && IFF_LOWER_UP', () => {
    const m = asMessage(16, (w) => {
      w.u8(0).u8(0).u16(1).i32(7).u32(0x1 | 0x10000 | 0x40).u32(0);
      w.attrString(3, 'veth0').attrU32(4, 1500).attrU8(16, 6);
    });
    expect(parseLink(m)).toEqual({ index: 7, name: 'veth0', flags: 0x10041, mtu: 1500, operstate: 6, up: true });
    const down = asMessage(16, (w) => w.u8(0).u8(0).u16(1).i32(8).u32(0x1).u32(0));
    expect(parseLink(down)!.up).toBe(false);
  });

  test('ifaddrmsg: local address, prefix length, tentative flag', () => {
    const m = asMessage(20, (w) => {
      w.u8(10).u8(64).u8(0x40).u8(0).u32(7);
      w.attr(1, addressToBytes('fd00::1'));
      w.attrU32(8, 0x40);
    });
    const a = parseAddr(m)!;
    expect(a).toMatchObject({ family: 10, prefixLen: 64, ifindex: 7, address: 'fd00::1', tentative: true });
    expect(inSubnet(addressToBytes('fd00::2'), a.network, a.prefixLen)).toBe(true);
    expect(inSubnet(addressToBytes('fd01::2'), a.network, a.prefixLen)).toBe(false);
    expect(inSubnet(addressToBytes('10.0.0.5'), addressToBytes('10.0.0.1'), 29)).toBe(true);
    expect(inSubnet(addressToBytes('10.0.0.9'), addressToBytes('10.0.0.1'), 29)).toBe(false);
  });
});

describe('route protocol', () => {
  test('default 201 is valid; kernel/bird/zebra/FRR numbers are refused', () => {
    expect(checkRouteProtocol(PODROUTE_RTPROT_DEFAULT)).toBe(201);
    for (const n of [2, 3, 4, 11, 12, 186, 196, 198, 0, 256]) expect(() => checkRouteProtocol(n)).toThrow(RangeError);
  });
});

describe('prefixToBytes agrees with bgp/wire parsePrefix', () => {
  test('accepts and rejects the same texts (property)', async () => {
    const { prefixToBytes } = await import('../../../../src/netlink/route/address.js');
    const { parsePrefix } = await import('../../../../src/bgp/wire/prefix.js');
    const texts = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, l]) => `${a}/${l}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([a, l]) => `${a}/${l}`),
      fc.constantFrom('10.0.0.0/024', '10.0.0.0/', '10.0.0.0', '/8', '0.0.0.0/0', '::/0', '10.0.0.0/8x', '1.2.3.4/32', '10.1.0.0/16'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(texts, (t) => {
        let a: string;
        let b: string;
        try {
          const p = prefixToBytes(t);
          a = `${p.len} ${Buffer.from(p.bytes).toString('hex')}`;
        } catch {
          a = 'error';
        }
        try {
          const p = parsePrefix(t);
          b = `${p.len} ${Buffer.from(p.bytes).toString('hex')}`;
        } catch {
          b = 'error';
        }
        expect(a).toBe(b);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatIpv6Fast agrees with bgp/wire formatIpv6', () => {
  test('same text for any 16 bytes (property, zero-heavy)', async () => {
    const { formatIpv6Fast } = await import('../../../../src/netlink/route/address.js');
    const { formatIpv6 } = await import('../../../../src/bgp/wire/address.js');
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (gs) => {
        const b = new Uint8Array(16);
        gs.forEach((g, i) => {
          b[2 * i] = g >> 8;
          b[2 * i + 1] = g & 0xff;
        });
        expect(formatIpv6Fast(b)).toBe(formatIpv6(b));
      }),
      { numRuns: 5000 },
    );
  });
});
