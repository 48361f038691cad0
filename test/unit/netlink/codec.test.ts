// Byte-exact checks of the netlink message and attribute codecs against the layouts of
// linux/netlink.h: struct nlmsghdr {u32 len; u16 type; u16 flags; u32 seq; u32 pid}, struct nlattr
// {u16 len; u16 type}, NLMSG_ALIGN/NLA_ALIGN = 4, struct nlmsgerr {int error; struct nlmsghdr msg}.

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { attrString, attrU16, attrU32, forEachAttribute, listAttributes, parseAttributes } from '../../../src/netlink/attributes.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_ERROR } from '../../../src/netlink/constants.js';
import { errnoName, NetlinkError } from '../../../src/netlink/errors.js';
import { parseGenlFamily } from '../../../src/netlink/genl.js';
import { parseAck, parseDone, parseMessages } from '../../../src/netlink/message.js';
import { NetlinkWriter } from '../../../src/netlink/writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('NetlinkWriter', () => {
  test('header and length are little-endian nlmsghdr', () => {
    const w = new NetlinkWriter(8);
    w.beginMessage(24, 0x0405, 0x01020304, 0xa0b0c0d0);
    w.u8(2).u8(24).u8(0).u8(0);
    w.endMessage();
    expect(hex(w.bytes())).toBe('14000000' + '1800' + '0504' + '04030201' + 'd0c0b0a0' + '02180000');
  });

  test('attributes are padded to 4 bytes, nla_len excludes padding', () => {
    const w = new NetlinkWriter(4);
    w.attr(1, Uint8Array.from([10, 0, 0]));
    w.attrU8(2, 7);
    w.attrU16(3, 0x1234);
    w.attrU32(4, 0xdeadbeef);
    w.attrString(5, 'ab');
    w.attrFlag(6);
    expect(hex(w.bytes())).toBe(
      '0700' + '0100' + '0a000000' + // len 7 + 1 pad
        '0500' + '0200' + '07000000' +
        '0600' + '0300' + '34120000' +
        '0800' + '0400' + 'efbeadde' +
        '0700' + '0500' + '61620000' +
        '0400' + '0600',
    );
  });

  test('nested attributes patch their length; NLA_F_NESTED optional', () => {
    const w = new NetlinkWriter();
    w.beginNested(7, true).attrU32(1, 5).endNested();
    expect(hex(w.bytes())).toBe('0c00' + '0780' + '0800' + '0100' + '05000000');
  });

  test('grows past its initial size', () => {
    const w = new NetlinkWriter(4);
    w.beginMessage(1, 0, 1);
    w.zeros(10000);
    w.endMessage();
    expect(w.length).toBe(10016);
    expect(w.buf.readUInt32LE(0)).toBe(10016);
  });
});

describe('parseMessages', () => {
  test('splits a stream, honours 4-byte alignment, stops at a truncated tail', () => {
    const w = new NetlinkWriter();
    w.beginMessage(16, 2, 7, 99);
    w.u8(1);
    w.endMessage();
    w.beginMessage(3, 2, 7, 99);
    w.i32(0);
    w.endMessage();
    const full = Buffer.concat([w.bytes(), Buffer.from([0x40, 0, 0, 0, 1])]);
    const msgs = parseMessages(full);
    expect(msgs.map((m) => [m.type, m.flags, m.seq, m.pid, m.payload.length])).toEqual([
      [16, 2, 7, 99, 1],
      [3, 2, 7, 99, 4],
    ]);
  });

  test('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const buf = Buffer.from(b);
        parseMessages(buf);
        forEachAttribute(buf, 0, buf.length, () => undefined);
      }),
    );
  });

  test('round trip: written messages parse back', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.integer({ min: 16, max: 0xffff }), seq: fc.nat(), body: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 8 }), (ms) => {
        const w = new NetlinkWriter(16);
        for (const m of ms) {
          w.beginMessage(m.type, 0, m.seq, 1);
          w.raw(m.body);
          w.endMessage();
        }
        const back = parseMessages(Buffer.from(w.bytes()));
        expect(back.map((m) => [m.type, m.seq, hex(m.payload)])).toEqual(ms.map((m) => [m.type, m.seq, hex(m.body)]));
      }),
    );
  });
});

describe('attributes', () => {
  test('parse by type, list with repeats, typed readers', () => {
    const w = new NetlinkWriter();
    w.attrU16(1, 300).attrU32(2, 70000).attrString(3, 'eth0').attrU32(2, 5);
    const b = Buffer.from(w.bytes());
    const m = parseAttributes(b);
    expect(attrU16(m.get(1))).toBe(300);
    expect(attrU32(m.get(2))).toBe(5);
    expect(attrString(m.get(3))).toBe('eth0');
    expect(listAttributes(b).map((a) => a.type)).toEqual([1, 2, 3, 2]);
  });
});

describe('acks', () => {
  test('capped ack with ext-ack TLVs', () => {
    const w = new NetlinkWriter();
    w.beginMessage(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 42, 1);
    w.i32(-17); // -EEXIST
    w.u32(36).u16(24).u16(0x605).u32(42).u32(1); // echoed request header only
    w.attrString(1, 'File exists');
    w.attrU32(2, 28);
    w.endMessage();
    const [m] = parseMessages(Buffer.from(w.bytes()));
    const ack = parseAck(m.payload, m.flags);
    expect(ack).toEqual({ errno: 17, requestType: 24, requestSeq: 42, extAck: 'File exists', extAckOffset: 28 });
  });

  test('uncapped error ack skips the echoed request before the TLVs', () => {
    const w = new NetlinkWriter();
    w.beginMessage(NLMSG_ERROR, NLM_F_ACK_TLVS, 5, 1);
    w.i32(-22);
    w.u32(20).u16(24).u16(0).u32(5).u32(1).u32(0xffffffff); // header + 4-byte request body
    w.attrString(1, 'bad');
    w.endMessage();
    const [m] = parseMessages(Buffer.from(w.bytes()));
    expect(parseAck(m.payload, m.flags).extAck).toBe('bad');
  });

  test('plain ack is errno 0; done carries a dump error', () => {
    const p = Buffer.alloc(20);
    expect(parseAck(p, 0).errno).toBe(0);
    const d = Buffer.alloc(4);
    d.writeInt32LE(-95, 0);
    expect(parseDone(d, 0).errno).toBe(95);
  });

  test('NetlinkError names the errno', () => {
    expect(errnoName(17)).toBe('EEXIST');
    expect(errnoName(3)).toBe('ESRCH');
    const e = new NetlinkError(101, { extAck: 'Nexthop has invalid gateway' });
    expect(e.code).toBe('ENETUNREACH');
    expect(e.message).toContain('Nexthop has invalid gateway');
  });
});

describe('generic netlink family reply', () => {
  test('decodes id, name, version and multicast groups', () => {
    const w = new NetlinkWriter();
    w.beginMessage(16, 0, 1, 1);
    w.u8(1).u8(2).u16(0); // CTRL_CMD_NEWFAMILY v2
    w.attrU16(1, 30).attrString(2, 'IPVS').attrU32(3, 1).attrU32(4, 0).attrU32(5, 9);
    w.beginNested(7).beginNested(1).attrString(1, 'events').attrU32(2, 11).endNested().endNested();
    w.endMessage();
    const [m] = parseMessages(Buffer.from(w.bytes()));
    const f = parseGenlFamily(m);
    expect(f).toEqual({ id: 30, name: 'IPVS', version: 1, hdrSize: 0, maxAttr: 9, mcastGroups: new Map([['events', 11]]) });
  });
});
