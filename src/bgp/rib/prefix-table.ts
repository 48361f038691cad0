// The Loc-RIB's index: prefix text → value, built for a million IPv4 prefixes.
//
// Why not Map<string, V>: measured on this machine, inserting 1M freshly decoded prefix strings into
// a Map takes ~0.4 s (hashing each new string, rehashing the table as it grows, and the collector
// copying what the table keeps alive) — the whole RIB budget. IPv4 prefixes fit in a number
// (address × 64 + length, exact in a double), so they live in an open-addressing table over a
// Float64Array: one parse of ~15 characters, then integer hashing and linear probing that touches
// one or two cache lines. Other families (IPv6 tables are a fraction of the size) use a Map.
//
// Deletion uses backward shifting (no tombstones), so lookups never slow down after churn.
// Iteration order is not insertion order and the table may move entries when it grows: iterate
// a snapshot (`valuesSnapshot`) if the table can change meanwhile.

const EMPTY = -1;
const MIN_CAPACITY = 1024;

/** address × 64 + length for canonical IPv4 prefix text "a.b.c.d/len"; -1 for anything else. */
export function ipv4PrefixKey(prefix: string): number {
  let addr = 0;
  let octet = 0;
  let dots = 0;
  let digits = 0;
  const n = prefix.length;
  for (let i = 0; i < n; i++) {
    const c = prefix.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3) return EMPTY;
    } else if (c === 46 || c === 47) {
      if (digits === 0 || octet > 255) return EMPTY;
      addr = addr * 256 + octet;
      octet = 0;
      digits = 0;
      if (c === 46) {
        if (++dots > 3) return EMPTY;
      } else {
        if (dots !== 3) return EMPTY;
        let len = 0;
        let ld = 0;
        for (let j = i + 1; j < n; j++) {
          const d = prefix.charCodeAt(j);
          if (d < 48 || d > 57 || ++ld > 2) return EMPTY;
          len = len * 10 + (d - 48);
        }
        if (ld === 0 || len > 32) return EMPTY;
        return addr * 64 + len;
      }
    } else return EMPTY;
  }
  return EMPTY;
}

/** The canonical prefix text of an ipv4PrefixKey. */
export function ipv4KeyText(key: number): string {
  const len = key % 64;
  const a = (key - len) / 64;
  return `${(a / 16777216) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${len}`;
}

/**
 * Slot of a key: both halves mixed with the table's seed through murmur3's finaliser, top bits.
 * The seed matters: walking one table in slot order and inserting into another (the initial dump
 * fills a peer's Adj-RIB-Out from the Loc-RIB) would otherwise pack keys into one endless probe
 * run in the new table — measured here, 1M inserts went from 0.1 s to 390 s.
 */
function slotOf(key: number, seed: number, shift: number): number {
  const lo = key | 0; // ToInt32 keeps the low 32 bits: address low bits ×64 + len
  const hi = (key * 2.3283064365386963e-10) | 0; // the top 6 address bits (× 2^-32: no division)
  let h = lo ^ seed ^ Math.imul(hi, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> shift;
}

let tables = 0;

export class PrefixTable<V> {
  private keys: Float64Array;
  private vals: (V | undefined)[];
  private shift: number;
  private count = 0;
  /** Differs per table (deterministically, so runs repeat): see slotOf. */
  private readonly seed = Math.imul(++tables, 0x9e3779b1);
  private readonly other = new Map<string, V>();
  // get() then set() of the same prefix is the common insert: parse its text once.
  private lastPrefix = '';
  private lastKey = EMPTY;

  private keyOf(prefix: string): number {
    if (prefix === this.lastPrefix) return this.lastKey;
    const key = ipv4PrefixKey(prefix);
    this.lastPrefix = prefix;
    this.lastKey = key;
    return key;
  }

  constructor() {
    this.keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  get size(): number {
    return this.count + this.other.size;
  }

  get(prefix: string): V | undefined {
    const key = this.keyOf(prefix);
    if (key === EMPTY) return this.other.get(prefix);
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = slotOf(key, this.seed, this.shift); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return this.vals[i];
      if (k === EMPTY) return undefined;
    }
  }

  set(prefix: string, value: V): void {
    const key = this.keyOf(prefix);
    if (key === EMPTY) {
      this.other.set(prefix, value);
      return;
    }
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    this.insert(key, value);
  }

  private insert(key: number, value: V): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = slotOf(key, this.seed, this.shift); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.vals[i] = value;
        this.count++;
        return;
      }
    }
  }

  delete(prefix: string): boolean {
    const key = this.keyOf(prefix);
    if (key === EMPTY) return this.other.delete(prefix);
    const keys = this.keys;
    const vals = this.vals;
    const mask = keys.length - 1;
    let i = slotOf(key, this.seed, this.shift);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) break;
      if (k === EMPTY) return false;
    }
    // Backward-shift: pull later members of the probe run into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j];
      if (k === EMPTY) break;
      const home = slotOf(k, this.seed, this.shift);
      // Move k into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        keys[hole] = k;
        vals[hole] = vals[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    vals[hole] = undefined;
    this.count--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.shift = 32 - Math.log2(cap);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] !== EMPTY) this.insert(oldKeys[i], oldVals[i] as V);
    }
  }

  *values(): IterableIterator<V> {
    const keys = this.keys;
    const vals = this.vals;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) yield vals[i] as V;
    yield* this.other.values();
  }

  /** The longest run of occupied slots: what a miss may probe. Diagnostics and tests. */
  longestRun(): number {
    let best = 0;
    let run = 0;
    for (const k of this.keys) {
      run = k === EMPTY ? 0 : run + 1;
      if (run > best) best = run;
    }
    return best;
  }

  /** [prefix, value] pairs; IPv4 prefix text is rebuilt from the key. */
  *entries(): IterableIterator<[string, V]> {
    const keys = this.keys;
    const vals = this.vals;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) yield [ipv4KeyText(keys[i]), vals[i] as V];
    yield* this.other.entries();
  }

  /** All values as an array: safe to walk while the table changes. */
  valuesSnapshot(): V[] {
    const out: V[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) out.push(this.vals[i] as V);
    for (const v of this.other.values()) out.push(v);
    return out;
  }
}
