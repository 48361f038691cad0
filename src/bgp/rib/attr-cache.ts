// Attribute interning (BIRD's attribute cache, OpenBGPD's rde_attr.c): a full table arrives as
// ~1,000 UPDATEs that mostly repeat a few attribute sets, so equal sets become one frozen object.
// That saves memory, and lets every later stage compare attribute sets by identity (Adj-RIB-Out
// diffing, grouping prefixes for packing) instead of structurally.
//
// Entries are held weakly: once no path refers to an attribute set, the garbage collector frees it
// and a FinalizationRegistry drops its key, so the cache never needs reference counts per prefix.

import type { PathAttributes } from '../wire/index.js';

export class AttrCache {
  private readonly map = new Map<string, WeakRef<PathAttributes>>();
  private readonly registry = new FinalizationRegistry<string>((key) => {
    const ref = this.map.get(key);
    if (ref !== undefined && ref.deref() === undefined) this.map.delete(key);
  });

  /** The cached set for `key`, or the frozen result of `make()` newly cached under it. */
  intern(key: string, make: () => PathAttributes): PathAttributes {
    const hit = this.map.get(key)?.deref();
    if (hit !== undefined) return hit;
    const value = Object.freeze(make());
    this.map.set(key, new WeakRef(value));
    this.registry.register(value, key);
    return value;
  }

  /** Intern by content, for sets that did not come with raw bytes (policy output, local routes). */
  internByContent(attrs: PathAttributes): PathAttributes {
    return this.intern('c' + attrsSignature(attrs), () => ({ ...attrs }));
  }

  get size(): number {
    return this.map.size;
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * A canonical text for an attribute set: equal sets give equal text whatever the key order of the
 * objects. mpReach/mpUnreach are left out (the RIB never stores them).
 */
export function attrsSignature(a: PathAttributes): string {
  return JSON.stringify([
    a.origin ?? null,
    a.asPath ? a.asPath.map((s) => [s.type, s.asns]) : null,
    a.nextHop ?? null,
    a.med ?? null,
    a.localPref ?? null,
    a.atomicAggregate ?? null,
    a.aggregator ? [a.aggregator.asn, a.aggregator.address] : null,
    a.communities ?? null,
    a.originatorId ?? null,
    a.clusterList ?? null,
    a.extCommunities ?? null,
    a.largeCommunities ? a.largeCommunities.map((l) => [l.global, l.local1, l.local2]) : null,
    a.unknown ? a.unknown.map((u) => [u.flags, u.code, hex(u.value)]) : null,
  ]);
}
