// The speaker YAML's ADD-PATH keys, and what the speaker hands the session (capability) from them.
import { describe, expect, test } from '@jest/globals';
import { parseSpeakerConfig } from '../../../../src/cli/speaker-config.js';
import { buildOpen, negotiate } from '../../../../src/bgp/session/open.js';
import type { SessionConfig } from '../../../../src/bgp/session/types.js';
import { decodeCapabilities, emptyCapabilities } from '../../../../src/bgp/wire/capabilities.js';

const base = (peer: string): string => `asn: 65000\nrouterId: 10.0.0.1\npeers:\n  - address: 10.0.0.2\n    asn: 65000\n${peer}`;

describe('speaker YAML: addPath', () => {
  test('per family send/receive, true for both, mode and max', () => {
    const c = parseSpeakerConfig(base('    addPath:\n      ipv4-unicast: { send: true, receive: false }\n      ipv6-unicast: true\n    addPathSendMode: ecmp\n    addPathSendMax: 4\n'));
    expect(c.peers[0].addPath).toEqual({ 'ipv4-unicast': { send: true, receive: false }, 'ipv6-unicast': { send: true, receive: true } });
    expect(c.peers[0].addPathSendMode).toBe('ecmp');
    expect(c.peers[0].addPathSendMax).toBe(4);
  });

  test('errors name the key', () => {
    expect(() => parseSpeakerConfig(base('    addPath: { l2vpn: true }\n'))).toThrow(/peers\[0\]\.addPath/);
    expect(() => parseSpeakerConfig(base('    addPath: { ipv4-unicast: { sned: true } }\n'))).toThrow(/addPath/);
    expect(() => parseSpeakerConfig(base('    addPathSendMode: best\n'))).toThrow(/addPathSendMode/);
    expect(() => parseSpeakerConfig(base('    addPathSendMax: 0\n'))).toThrow(/addPathSendMax/);
  });

  test('absent: no ADD-PATH keys at all', () => {
    const p = parseSpeakerConfig(base('')).peers[0];
    expect(p.addPath).toBeUndefined();
    expect(p.addPathSendMode).toBeUndefined();
  });
});

describe('negotiation: we send several paths only if the peer can receive them', () => {
  const cfg = (addPath: SessionConfig['addPath']): SessionConfig => ({ localAsn: 65000, peerAsn: 65000, routerId: '10.0.0.1', peerAddress: '10.0.0.2', families: ['ipv4-unicast'], addPath });
  const ends = { localAddress: '10.0.0.1', localPort: 179, remoteAddress: '10.0.0.2', remotePort: 40000 };
  const peerOpen = (addPath: SessionConfig['addPath']) => ({ ...buildOpen(cfg(addPath)), routerId: '10.0.0.2' });

  test('send + peer receive: send negotiated; peer without ADD-PATH: nothing', () => {
    const ours = buildOpen(cfg({ 'ipv4-unicast': { send: true, receive: true } }));
    expect(ours.capabilities.addPath?.families).toEqual([{ afi: 1, safi: 1, send: true, receive: true }]);
    const both = negotiate(cfg({ 'ipv4-unicast': { send: true, receive: true } }), ours, peerOpen({ 'ipv4-unicast': { send: false, receive: true } }), ends);
    expect([...both.codec.addPathSend]).toEqual(['ipv4-unicast']);
    expect([...both.codec.addPathReceive]).toEqual([]);
    const none = negotiate(cfg({ 'ipv4-unicast': { send: true, receive: true } }), ours, peerOpen(undefined), ends);
    expect(none.codec.addPathSend.size).toBe(0);
  });
});

describe('ADD-PATH capability from the peer', () => {
  test('send/receive value 0 (FRR with disable-addpath-rx) is "neither", not malformed; 4+ still is', () => {
    const caps = emptyCapabilities();
    const b = Buffer.from('450800010100000201 03'.replace(/ /g, ''), 'hex'); // ipv4/unicast 0, ipv6/unicast 3
    decodeCapabilities(b, 0, b.length, caps);
    expect(caps.addPath?.families).toEqual([{ afi: 2, safi: 1, send: true, receive: true }]);
    const bad = Buffer.from('4504000101' + '04', 'hex');
    expect(() => decodeCapabilities(bad, 0, bad.length, emptyCapabilities())).toThrow(/ADD-PATH/);
  });
});
