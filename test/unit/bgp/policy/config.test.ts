import { describe, expect, test } from '@jest/globals';
import { parseSpeakerConfig } from '../../../../src/cli/speaker-config.js';

const BASE = `asn: 65000\nrouterId: 10.0.0.1\n`;
const load = (policies: string, peers = `peers:\n  - { address: 10.0.0.2, asn: 65001, importPolicy: in, exportPolicy: out }\n`) =>
  parseSpeakerConfig(`${BASE}${peers}policies:\n${policies}`);
const err = (policies: string, peers?: string): string => {
  try {
    load(policies, peers);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a config error');
};

const OK = `
  in:
    default: accept
    rules:
      - name: no-bogons
        match: { prefix: ["10.0.0.0/8 le 32", { prefix: 192.168.0.0/16, ge: 24 }] }
        action: reject
      - match: { community: ["65001:7", no-export], asPath: { regex: "^65001_", maxLength: 4 }, family: ipv4-unicast }
        set: { localPref: 250, communities: { add: ["65000:1"], remove: ["65001:*"] } }
  out:
    rules:
      - match: { originated: true, largeCommunity: "65000:*:*", peerAsn: [65001], peerAddress: 10.0.0.2 }
        set: { med: 10, prepend: 2, nextHopSelf: true, largeCommunities: { replace: [] } }
`;

describe('policies in the speaker YAML', () => {
  test('a full example parses to plain definitions and per-peer bindings', () => {
    const c = load(OK);
    expect(c.peerPolicies).toEqual({ '10.0.0.2': { importPolicy: 'in', exportPolicy: 'out' } });
    expect(c.policies!.in.default).toBe('accept');
    expect(c.policies!.out.default).toBe('reject');
    expect(c.policies!.in.rules[0]).toEqual({
      name: 'no-bogons', set: {}, action: 'reject',
      match: { prefix: [{ prefix: '10.0.0.0/8', le: 32 }, { prefix: '192.168.0.0/16', ge: 24 }] },
    });
    expect(c.policies!.in.rules[1]).toMatchObject({ action: 'accept', set: { localPref: 250, communities: { add: ['65000:1'], remove: ['65001:*'] } } });
    expect(c.policies!.out.rules[0].match).toEqual({ originated: true, largeCommunity: ['65000:*:*'], peerAsn: [65001], peerAddress: ['10.0.0.2'] });
    expect(c.policies!.out.rules[0].set).toEqual({ med: 10, prepend: 2, nextHopSelf: true, largeCommunities: { replace: [] } });
    // peers themselves carry no policy keys
    expect(c.peers[0]).toEqual({ address: '10.0.0.2', asn: 65001 });
  });

  test('a file without policies has none (and no extra keys)', () => {
    const c = parseSpeakerConfig(`${BASE}peers: [{ address: 10.0.0.2, asn: 65001 }]\n`);
    expect(c.policies).toBeUndefined();
    expect(c.peerPolicies).toBeUndefined();
  });

  test.each([
    [`  in: { rules: [ { match: { prefix: ["10.0.0.0/8 le 33"] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.prefix[0]: le 33 must be 8..32 for 10.0.0.0/8'],
    [`  in: { rules: [ { match: { prefix: ["10.0.0.1/8"] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.prefix[0]: invalid prefix "10.0.0.1/8": host bits set'],
    [`  in: { rules: [ { match: { prefix: [{ prefix: 10.0.0.0/8, ge: 30, le: 24 }] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.prefix[0]: ge 30 is greater than le 24'],
    [`  in: { rules: [ { match: { community: ["65536:1"] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.community[0]: "65536:1" is not a community'],
    [`  in: { rules: [ { match: { community: [65001] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.community[0]: must be a community'],
    [`  in: { rules: [ { match: { largeCommunity: ["1:2"] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.largeCommunity[0]: "1:2" is not a large community pattern'],
    [`  in: { rules: [ { match: { asPath: { regex: "(" } } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.asPath.regex: Invalid regular expression'],
    [`  in: { rules: [ { match: { asPath: {} } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.asPath: needs one of regex'],
    [`  in: { rules: [ { match: { family: ipv4 } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.family: must be one of ipv4-unicast, ipv6-unicast'],
    [`  in: { rules: [ { match: { peerAddress: [nope] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.peerAddress[0]: must be an IP address'],
    [`  in: { rules: [ { match: { prefx: [] } } ] }\n  out: {}\n`, 'policies.in.rules[0].match.prefx: unknown key'],
    [`  in: { rules: [ { action: drop } ] }\n  out: {}\n`, 'policies.in.rules[0].action: must be accept or reject'],
    [`  in: { default: maybe }\n  out: {}\n`, 'policies.in.default: must be accept or reject'],
    [`  in: { rules: [ { action: reject, set: { med: 1 } } ] }\n  out: {}\n`, 'policies.in.rules[0].set: has no effect with action reject'],
    [`  in: { rules: [ { set: { localPref: -1 } } ] }\n  out: {}\n`, 'policies.in.rules[0].set.localPref: must be an integer 0..4294967295'],
    [`  in: { rules: [ { set: { prepend: 17 } } ] }\n  out: {}\n`, 'policies.in.rules[0].set.prepend: must be an integer 1..16'],
    [`  in: { rules: [ { set: { communities: { add: ["x"] } } } ] }\n  out: {}\n`, 'policies.in.rules[0].set.communities.add[0]: "x" is not a community'],
    [`  in: { rules: [ { set: { communities: {} } } ] }\n  out: {}\n`, 'policies.in.rules[0].set.communities: needs one of replace, remove, add'],
    [`  in: { rules: [ { set: { largeCommunities: { remove: ["1:2:x"] } } } ] }\n  out: {}\n`, 'policies.in.rules[0].set.largeCommunities.remove[0]: "1:2:x" is not a large community pattern'],
    [`  "bad name": {}\n`, 'policies.bad name: policy names use'],
    [`  in: { rules: [ { set: { nextHopSelf: true } } ] }\n  out: {}\n`, 'peers[0].importPolicy: policy "in" sets nextHopSelf (rules[0]), which applies only to export'],
    [`  in: { rules: [ { match: { originated: true } } ] }\n  out: {}\n`, 'peers[0].importPolicy: policy "in" matches originated (rules[0])'],
    [`  in: {}\n`, 'peers[0].exportPolicy: no policy named "out" (defined: in)'],
  ])('%#: %s', (policies, want) => {
    expect(err(policies)).toContain(want);
  });

  test('a peer naming a policy when none are defined', () => {
    expect(() => parseSpeakerConfig(`${BASE}peers: [{ address: 10.0.0.2, asn: 65001, exportPolicy: x }]\n`)).toThrow('peers[0].exportPolicy: no policy named "x" (defined: none)');
  });
});
