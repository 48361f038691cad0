// GoBGP ↔ ExaBGP through the harness: eBGP IPv4 + IPv6, and iBGP.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('ExaBGP (AS 4200000001) ↔ GoBGP eBGP, IPv4 + IPv6', () => runPair({ a: 'exabgp', b: 'gobgp', asA: 4200000001, asB: 65002, ipv6: true }), 180_000);
test('GoBGP ↔ ExaBGP iBGP, IPv4', () => runPair({ a: 'gobgp', b: 'exabgp', asA: 65000, asB: 65000, ipv6: false }), 180_000);
