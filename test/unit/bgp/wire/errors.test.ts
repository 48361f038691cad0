// Every error case of RFC 4271 §6.1–6.3 and RFC 7606 §3, §4, §5, §7 (plus RFC 6793 §6, RFC 7607,
// RFC 7313 §5, RFC 4760 §7) as one table: input bytes → session reset with exactly this
// code/subcode/data, or treat-as-withdraw, or attribute discard, or accepted.
import { describe, expect, test } from '@jest/globals';
import { BgpError, decodeMessage, MessageReader, type CodecContext, type UpdateMessage } from '../../../../src/bgp/wire/index.js';
import { ctx, hex, msg, update, MARKER } from './helpers.js';

type Outcome =
  | { reset: [number, number, string?] } // code, subcode, data hex (default: empty)
  | { withdraw: RegExp }
  | { discard: RegExp }
  | { ok: true };

interface Case {
  rfc: string;
  name: string;
  bytes: Buffer;
  ctx?: Partial<CodecContext>;
  want: Outcome;
}

// Attribute building blocks (hex).
const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde9'; // AS_SEQUENCE [65001], 4-octet
const NEXT_HOP = '40 03 04 0a000001';
const BASE = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '18 0a0102'; // 10.1.2.0/24
const MP_V6 = '80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8'; // nh 2001:db8::1, NLRI 2001:db8::/32
const MP_V6_BAD_NH = '80 0e 0f 0002 01 05 0102030405 00 20 20010db8'; // next hop length 5

const open = (body: string) => msg(1, body);
// version 4, AS 65001, hold 90, id 10.0.0.1, no optional parameters
const OPEN_OK = '04 fde9 005a 0a000001 00';

