// Byte layouts against include/uapi/linux/ip_vs.h and the kernel's ip_vs_ctl.c (what it requires
// on NEW/DEL and what it sends in dumps).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { AttrWriter, parseAttrs } from '../../../../src/netlink/ipvs/attr.js';
import { canonicalAddr, decodeAddr, encodeAddr, v4MaskBits, v4MaskBytes } from '../../../../src/netlink/ipvs/address.js';
import { Cmd, CmdAttr, DestAttr, SvcAttr, StatsAttr } from '../../../../src/netlink/ipvs/constants.js';
import { decodeDestination, encodeDestination } from '../../../../src/netlink/ipvs/destination.js';
import * as m from '../../../../src/netlink/ipvs/messages.js';
import { decodeService, encodeService } from '../../../../src/netlink/ipvs/service.js';
import { decodeStats, encodeStats, zeroStats } from '../../../../src/netlink/ipvs/stats.js';
import type { IpvsDestination, IpvsService } from '../../../../src/netlink/ipvs/types.js';

const hex = (b: Buffer): string => b.toString('hex');

const rr: IpvsService = {
  id: { family: 4, protocol: 'tcp', address: '10.96.0.10', port: 80 },
  scheduler: 'rr', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false,
};

describe('service attributes', () => {
  test('TCP 10.96.0.10:80 rr: exact bytes (AF, PROTOCOL, ADDR[16], PORT be16, SCHED, FLAGS, TIMEOUT, NETMASK)', () => {
    const b = encodeService(rr).toBuffer();
    expect(hex(b)).toBe([
      '0600', '0100', '0200', '0000', // AF = AF_INET (u16, padded)
      '0600', '0200', '0600', '0000', // PROTOCOL = 6
      '1400', '0300', '0a60000a', '00000000', '00000000', '00000000', // ADDR: union nf_inet_addr
      '0600', '0400', '0050', '0000', // PORT 80, network order
      '0700', '0600', '727200', '00', // SCHED_NAME "rr\0" + pad
      '0c00', '0700', '00000000', 'ffffffff', // FLAGS {flags, mask}
      '0800', '0800', '00000000', // TIMEOUT
      '0800', '0900', 'ffffffff', // NETMASK 255.255.255.255 (be32)
    ].join(''));
  });

  test('persistence sets IP_VS_SVC_F_PERSISTENT and TIMEOUT; sh flags use SCHED1/SCHED2', () => {
    const s: IpvsService = { ...rr, scheduler: 'sh', schedFlags: { fallback: true, port: true }, persistence: 10800, netmaskBits: 24, onePacket: true };
    const a = parseAttrs(encodeService(s).toBuffer());
    expect(a.get(SvcAttr.FLAGS)!.readUInt32LE(0)).toBe(0x1 | 0x4 | 0x8 | 0x10);
    expect(a.get(SvcAttr.TIMEOUT)!.readUInt32LE(0)).toBe(10800);
    expect(hex(a.get(SvcAttr.NETMASK)!)).toBe('ffffff00');
  });

  test('IPv6 netmask is a prefix length in a u32; address is 16 bytes', () => {
    const s: IpvsService = { ...rr, id: { family: 6, protocol: 'udp', address: 'fd00::a', port: 53 }, netmaskBits: 128 };
    const a = parseAttrs(encodeService(s).toBuffer());
    expect(a.get(SvcAttr.AF)!.readUInt16LE(0)).toBe(10);
    expect(a.get(SvcAttr.PROTOCOL)!.readUInt16LE(0)).toBe(17);
    expect(hex(a.get(SvcAttr.ADDR)!)).toBe('fd00000000000000000000000000000a');
    expect(a.get(SvcAttr.NETMASK)!.readUInt32LE(0)).toBe(128);
  });

  test('fwmark service carries FWMARK instead of PROTOCOL/ADDR/PORT', () => {
    const a = parseAttrs(encodeService({ ...rr, id: { family: 4, fwmark: 0x4000 } }).toBuffer());
    expect(a.get(SvcAttr.FWMARK)!.readUInt32LE(0)).toBe(0x4000);
    expect(a.has(SvcAttr.ADDR)).toBe(false);
    expect(a.has(SvcAttr.PORT)).toBe(false);
  });

  test('rejects scheduler names the kernel would truncate and out-of-range netmasks', () => {
    expect(() => encodeService({ ...rr, scheduler: 'x'.repeat(16) })).toThrow(/scheduler/);
    expect(() => encodeService({ ...rr, scheduler: '' })).toThrow(/scheduler/);
    expect(() => encodeService({ ...rr, netmaskBits: 33 })).toThrow(/netmask/);
    expect(() => encodeService({ ...rr, id: { family: 6, protocol: 'tcp', address: '::1', port: 1 }, netmaskBits: 0 })).toThrow(/netmask/);
  });

  test('decodes a kernel dump entry (HASHED flag, zeroed fwmark, stats and stats64)', () => {
    const flags = Buffer.alloc(8); flags.writeUInt32LE(0x2 | 0x1, 0); flags.writeUInt32LE(0xffffffff, 4);
    const st = { ...zeroStats(), conns: 3n, inPkts: 7n, inBytes: 1234n };
    const w = new AttrWriter().u16(SvcAttr.AF, 2).u16(SvcAttr.PROTOCOL, 17).raw(SvcAttr.ADDR, encodeAddr('10.0.0.1'))
      .be16(SvcAttr.PORT, 53).u32(SvcAttr.FWMARK, 0).str(SvcAttr.SCHED_NAME, 'wlc').raw(SvcAttr.FLAGS, flags)
      .u32(SvcAttr.TIMEOUT, 300).raw(SvcAttr.NETMASK, v4MaskBytes(32))
      .nested(SvcAttr.STATS, encodeStats(st, false)).nested(SvcAttr.STATS64, encodeStats({ ...st, inPkts: 2n ** 40n }, true));
    const e = decodeService(w.toBuffer());
    expect(e.id).toEqual({ family: 4, protocol: 'udp', address: '10.0.0.1', port: 53 });
    expect(e.scheduler).toBe('wlc');
    expect(e.persistence).toBe(300);
    expect(e.rawFlags).toBe(3);
    expect(e.stats!.inPkts).toBe(2n ** 40n); // STATS64 preferred
    expect(e.stats!.conns).toBe(3n);
  });

  test('property: encode → decode round-trips every service', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => canonicalAddr(g.map((x) => x.toString(16)).join(':')));
    const svc = fc.oneof(
      fc.record({ family: fc.constant<4>(4), protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const), address: v4, port: fc.nat(65535), bits: fc.nat(32) }),
      fc.record({ family: fc.constant<6>(6), protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const), address: v6, port: fc.nat(65535), bits: fc.integer({ min: 1, max: 128 }) }),
    );
    fc.assert(fc.property(svc, fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'mh'), fc.nat(86400), fc.boolean(), fc.boolean(), fc.boolean(), (s, sched, pers, fb, port, op) => {
      const in_: IpvsService = {
        id: { family: s.family, protocol: s.protocol, address: s.address, port: s.port } as IpvsService['id'],
        scheduler: sched, schedFlags: { ...(fb ? { fallback: true } : {}), ...(port ? { port: true } : {}) },
        persistence: pers, netmaskBits: s.bits, onePacket: op,
      };
      const { rawFlags, ...out } = decodeService(encodeService(in_).toBuffer());
      expect(rawFlags & ~0x3f).toBe(0);
      expect(out).toEqual(in_);
    }));
  });
});

