import { describe, expect, test } from '@jest/globals';
import { encodeGenlMessage, errorCode, genlCmd, genlPayload, parseNetlinkMessages } from '../../../../src/netlink/ipvs/nlmsg.js';

describe('netlink framing', () => {
  test('nlmsghdr + genlmsghdr layout, padded to 4', () => {
    const b = encodeGenlMessage(0x20, 0x5, 7, 1, 1, Buffer.from([1, 2, 3]));
    expect(b.toString('hex')).toBe('17000000' + '2000' + '0500' + '07000000' + '00000000' + '01010000' + '010203' + '00');
  });
  test('parses several messages from one datagram, ACK and error codes', () => {
    const ack = Buffer.alloc(36); ack.writeUInt32LE(36, 0); ack.writeUInt16LE(2, 4); ack.writeUInt32LE(9, 8); ack.writeInt32LE(0, 16);
    const err = Buffer.alloc(36); err.writeUInt32LE(36, 0); err.writeUInt16LE(2, 4); err.writeUInt32LE(10, 8); err.writeInt32LE(-17, 16);
    const data = encodeGenlMessage(0x20, 2, 11, 1, 1, Buffer.from([4, 0, 0, 0]));
    const ms = parseNetlinkMessages(Buffer.concat([ack, err, data, Buffer.alloc(5)]));
    expect(ms.map((m) => m.seq)).toEqual([9, 10, 11]);
    expect(errorCode(ms[0])).toBe(0);
    expect(errorCode(ms[1])).toBe(17);
    expect(genlCmd(ms[2])).toBe(1);
    expect(genlPayload(ms[2]).length).toBe(4);
    expect(() => errorCode(ms[2])).toThrow(/not an NLMSG_ERROR/);
  });
});
