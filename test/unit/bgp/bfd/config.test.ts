// The per-peer `bfd` key of the standalone speaker's YAML.
import { describe, expect, test } from '@jest/globals';
import { parseSpeakerConfig } from '../../../../src/cli/speaker-config.js';

const doc = (bfd: string): string => `asn: 65000\nrouterId: 10.0.0.1\npeers:\n  - address: 10.0.0.2\n    asn: 65001\n    bfd: ${bfd}\n`;

describe('speaker YAML: peers[].bfd', () => {
  test('true means the defaults; an object sets minTx, minRx and multiplier in ms', () => {
    expect(parseSpeakerConfig(doc('true')).peers[0].bfd).toEqual({});
    expect(parseSpeakerConfig(doc('{ minTx: 100, minRx: 200, multiplier: 5 }')).peers[0].bfd).toEqual({ minTx: 100, minRx: 200, multiplier: 5 });
    expect(parseSpeakerConfig(doc('false')).peers[0].bfd).toBeUndefined();
  });

  test.each([
    ['{ minTx: 0 }', 'peers[0].bfd.minTx'],
    ['{ minRx: 70000 }', 'peers[0].bfd.minRx'],
    ['{ multiplier: 0 }', 'peers[0].bfd.multiplier'],
    ['{ multiplier: "3" }', 'peers[0].bfd.multiplier'],
    ['{ interval: 300 }', 'peers[0].bfd'],
    ['300', 'peers[0].bfd'],
  ])('bfd: %s is refused naming %s', (v, key) => {
    expect(() => parseSpeakerConfig(doc(v))).toThrow(key);
  });
});