describe('destination attributes', () => {
  const d: IpvsDestination = { address: '10.244.1.5', port: 8080, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 };

  test('masq destination: exact bytes (ADDR_FAMILY, ADDR, PORT, FWD, WEIGHT, U/L_THRESH)', () => {
    expect(hex(encodeDestination(d).toBuffer())).toBe([
      '0600', '0b00', '0200', '0000', // ADDR_FAMILY
      '1400', '0100', '0af40105', '00000000', '00000000', '00000000', // ADDR
      '0600', '0200', '1f90', '0000', // PORT 8080 be16
      '0800', '0300', '00000000', // FWD_METHOD masq
      '0800', '0400', '01000000', // WEIGHT
      '0800', '0500', '00000000', // U_THRESH
      '0800', '0600', '00000000', // L_THRESH
    ].join(''));
  });

  test('forwarding methods map to IP_VS_CONN_F_* and tunnel attributes follow the type', () => {
    const fwd = (f: IpvsDestination['forward']): number => parseAttrs(encodeDestination({ ...d, forward: f }).toBuffer()).get(DestAttr.FWD_METHOD)!.readUInt32LE(0);
    expect([fwd('masq'), fwd('local'), fwd('tunnel'), fwd('route'), fwd('bypass')]).toEqual([0, 1, 2, 3, 4]);
    const gue = parseAttrs(encodeDestination({ ...d, forward: 'tunnel', tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 1 }).toBuffer());
    expect(gue.get(DestAttr.TUN_TYPE)![0]).toBe(1);
    expect(gue.get(DestAttr.TUN_PORT)!.readUInt16BE(0)).toBe(6080);
    expect(gue.get(DestAttr.TUN_FLAGS)!.readUInt16LE(0)).toBe(1);
    const ipip = parseAttrs(encodeDestination({ ...d, forward: 'tunnel', tunnelType: 'ipip' }).toBuffer());
    expect(ipip.has(DestAttr.TUN_PORT) || ipip.has(DestAttr.TUN_FLAGS)).toBe(false);
  });

  test('rejects weights outside the kernel int range', () => {
    expect(() => encodeDestination({ ...d, weight: -1 })).toThrow(/weight/);
    expect(() => encodeDestination({ ...d, weight: 1.5 })).toThrow(/weight/);
  });

  test('decodes a kernel dump entry with connection counters and stats', () => {
    const w = encodeDestination({ ...d, weight: 0 }).u32(DestAttr.ACTIVE_CONNS, 2).u32(DestAttr.INACT_CONNS, 5).u32(DestAttr.PERSIST_CONNS, 1)
      .nested(DestAttr.STATS64, encodeStats({ ...zeroStats(), conns: 9n }, true));
    const e = decodeDestination(w.toBuffer(), 4);
    expect(e).toMatchObject({ address: '10.244.1.5', port: 8080, weight: 0, activeConns: 2, inactiveConns: 5, persistConns: 1 });
    expect(e.stats!.conns).toBe(9n);
    expect(e.family).toBeUndefined();
  });

  test('round-trips IPv6 destinations and mixed-family tunnel destinations', () => {
    const v6 = { ...d, address: 'fd00:10:244::5' };
    expect(decodeDestination(encodeDestination(v6).toBuffer(), 6)).toMatchObject(v6);
    const mixed = decodeDestination(encodeDestination({ ...d, forward: 'tunnel', tunnelType: 'ipip' }).toBuffer(), 6);
    expect(mixed.family).toBe(4);
  });
});