const cases: Case[] = [
  // ---- RFC 4271 §6.1 Message Header errors ----
  { rfc: '4271 §6.1', name: 'marker not all ones', bytes: Buffer.concat([hex('fe' + 'ff'.repeat(15)), hex('0013 04')]), want: { reset: [1, 1] } },
  { rfc: '4271 §6.1', name: 'length < 19', bytes: hex(MARKER + '0012 04 00'), want: { reset: [1, 2, '0012'] } },
  { rfc: '4271 §6.1', name: 'length > 4096', bytes: Buffer.concat([hex(MARKER + '1001 02'), Buffer.alloc(4097 - 19)]), want: { reset: [1, 2, '1001'] } },
  { rfc: '4271 §6.1', name: 'OPEN shorter than 29', bytes: msg(1, '04 fde9 005a 0a0000'), want: { reset: [1, 2, '001b'] } },
  { rfc: '4271 §6.1', name: 'UPDATE shorter than 23', bytes: msg(2, '0000'), want: { reset: [1, 2, '0015'] } },
  { rfc: '4271 §6.1', name: 'KEEPALIVE longer than 19', bytes: msg(4, '00'), want: { reset: [1, 2, '0014'] } },
  { rfc: '4271 §6.1', name: 'NOTIFICATION shorter than 21', bytes: msg(3, '06'), want: { reset: [1, 2, '0014'] } },
  { rfc: '2918 §3', name: 'ROUTE-REFRESH shorter than 23', bytes: msg(5, '0001 00'), want: { reset: [1, 2, '0016'] } },
  { rfc: '4271 §6.1', name: 'message type 0', bytes: msg(0, ''), want: { reset: [1, 3, '00'] } },
  { rfc: '4271 §6.1', name: 'message type 6', bytes: msg(6, ''), want: { reset: [1, 3, '06'] } },
  { rfc: '8654 §4', name: 'OPEN longer than 4096 even with extended messages', ctx: { extendedMessage: true }, bytes: open(OPEN_OK + '00'.repeat(4080)), want: { reset: [1, 2, '100d'] } },
  // ---- RFC 4271 §6.2 OPEN errors ----
  { rfc: '4271 §6.2', name: 'unsupported version 3 (data: version 4)', bytes: open('03 fde9 005a 0a000001 00'), want: { reset: [2, 1, '0004'] } },
  { rfc: '7607 §2', name: 'My AS 0', bytes: open('04 0000 005a 0a000001 00'), want: { reset: [2, 2] } },
  { rfc: '4271 §6.2', name: 'hold time 1', bytes: open('04 fde9 0001 0a000001 00'), want: { reset: [2, 6] } },
  { rfc: '4271 §6.2', name: 'hold time 2', bytes: open('04 fde9 0002 0a000001 00'), want: { reset: [2, 6] } },
  { rfc: '4271 §6.2', name: 'hold time 0 accepted', bytes: open('04 fde9 0000 0a000001 00'), want: { ok: true } },
  { rfc: '4271 §6.2', name: 'hold time 3 accepted', bytes: open('04 fde9 0003 0a000001 00'), want: { ok: true } },
  { rfc: '6286 §2.2', name: 'BGP identifier 0', bytes: open('04 fde9 005a 00000000 00'), want: { reset: [2, 3] } },
  { rfc: '4271 §6.2', name: 'unsupported optional parameter 1', bytes: open('04 fde9 005a 0a000001 03 01 01 00'), want: { reset: [2, 4] } },
  { rfc: '4271 §6.1', name: 'optional parameters length disagrees with message length', bytes: open('04 fde9 005a 0a000001 05 02 02 4600'), want: { reset: [1, 2, '0021'] } },
  { rfc: '4271 §6.2', name: 'optional parameter overruns (recognized but malformed: subcode 0)', bytes: open('04 fde9 005a 0a000001 04 02 05 4600'), want: { reset: [2, 0] } },
  { rfc: '4271 §6.2', name: 'malformed 4-octet AS capability (length 2)', bytes: open('04 fde9 005a 0a000001 06 02 04 4102fde9'), want: { reset: [2, 0] } },
  { rfc: '7607 §2', name: '4-octet AS capability with AS 0', bytes: open('04 5ba0 005a 0a000001 08 02 06 410400000000'), want: { reset: [2, 2] } },
  { rfc: '5492 §4', name: 'unknown capability kept', bytes: open('04 fde9 005a 0a000001 05 02 03 830100'), want: { ok: true } },
  // ---- RFC 4271 §6.3 / RFC 7606 UPDATE errors: session reset ----
  { rfc: '4271 §6.3', name: 'Withdrawn Routes Length too large', bytes: msg(2, '0010 0000'), want: { reset: [3, 1] } },
  { rfc: '4271 §6.3', name: 'Total Path Attribute Length too large', bytes: msg(2, '0000 0010 400101'), want: { reset: [3, 1] } },
  { rfc: '4271 §6.3', name: 'unrecognized well-known attribute (data: the attribute)', bytes: update('', BASE + '40 63 02 abcd', NLRI), want: { reset: [3, 2, '4063 02 abcd'] } },
  { rfc: '4271 §6.3, 7606 §5.3', name: 'NLRI prefix length 33', bytes: update('', BASE, '21 0a010203 04'), want: { reset: [3, 10] } },
  { rfc: '4271 §6.3, 7606 §5.3', name: 'NLRI overruns the message', bytes: update('', BASE, '18 0a01'), want: { reset: [3, 10] } },
  { rfc: '7606 §5.3', name: 'Withdrawn Routes prefix length 33', bytes: update('21 0a010203 04', '', ''), want: { reset: [3, 10] } },
  { rfc: '7606 §3 (g)', name: 'MP_REACH_NLRI twice', bytes: update('', MP_V6 + MP_V6 + ORIGIN + AS_PATH, ''), want: { reset: [3, 1] } },
  { rfc: '7606 §3 (g)', name: 'MP_UNREACH_NLRI twice', bytes: update('', '80 0f 03 000201 80 0f 03 000201', ''), want: { reset: [3, 1] } },
  { rfc: '7606 §7.11, 4760 §7', name: 'MP_REACH_NLRI next hop length 5 for IPv6 (data: the attribute)', bytes: update('', MP_V6_BAD_NH + ORIGIN + AS_PATH, ''), want: { reset: [3, 9, MP_V6_BAD_NH] } },
  { rfc: '7606 §7.11, 4760 §7', name: 'MP_REACH_NLRI shorter than 5', bytes: update('', '80 0e 03 000201' + ORIGIN + AS_PATH, ''), want: { reset: [3, 9, '800e03000201'] } },
  { rfc: '7606 §7.11', name: 'MP_REACH_NLRI next hop length overruns', bytes: update('', '80 0e 06 0002 01 10 2001' + ORIGIN + AS_PATH, ''), want: { reset: [3, 9, '800e06000201102001'] } },
  { rfc: '7606 §5.3, 4760 §7', name: 'MP_REACH_NLRI IPv6 prefix length 129', bytes: update('', '80 0e 17 0002 01 10 20010db8000000000000000000000001 00 81 ff' + ORIGIN + AS_PATH, ''), want: { reset: [3, 9, '800e17000201' + '1020010db8000000000000000000000001' + '0081ff'] } },
  { rfc: '7606 §5.3, 4760 §7', name: 'MP_UNREACH_NLRI truncated prefix', bytes: update('', '80 0f 06 000201 40 2001', ''), want: { reset: [3, 9, '800f06000201402001'] } },
  // ---- RFC 7606 §4: attribute lengths vs Total Path Attribute Length: treat-as-withdraw ----
  { rfc: '7606 §4', name: 'last attribute overruns Total Path Attribute Length', bytes: update('', ORIGIN + AS_PATH + '40 03 09 0a000001', NLRI), want: { withdraw: /overruns the path attributes/ } },
  { rfc: '7606 §4', name: 'fewer than 3 octets left for an attribute', bytes: update('', BASE + '4001', NLRI), want: { withdraw: /too few/ } },
  { rfc: '7606 §4', name: 'fewer than 4 octets left for an extended-length attribute', bytes: update('', BASE + '500100', NLRI), want: { withdraw: /extended-length/ } },
  // ---- RFC 7606 §3: flags, missing attributes, repeats ----
  { rfc: '7606 §3 (c)', name: 'ORIGIN with Optional bit set', bytes: update('', 'c0 01 01 00' + AS_PATH + NEXT_HOP, NLRI), want: { withdraw: /ORIGIN has attribute flags 0xc0/ } },
  { rfc: '7606 §3 (c)', name: 'MULTI_EXIT_DISC marked transitive', bytes: update('', BASE + 'c0 04 04 00000001', NLRI), want: { withdraw: /MULTI_EXIT_DISC has attribute flags/ } },
  { rfc: '7606 §3 (c)', name: 'MP_REACH_NLRI with wrong flags still yields its NLRI to withdraw', bytes: update('', 'c0' + MP_V6.slice(2) + ORIGIN + AS_PATH, ''), want: { withdraw: /MP_REACH_NLRI has attribute flags/ } },
  { rfc: '7606 §3 (d)', name: 'missing ORIGIN', bytes: update('', AS_PATH + NEXT_HOP, NLRI), want: { withdraw: /missing well-known attribute ORIGIN/ } },
  { rfc: '7606 §3 (d)', name: 'missing AS_PATH', bytes: update('', ORIGIN + NEXT_HOP, NLRI), want: { withdraw: /missing well-known attribute AS_PATH/ } },
  { rfc: '7606 §3 (d)', name: 'missing NEXT_HOP with classic NLRI', bytes: update('', ORIGIN + AS_PATH, NLRI), want: { withdraw: /missing well-known attribute NEXT_HOP/ } },
  { rfc: '4760 §3', name: 'no NEXT_HOP needed with only MP_REACH_NLRI', bytes: update('', MP_V6 + ORIGIN + AS_PATH, ''), want: { ok: true } },
  { rfc: '7606 §3 (d)', name: 'missing ORIGIN with MP_REACH_NLRI', bytes: update('', MP_V6 + AS_PATH, ''), want: { withdraw: /missing well-known attribute ORIGIN/ } },
  { rfc: '4760 §4', name: 'MP_UNREACH_NLRI alone needs no other attributes', bytes: update('', '80 0f 08 000201 20 20010db8', ''), want: { ok: true } },
  { rfc: '7606 §3 (g)', name: 'repeated ORIGIN: later copies discarded', bytes: update('', BASE + '40 01 01 02', NLRI), want: { discard: /repeated attribute 1/ } },
  // ---- RFC 7606 §7.1 ORIGIN ----
  { rfc: '7606 §7.1', name: 'ORIGIN length 2', bytes: update('', '40 01 02 0000' + AS_PATH + NEXT_HOP, NLRI), want: { withdraw: /ORIGIN length 2/ } },
  { rfc: '7606 §7.1', name: 'ORIGIN value 3', bytes: update('', '40 01 01 03' + AS_PATH + NEXT_HOP, NLRI), want: { withdraw: /ORIGIN value 3/ } },
  // ---- RFC 7606 §7.2 AS_PATH (+ RFC 7607, RFC 5065) ----
  { rfc: '7606 §7.2', name: 'AS_PATH segment overruns', bytes: update('', ORIGIN + '40 02 06 0202 0000fde9' + NEXT_HOP, NLRI), want: { withdraw: /malformed AS_PATH: segment of 2 ASNs overruns/ } },
  { rfc: '7606 §7.2', name: 'AS_PATH single octet left', bytes: update('', ORIGIN + '40 02 07 0201 0000fde9 02' + NEXT_HOP, NLRI), want: { withdraw: /single octet/ } },
  { rfc: '7606 §7.2', name: 'AS_PATH segment of length 0', bytes: update('', ORIGIN + '40 02 02 0200' + NEXT_HOP, NLRI), want: { withdraw: /segment of length 0/ } },
  { rfc: '7606 §7.2', name: 'AS_PATH unrecognized segment type 5', bytes: update('', ORIGIN + '40 02 06 0501 0000fde9' + NEXT_HOP, NLRI), want: { withdraw: /unrecognized segment type 5/ } },
  { rfc: '7607 §2', name: 'AS_PATH containing AS 0', bytes: update('', ORIGIN + '40 02 06 0201 00000000' + NEXT_HOP, NLRI), want: { withdraw: /AS 0/ } },
  { rfc: '5065 §5.3', name: 'AS_CONFED_SEQUENCE from an external peer', bytes: update('', ORIGIN + '40 02 06 0301 0000fde9' + NEXT_HOP, NLRI), want: { withdraw: /confederation/ } },
  { rfc: '5065 §5.3', name: 'AS_CONFED_SEQUENCE from an internal peer accepted', ctx: { ebgp: false }, bytes: update('', ORIGIN + '40 02 06 0301 0000fde9' + NEXT_HOP, NLRI), want: { ok: true } },
  { rfc: '7606 §7.2', name: 'empty AS_PATH accepted', bytes: update('', ORIGIN + '40 02 00' + NEXT_HOP, NLRI), want: { ok: true } },
  // ---- RFC 7606 §7.3 NEXT_HOP ----
  { rfc: '7606 §7.3', name: 'NEXT_HOP length 5', bytes: update('', ORIGIN + AS_PATH + '40 03 05 0a00000100', NLRI), want: { withdraw: /NEXT_HOP length 5/ } },
  { rfc: '4271 §6.3', name: 'NEXT_HOP 0.0.0.0', bytes: update('', ORIGIN + AS_PATH + '40 03 04 00000000', NLRI), want: { withdraw: /NEXT_HOP 0.0.0.0 is not a unicast/ } },
  { rfc: '4271 §6.3', name: 'NEXT_HOP multicast', bytes: update('', ORIGIN + AS_PATH + '40 03 04 e0000001', NLRI), want: { withdraw: /NEXT_HOP 224.0.0.1/ } },
  { rfc: '4760 §3', name: 'malformed NEXT_HOP ignored when only MP NLRI', bytes: update('', MP_V6 + ORIGIN + AS_PATH + '40 03 05 0a00000100', ''), want: { discard: /NEXT_HOP length 5/ } },
  // ---- RFC 7606 §7.4 MULTI_EXIT_DISC, §7.5 LOCAL_PREF ----
  { rfc: '7606 §7.4', name: 'MULTI_EXIT_DISC length 3', bytes: update('', BASE + '80 04 03 000001', NLRI), want: { withdraw: /MULTI_EXIT_DISC length 3/ } },
  { rfc: '7606 §7.5', name: 'LOCAL_PREF from an external peer discarded', bytes: update('', BASE + '40 05 04 00000064', NLRI), want: { discard: /LOCAL_PREF from an external peer/ } },
  { rfc: '7606 §7.5', name: 'LOCAL_PREF from an external peer discarded even with bad flags', bytes: update('', BASE + 'c0 05 03 000064', NLRI), want: { discard: /LOCAL_PREF from an external peer/ } },
  { rfc: '7606 §3 (c)', name: 'LOCAL_PREF with bad flags from an internal peer', ctx: { ebgp: false }, bytes: update('', BASE + 'c0 05 04 00000064', NLRI), want: { withdraw: /LOCAL_PREF has attribute flags 0xc0/ } },
  { rfc: '7606 §7.5', name: 'LOCAL_PREF length 3 from an internal peer', ctx: { ebgp: false }, bytes: update('', BASE + '40 05 03 000064', NLRI), want: { withdraw: /LOCAL_PREF length 3/ } },
  { rfc: '7606 §7.5', name: 'LOCAL_PREF from an internal peer accepted', ctx: { ebgp: false }, bytes: update('', BASE + '40 05 04 00000064', NLRI), want: { ok: true } },
  // ---- RFC 7606 §7.6 ATOMIC_AGGREGATE, §7.7 AGGREGATOR (+ RFC 6793 §6, RFC 7607) ----
  { rfc: '7606 §7.6', name: 'ATOMIC_AGGREGATE length 1', bytes: update('', BASE + '40 06 01 00', NLRI), want: { discard: /ATOMIC_AGGREGATE length 1/ } },
  { rfc: '7606 §7.7', name: 'AGGREGATOR length 6 on a 4-octet-AS session', bytes: update('', BASE + 'c0 07 06 fde9 0a000001', NLRI), want: { discard: /AGGREGATOR length 6 is not 8/ } },
  { rfc: '7606 §7.7', name: 'AGGREGATOR length 8 on a 2-octet-AS session', ctx: { asn4: false }, bytes: update('', ORIGIN + '40 02 04 0201 fde9' + NEXT_HOP + 'c0 07 08 0000fde9 0a000001', NLRI), want: { discard: /AGGREGATOR length 8 is not 6/ } },
  { rfc: '7607 §2', name: 'AGGREGATOR with AS 0', bytes: update('', BASE + 'c0 07 08 00000000 0a000001', NLRI), want: { discard: /AGGREGATOR with AS 0/ } },
  { rfc: '6793 §6', name: 'AS4_AGGREGATOR length 7', ctx: { asn4: false }, bytes: update('', ORIGIN + '40 02 04 0201 fde9' + NEXT_HOP + 'c0 12 07 0000fde9 0a0000', NLRI), want: { discard: /AS4_AGGREGATOR length 7/ } },
  { rfc: '6793 §4.1', name: 'AS4_AGGREGATOR from a 4-octet-AS peer', bytes: update('', BASE + 'c0 12 08 0000fde9 0a000001', NLRI), want: { discard: /AS4_AGGREGATOR from a 4-octet-AS peer/ } },
  { rfc: '6793 §6, 7606 §7.2', name: 'malformed AS4_PATH discarded', ctx: { asn4: false }, bytes: update('', ORIGIN + '40 02 04 0201 5ba0' + NEXT_HOP + 'c0 11 06 0202 00010000', NLRI), want: { discard: /malformed AS4_PATH/ } },
  { rfc: '6793 §6', name: 'AS4_PATH with confederation segments discarded', ctx: { asn4: false }, bytes: update('', ORIGIN + '40 02 04 0201 5ba0' + NEXT_HOP + 'c0 11 06 0301 00010000', NLRI), want: { discard: /confederation/ } },
  { rfc: '6793 §4.1', name: 'AS4_PATH from a 4-octet-AS peer discarded', bytes: update('', BASE + 'c0 11 06 0201 00010000', NLRI), want: { discard: /AS4_PATH from a 4-octet-AS peer/ } },
  // ---- RFC 7606 §7.8 COMMUNITIES, §7.14 extended, RFC 8092 large ----
  { rfc: '7606 §7.8', name: 'COMMUNITIES length 0', bytes: update('', BASE + 'c0 08 00', NLRI), want: { withdraw: /COMMUNITIES length 0/ } },
  { rfc: '7606 §7.8', name: 'COMMUNITIES length 5', bytes: update('', BASE + 'c0 08 05 fde90064 00', NLRI), want: { withdraw: /COMMUNITIES length 5/ } },
  { rfc: '7606 §7.14', name: 'EXTENDED_COMMUNITIES length 7', bytes: update('', BASE + 'c0 10 07 00020000fde900', NLRI), want: { withdraw: /EXTENDED_COMMUNITIES length 7/ } },
  { rfc: '8092 §6', name: 'LARGE_COMMUNITY length 11', bytes: update('', BASE + 'c0 20 0b 0000fde9 00000001 000000', NLRI), want: { withdraw: /LARGE_COMMUNITY length 11/ } },
  // ---- RFC 7606 §7.9 ORIGINATOR_ID, §7.10 CLUSTER_LIST ----
  { rfc: '7606 §7.9', name: 'ORIGINATOR_ID from an external peer', bytes: update('', BASE + '80 09 04 0a000002', NLRI), want: { discard: /ORIGINATOR_ID from an external peer/ } },
  { rfc: '7606 §7.9', name: 'ORIGINATOR_ID length 3 from an internal peer', ctx: { ebgp: false }, bytes: update('', BASE + '80 09 03 0a0000', NLRI), want: { withdraw: /ORIGINATOR_ID length 3/ } },
  { rfc: '7606 §7.10', name: 'CLUSTER_LIST from an external peer', bytes: update('', BASE + '80 0a 04 0a000002', NLRI), want: { discard: /CLUSTER_LIST from an external peer/ } },
  { rfc: '7606 §7.10', name: 'CLUSTER_LIST length 6 from an internal peer', ctx: { ebgp: false }, bytes: update('', BASE + '80 0a 06 0a0000020a00', NLRI), want: { withdraw: /CLUSTER_LIST length 6/ } },
  { rfc: '7606 §7.10', name: 'CLUSTER_LIST length 0 from an internal peer', ctx: { ebgp: false }, bytes: update('', BASE + '80 0a 00', NLRI), want: { withdraw: /CLUSTER_LIST length 0/ } },
  // ---- RFC 7606 §7.11 MP: unsupported families ignored ----
  { rfc: '4760 §7', name: 'MP_REACH_NLRI of an unsupported AFI/SAFI ignored', bytes: update('', '80 0e 09 0001 80 04 0a000001 00' + BASE, NLRI), want: { discard: /AFI\/SAFI 1\/128/ } },
  // ---- Unknown optional attributes are kept ----
  { rfc: '4271 §5', name: 'unknown optional transitive kept', bytes: update('', BASE + 'c0 63 02 abcd', NLRI), want: { ok: true } },
  // ---- RFC 7313 §5 ROUTE-REFRESH ----
  { rfc: '7313 §5', name: 'BoRR with length 24 (data: the whole message)', bytes: msg(5, '0001 01 01 00'), want: { reset: [7, 1, MARKER + '0018 05 0001 01 01 00'] } },
  { rfc: '7313 §5', name: 'normal request with ORF bytes accepted', bytes: msg(5, '0001 00 01 00'), want: { ok: true } },
];

