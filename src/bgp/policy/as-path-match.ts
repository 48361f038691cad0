// AS_PATH conditions: FRR's `bgp as-path access-list` regex dialect over the path as text, plus
// simple forms (contains, origin AS, length bounds). Compiled once per config; the evaluator caches
// the outcome per interned attribute set, so a regex runs once per UPDATE, never per prefix.

import { asPathLength } from '../rib/as-path.js';
import { AS_SEQUENCE, AS_SET, type AsPathSegment } from '../wire/types.js';
import type { AsPathMatch } from './types.js';

/** The path as FRR prints it: sequences as "1 2 3", sets as "{4,5}", confederation segments left out. */
export function asPathText(path: readonly AsPathSegment[] | undefined): string {
  if (!path) return '';
  const parts: string[] = [];
  for (const seg of path) {
    if (seg.type === AS_SEQUENCE) parts.push(...seg.asns.map(String));
    else if (seg.type === AS_SET) parts.push(`{${seg.asns.join(',')}}`);
  }
  return parts.join(' ');
}

/** FRR's `_` (start, end, or a delimiter) into a JS RegExp; throws on a bad pattern. */
export function compileAsPathRegex(source: string): RegExp {
  if (!/^[0-9_^$.*+?()[\]{}|\\ ,-]*$/.test(source)) throw new Error(`"${source}" may use only digits, spaces and _ ^ $ . * + ? ( ) [ ] { } | , -`);
  return new RegExp(source.replace(/_/g, '(?:^|$|[ ,{}()])'));
}

/** The rightmost AS of the path (the originator), undefined for an empty path or a trailing set. */
export function originAs(path: readonly AsPathSegment[] | undefined): number | undefined {
  if (!path) return undefined;
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (seg.type === AS_SEQUENCE && seg.asns.length > 0) return seg.asns[seg.asns.length - 1];
    if (seg.type === AS_SET) return undefined;
  }
  return undefined;
}

export function compileAsPathMatch(m: AsPathMatch): (path: readonly AsPathSegment[] | undefined) => boolean {
  const re = m.regex !== undefined ? compileAsPathRegex(m.regex) : undefined;
  const contains = m.contains ? new Set(m.contains) : undefined;
  const origins = m.origin ? new Set(m.origin) : undefined;
  return (path) => {
    if (m.minLength !== undefined || m.maxLength !== undefined) {
      const n = asPathLength(path);
      if (m.minLength !== undefined && n < m.minLength) return false;
      if (m.maxLength !== undefined && n > m.maxLength) return false;
    }
    if (origins) {
      const o = originAs(path);
      if (o === undefined || !origins.has(o)) return false;
    }
    if (contains) {
      let hit = false;
      for (const seg of path ?? []) for (const a of seg.asns) if (contains.has(a)) hit = true;
      if (!hit) return false;
    }
    if (re && !re.test(asPathText(path))) return false;
    return true;
  };
}
