// BIRD ↔ ExaBGP through the harness: iBGP IPv4 + IPv6, and eBGP with a 4-octet ASN.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('BIRD ↔ ExaBGP iBGP, IPv4 + IPv6', () => runPair({ a: 'bird', b: 'exabgp', asA: 65000, asB: 65000, ipv6: true }), 180_000);
test('ExaBGP ↔ BIRD (AS 4200000002) eBGP, IPv4', () => runPair({ a: 'exabgp', b: 'bird', asA: 65001, asB: 4200000002, ipv6: false }), 180_000);