function run(c: Case): { err?: BgpError; msg?: ReturnType<typeof decodeMessage> } {
  const context = ctx(c.ctx);
  try {
    return { msg: decodeMessage(c.bytes, context) };
  } catch (e) {
    if (e instanceof BgpError) return { err: e };
    throw e;
  }
}

describe('RFC 4271 §6 / RFC 7606 error handling', () => {
  test.each(cases.map((c) => [`${c.rfc}: ${c.name}`, c] as const))('%s', (_n, c) => {
    const r = run(c);
    const w = c.want;
    if ('reset' in w) {
      expect(r.err).toBeInstanceOf(BgpError);
      expect([r.err!.code, r.err!.subcode]).toEqual([w.reset[0], w.reset[1]]);
      expect(Buffer.from(r.err!.data).toString('hex')).toBe((w.reset[2] ?? '').replace(/\s/g, ''));
      return;
    }
    if (r.err) throw new Error(`unexpected BgpError ${r.err.code}/${r.err.subcode}: ${r.err.message}`);
    const m = r.msg!;
    if (m.type !== 2) {
      expect('ok' in w).toBe(true);
      return;
    }
    const u = m as UpdateMessage;
    if ('withdraw' in w) {
      expect(u.treatAsWithdraw).toMatch(w.withdraw);
    } else if ('discard' in w) {
      expect(u.treatAsWithdraw).toBeUndefined();
      expect(u.discarded?.join('; ')).toMatch(w.discard);
    } else {
      expect(u.treatAsWithdraw).toBeUndefined();
      expect(u.discarded).toBeUndefined();
    }
  });

  test('MessageReader raises the same header errors as decodeMessage', () => {
    for (const c of cases.filter((x) => 'reset' in x.want && (x.want as { reset: number[] }).reset[0] === 1 && !x.name.includes('optional parameters'))) {
      const r = new MessageReader(c.ctx?.extendedMessage ? 65535 : 4096);
      r.push(c.bytes);
      let err: unknown;
      try { r.next(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(BgpError);
      expect((err as BgpError).subcode).toBe((c.want as { reset: number[] }).reset[1]);
    }
  });

  test('treat-as-withdraw keeps the NLRI to withdraw (classic and MP)', () => {
    const u = decodeMessage(update('', 'c0' + MP_V6.slice(2) + ORIGIN + AS_PATH, ''), ctx()) as UpdateMessage;
    expect(u.attributes!.mpReach!.nlri.prefixes).toEqual(['2001:db8::/32']);
    const v = decodeMessage(update('', '40 01 01 07' + AS_PATH + NEXT_HOP, NLRI), ctx()) as UpdateMessage;
    expect(v.nlri.prefixes).toEqual(['10.1.2.0/24']);
    expect(v.treatAsWithdraw).toMatch(/ORIGIN/);
  });

  test('attribute discard keeps the rest of the attributes', () => {
    const u = decodeMessage(update('', BASE + '40 05 04 00000064' + '40 06 01 00', NLRI), ctx()) as UpdateMessage;
    expect(u.attributes).toEqual({ origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' });
    expect(u.discarded).toHaveLength(2);
  });
});