describe('stats', () => {
  test('STATS: u32 except the byte counters (u64)', () => {
    const b = encodeStats({ ...zeroStats(), conns: 1n, inBytes: 2n ** 33n }, false).toBuffer();
    const a = parseAttrs(b);
    expect(a.get(StatsAttr.CONNS)!.length).toBe(4);
    expect(a.get(StatsAttr.INBYTES)!.length).toBe(8);
    expect(decodeStats(b, false).inBytes).toBe(2n ** 33n);
  });
});

describe('requests', () => {
  test('NEW_DEST nests the service identity then the destination', () => {
    const r = m.newDest(rr.id, { address: '10.0.0.2', port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 });
    expect(r.cmd).toBe(Cmd.NEW_DEST);
    const top = parseAttrs(r.attrs);
    expect([...top.keys()]).toEqual([CmdAttr.SERVICE, CmdAttr.DEST]);
    const svc = parseAttrs(top.get(CmdAttr.SERVICE)!);
    expect([...svc.keys()]).toEqual([SvcAttr.AF, SvcAttr.PROTOCOL, SvcAttr.ADDR, SvcAttr.PORT]);
    // The nested attribute carries NLA_F_NESTED.
    expect(r.attrs.readUInt16LE(2)).toBe(CmdAttr.SERVICE | 0x8000);
  });

  test('DEL_DEST sends only ADDR and PORT of the destination', () => {
    const top = parseAttrs(m.delDest(rr.id, { address: '10.0.0.2', port: 80 }).attrs);
    expect([...parseAttrs(top.get(CmdAttr.DEST)!).keys()]).toEqual([DestAttr.ADDR, DestAttr.PORT]);
  });

  test('dump requests are flagged as dumps; GET_DEST dump names its service', () => {
    expect(m.dumpServices()).toMatchObject({ cmd: Cmd.GET_SERVICE, dump: true });
    expect(parseAttrs(m.dumpDests(rr.id).attrs).has(CmdAttr.SERVICE)).toBe(true);
  });

  test('SET_CONFIG carries the three timeouts; GET_INFO reply decodes the version', () => {
    const a = parseAttrs(m.setConfig({ tcp: 900, tcpFin: 120, udp: 300 }).attrs);
    expect([a.get(4)!.readUInt32LE(0), a.get(5)!.readUInt32LE(0), a.get(6)!.readUInt32LE(0)]).toEqual([900, 120, 300]);
    expect(m.parseInfoReply(new AttrWriter().u32(1, 0x010201).u32(2, 4096).toBuffer())).toEqual({ version: '1.2.1', connTableSize: 4096 });
    expect(m.parseConfigReply(new AttrWriter().u32(4, 900).u32(5, 120).u32(6, 300).toBuffer())).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
  });
});

describe('addresses', () => {
  test('canonical IPv6 text (RFC 5952) and embedded IPv4', () => {
    expect(canonicalAddr('FD00:0:0:0:0:0:0:A')).toBe('fd00::a');
    expect(canonicalAddr('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalAddr('::ffff:10.0.0.1')).toBe('::ffff:a00:1');
    expect(canonicalAddr('::')).toBe('::');
    expect(decodeAddr(encodeAddr('192.0.2.1'), 4)).toBe('192.0.2.1');
    expect(() => encodeAddr('10.0.0')).toThrow(/not an IP/);
  });
  test('IPv4 masks', () => {
    for (let b = 0; b <= 32; b++) expect(v4MaskBits(v4MaskBytes(b))).toBe(b);
    expect(() => v4MaskBits(Buffer.from([255, 0, 255, 0]))).toThrow(/non-contiguous/);
  });
});
