// FRR ↔ GoBGP through the harness: iBGP and eBGP (4-octet ASN on the GoBGP side), IPv4 + IPv6.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('FRR ↔ GoBGP iBGP, IPv4 + IPv6', () => runPair({ a: 'frr', b: 'gobgp', asA: 65000, asB: 65000, ipv6: true }), 180_000);
test('GoBGP (AS 4200000001) ↔ FRR eBGP, IPv4', () => runPair({ a: 'gobgp', b: 'frr', asA: 4200000001, asB: 65002, ipv6: false }), 180_000);
