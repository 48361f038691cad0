// BIRD ↔ GoBGP through the harness: eBGP IPv4 + IPv6 with a 4-octet ASN on the BIRD side.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('BIRD (AS 4200000001) ↔ GoBGP eBGP, IPv4 + IPv6', () => runPair({ a: 'bird', b: 'gobgp', asA: 4200000001, asB: 65002, ipv6: true }), 180_000);
