// FRR ↔ ExaBGP through the harness: iBGP IPv4 + IPv6.
import { test } from '@jest/globals';
import { runPair } from './scenario.js';

test('FRR ↔ ExaBGP iBGP, IPv4 + IPv6', () => runPair({ a: 'frr', b: 'exabgp', asA: 65000, asB: 65000, ipv6: true }), 180_000);
