// BIRD ↔ FRR through the harness: eBGP with a 4-octet ASN, IPv4 and IPv6; then iBGP.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('BIRD (AS 4200000001) ↔ FRR eBGP, IPv4 + IPv6', () => runPair({ a: 'bird', b: 'frr', asA: 4200000001, asB: 65002, ipv6: true }), 180_000);
test('FRR ↔ BIRD iBGP, IPv4', () => runPair({ a: 'frr', b: 'bird', asA: 65000, asB: 65000, ipv6: false }), 180_000);
