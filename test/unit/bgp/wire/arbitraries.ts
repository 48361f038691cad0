// fast-check generators for wire messages that are valid by construction, so decode(encode(m))
// must give back m exactly.
import fc from 'fast-check';
import {
  formatIpv4, formatIpv6, normalizePrefix, AS_SEQUENCE, AS_SET, AS_CONFED_SEQUENCE,
  type AsPathSegment, type CodecContext, type Family, type NlriList, type PathAttributes, type Capabilities,
} from '../../../../src/bgp/wire/index.js';

export const ipv4Prefix = fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }))
  .map(([b, len]) => normalizePrefix(`${formatIpv4(b)}/${len}`));
export const ipv6Prefix = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }))
  .map(([b, len]) => normalizePrefix(`${formatIpv6(b)}/${len}`));
export const prefixOf = (f: Family) => (f === 'ipv4-unicast' ? ipv4Prefix : ipv6Prefix);

export const unicastV4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.uint8Array({ minLength: 3, maxLength: 3 }))
  .map(([a, r]) => formatIpv4(Uint8Array.of(a, r[0], r[1], r[2])));
export const anyV4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b));
export const v6addr = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const asn = fc.integer({ min: 1, max: 0xffffffff });

export function nlriList(f: Family, addPath: boolean, max = 12): fc.Arbitrary<NlriList> {
  return fc.array(prefixOf(f), { maxLength: max }).chain((prefixes) =>
    addPath
      ? fc.array(u32, { minLength: prefixes.length, maxLength: prefixes.length }).map((pathIds) => ({ prefixes, pathIds }))
      : fc.constant({ prefixes }));
}

function asPath(c: CodecContext): fc.Arbitrary<AsPathSegment[]> {
  const seg = fc.record({ type: fc.constantFrom(AS_SEQUENCE, AS_SET), asns: fc.array(asn, { minLength: 1, maxLength: 8 }) });
  const body = fc.array(seg, { maxLength: 4 });
  if (c.ebgp) return body;
  // Confederation segments only at the front, where RFC 5065 puts them.
  // On a 2-octet session confederation members must be 2-octet ASNs (RFC 6793 §7).
  const member = c.asn4 ? asn : fc.integer({ min: 1, max: 65535 });
  const confed = fc.option(fc.record({ type: fc.constant(AS_CONFED_SEQUENCE), asns: fc.array(member, { minLength: 1, maxLength: 3 }) }), { nil: undefined });
  return fc.tuple(confed, body).map(([cf, b]) => (cf ? [cf, ...b] : b));
}

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Attributes valid for the session (eBGP: no LOCAL_PREF/ORIGINATOR_ID/CLUSTER_LIST). */
export function pathAttributes(c: CodecContext): fc.Arbitrary<PathAttributes> {
  return fc.record({
    origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    asPath: asPath(c),
    nextHop: unicastV4,
    med: opt(u32),
    localPref: c.ebgp ? fc.constant(undefined) : opt(u32),
    atomicAggregate: opt(fc.constant(true)),
    // 2-octet sessions: a 4-octet aggregator, so AS4_AGGREGATOR travels and RFC 6793 merging applies.
    aggregator: opt(fc.record({ asn: c.asn4 ? asn : fc.integer({ min: 65536, max: 0xffffffff }), address: anyV4 })),
    communities: opt(fc.array(u32, { minLength: 1, maxLength: 6 })),
    originatorId: c.ebgp ? fc.constant(undefined) : opt(anyV4),
    clusterList: c.ebgp ? fc.constant(undefined) : opt(fc.array(anyV4, { minLength: 1, maxLength: 3 })),
    extCommunities: opt(fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex')), { minLength: 1, maxLength: 3 })),
    largeCommunities: opt(fc.array(fc.record({ global: u32, local1: u32, local2: u32 }), { minLength: 1, maxLength: 3 })),
    unknown: opt(fc.uniqueArray(
      // Optional transitive with Partial already set: what a re-encode produces.
      fc.record({ flags: fc.constant(0xe0), code: fc.constantFrom(21, 22, 35, 99, 128, 200, 255), value: fc.uint8Array({ maxLength: 300 }) }),
      { selector: (u) => u.code, minLength: 1, maxLength: 3 },
    )),
  }).map(stripUndefined);
}

export function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export const contexts: fc.Arbitrary<CodecContext> = fc.record({
  asn4: fc.boolean(),
  extendedMessage: fc.boolean(),
  addPathReceive: fc.subarray(['ipv4-unicast', 'ipv6-unicast'] as Family[]).map((a) => new Set(a)),
  addPathSend: fc.constant(new Set<Family>()),
  ebgp: fc.boolean(),
}).map((c) => ({ ...c, addPathSend: c.addPathReceive }));

export const capabilities: fc.Arbitrary<Capabilities> = fc.record({
  multiprotocol: fc.array(fc.record({ afi: fc.constantFrom(1, 2, 25), safi: fc.constantFrom(1, 2, 70) }), { maxLength: 4 }),
  routeRefresh: fc.boolean(),
  enhancedRouteRefresh: fc.boolean(),
  asn4: opt(asn),
  gracefulRestart: opt(fc.record({
    restartState: fc.boolean(), notification: fc.boolean(), restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constant(1), forwarding: fc.boolean() }), { maxLength: 2 }),
  })),
  addPath: opt(fc.record({
    families: fc.array(fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constant(1), send: fc.boolean(), receive: fc.boolean() })
      .filter((f) => f.send || f.receive), { minLength: 1, maxLength: 2 }),
  })),
  extendedMessage: fc.boolean(),
  unknown: fc.array(fc.record({ code: fc.constantFrom(5, 9, 71, 73, 128, 131), value: fc.uint8Array({ maxLength: 80 }) }), { maxLength: 5 }),
}).map(stripUndefined);
