// Prefix lists with ge/le, compiled once: each entry becomes its network as 32-bit words plus a
// length range, and a candidate prefix is parsed once per evaluation into the same words, so a
// match is a few integer compares per entry (no text, no regex, no allocation per entry).

import { parseIpv4Into, parseIpv6Into } from '../wire/address.js';
import { parsePrefix } from '../wire/prefix.js';
import { AFI_IPV6 } from '../wire/types.js';
import type { PrefixEntry } from './types.js';

/** A prefix as words: v4 uses w[0] only. */
export interface PrefixWords {
  v6: boolean;
  len: number;
  w: Uint32Array;
}

interface CompiledEntry {
  v6: boolean;
  /** Bits of the entry's own prefix that must equal the candidate's. */
  len: number;
  lo: number;
  hi: number;
  w: Uint32Array;
}

const scratch = new Uint8Array(16);

function toWords(bytes: Uint8Array, n: number, into: Uint32Array): void {
  for (let i = 0; i < n; i++) into[i] = ((bytes[4 * i] << 24) | (bytes[4 * i + 1] << 16) | (bytes[4 * i + 2] << 8) | bytes[4 * i + 3]) >>> 0;
}

/** Canonical prefix text (as the RIB keys it) into words; undefined when malformed. */
export function prefixWords(prefix: string, into?: PrefixWords): PrefixWords | undefined {
  const slash = prefix.indexOf('/');
  if (slash < 0) return undefined;
  const v6 = prefix.includes(':');
  const addr = prefix.slice(0, slash);
  const ok = v6 ? parseIpv6Into(addr, scratch, 0) : parseIpv4Into(addr, scratch, 0);
  if (!ok) return undefined;
  const out = into ?? { v6, len: 0, w: new Uint32Array(4) };
  out.v6 = v6;
  out.len = Number(prefix.slice(slash + 1));
  toWords(scratch, v6 ? 4 : 1, out.w);
  return out;
}

/** Validates an entry (throws a message fit for a ConfigError). */
export function checkPrefixEntry(e: PrefixEntry): void {
  const p = parsePrefix(e.prefix);
  const max = p.afi === AFI_IPV6 ? 128 : 32;
  const { ge, le } = e;
  if (ge !== undefined && (ge < p.len || ge > max)) throw new Error(`ge ${ge} must be ${p.len}..${max} for ${e.prefix}`);
  if (le !== undefined && (le < p.len || le > max)) throw new Error(`le ${le} must be ${p.len}..${max} for ${e.prefix}`);
  if (ge !== undefined && le !== undefined && ge > le) throw new Error(`ge ${ge} is greater than le ${le}`);
}

function compileEntry(e: PrefixEntry): CompiledEntry {
  const p = parsePrefix(e.prefix);
  const v6 = p.afi === AFI_IPV6;
  const max = v6 ? 128 : 32;
  const w = new Uint32Array(4);
  toWords(p.bytes, v6 ? 4 : 1, w);
  const lo = e.ge ?? p.len;
  const hi = e.le ?? (e.ge !== undefined ? max : p.len);
  return { v6, len: p.len, lo, hi, w };
}

function entryMatches(e: CompiledEntry, c: PrefixWords): boolean {
  if (e.v6 !== c.v6 || c.len < e.lo || c.len > e.hi) return false;
  let bits = e.len;
  for (let i = 0; bits > 0; i++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((c.w[i] & mask) >>> 0) !== e.w[i]) return false;
  }
  return true;
}

export type PrefixMatcher = (c: PrefixWords) => boolean;

/** Any entry matches. */
export function compilePrefixList(entries: readonly PrefixEntry[]): PrefixMatcher {
  const compiled = entries.map(compileEntry);
  const v4 = compiled.filter((e) => !e.v6);
  const v6 = compiled.filter((e) => e.v6);
  return (c) => {
    const list = c.v6 ? v6 : v4;
    for (let i = 0; i < list.length; i++) if (entryMatches(list[i], c)) return true;
    return false;
  };
}

/** "10.0.0.0/8", "10.0.0.0/8 le 24", "10.0.0.0/8 ge 16 le 24" (FRR order) → entry; throws on bad text. */
export function parsePrefixEntryText(text: string): PrefixEntry {
  const words = text.trim().split(/\s+/);
  const e: PrefixEntry = { prefix: words[0] };
  for (let i = 1; i < words.length; i += 2) {
    const k = words[i];
    const v = words[i + 1];
    if ((k !== 'ge' && k !== 'le') || v === undefined || !/^\d{1,3}$/.test(v) || e[k] !== undefined) {
      throw new Error(`"${text}" is not PREFIX [ge N] [le N]`);
    }
    e[k] = Number(v);
  }
  return e;
}
