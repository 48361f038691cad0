// The BFD Control packet codec (RFC 5880 §4.1) and the discard rules of §6.8.6.
import { describe, expect, test } from '@jest/globals';
import { decodeControl, encodeControl, type BfdControl } from '../../../../src/bgp/bfd/index.js';

const base: BfdControl = {
  version: 1, diag: 0, state: 'Down', poll: false, final: false, cpi: false, auth: false, demand: false, multipoint: false,
  detectMult: 3, length: 24, myDiscriminator: 0x11223344, yourDiscriminator: 0, desiredMinTx: 1_000_000, requiredMinRx: 300_000, requiredMinEchoRx: 0,
};

function decoded(b: Buffer): BfdControl {
  const d = decodeControl(b);
  if (!d.ok) throw new Error(d.reason);
  return d.packet;
}

describe('BFD control packet', () => {
  test('known bytes: an Up packet with Poll, diag 3, mult 5, discriminators and intervals', () => {
    const b = encodeControl({ ...base, diag: 3, state: 'Up', poll: true, detectMult: 5, myDiscriminator: 1, yourDiscriminator: 0xdeadbeef, desiredMinTx: 300_000, requiredMinRx: 250_000, requiredMinEchoRx: 50_000 });
    expect(b.toString('hex')).toBe(
      '23' + // version 1 (001), diag 3 (00011)
      'e0' + // state Up (11), P (1), F C A D M clear
      '05' + '18' +
      '00000001' + 'deadbeef' + '000493e0' + '0003d090' + '0000c350');
  });

  test('round trip of every state and every flag but A and M', () => {
    for (const state of ['AdminDown', 'Down', 'Init', 'Up'] as const) {
      for (const flags of [{}, { poll: true }, { final: true }, { cpi: true }, { demand: true }]) {
        const p = { ...base, state, ...flags, diag: 7, yourDiscriminator: 42 };
        expect(decoded(encodeControl(p))).toEqual(p);
      }
    }
  });

  test('decodes the bytes BIRD sends in Down (captured shape)', () => {
    // version 1, diag 0, Down, mult 5, len 24, my 0x5a1f0001, your 0, tx 1 s, rx 10 ms, echo 0
    const p = decoded(Buffer.from('20400518' + '5a1f0001' + '00000000' + '000f4240' + '00002710' + '00000000', 'hex'));
    expect(p).toMatchObject({ state: 'Down', detectMult: 5, myDiscriminator: 0x5a1f0001, desiredMinTx: 1_000_000, requiredMinRx: 10_000 });
  });

  test.each([
    ['short', encodeControl(base).subarray(0, 23), /short/],
    ['version 0', (() => { const b = encodeControl(base); b[0] &= 0x1f; return b; })(), /version 0/],
    ['version 2', (() => { const b = encodeControl(base); b[0] = (2 << 5) | (b[0] & 0x1f); return b; })(), /version 2/],
    ['length field below 24', encodeControl({ ...base, length: 20 }), /too small/],
    ['length field beyond the datagram', encodeControl({ ...base, length: 28 }), /exceeds/],
    ['detect mult 0', encodeControl({ ...base, detectMult: 0 }), /detect mult/],
    ['multipoint', encodeControl({ ...base, multipoint: true }), /multipoint/],
    ['my discriminator 0', encodeControl({ ...base, myDiscriminator: 0 }), /my discriminator/],
    ['your discriminator 0 in Init', encodeControl({ ...base, state: 'Init' }), /your discriminator 0/],
    ['your discriminator 0 in Up', encodeControl({ ...base, state: 'Up' }), /your discriminator 0/],
    ['A bit without authentication configured', Buffer.concat([encodeControl({ ...base, auth: true, length: 28 }), Buffer.from('01040100', 'hex')]), /authentication/],
  ])('discards %s', (_name, buf, reason) => {
    const d = decodeControl(buf);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(reason);
  });

  test('your discriminator 0 is fine in Down and AdminDown; trailing bytes beyond Length are ignored', () => {
    expect(decodeControl(encodeControl({ ...base, state: 'AdminDown' })).ok).toBe(true);
    expect(decoded(Buffer.concat([encodeControl(base), Buffer.alloc(4)])).length).toBe(24);
  });
});
