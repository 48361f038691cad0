// Small validators for config files and annotations. Every failure names the exact key path
// ("peers[1].asn: must be an integer 1..4294967295") so one error tells the operator what to fix.
import { isIP } from 'node:net';

export class ConfigError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'ConfigError';
  }
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new ConfigError(path, `must be a mapping, got ${describe(v)}`);
  return v;
}

/** Rejects keys we do not know, so a typo ("holdtime") is an error rather than silently ignored. */
export function onlyKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ConfigError(join(path, k), `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

export function optInt(o: Obj, key: string, path: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(join(path, key), `must be an integer ${min}..${max}, got ${describe(v)}`);
  }
  return v;
}

export function reqInt(o: Obj, key: string, path: string, min: number, max: number): number {
  const v = optInt(o, key, path, min, max);
  if (v === undefined) throw new ConfigError(join(path, key), 'is required');
  return v;
}

export function optBool(o: Obj, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(join(path, key), `must be true or false, got ${describe(v)}`);
  return v;
}

export function optString(o: Obj, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new ConfigError(join(path, key), `must be a non-empty string, got ${describe(v)}`);
  return v;
}

export function optIp(o: Obj, key: string, path: string, family?: 4 | 6): string | undefined {
  const v = optString(o, key, path);
  if (v === undefined) return undefined;
  const f = isIP(v);
  if (f === 0 || (family && f !== family)) {
    throw new ConfigError(join(path, key), `must be an IP${family ? 'v' + family : ''} address, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function reqIp(o: Obj, key: string, path: string, family?: 4 | 6): string {
  const v = optIp(o, key, path, family);
  if (v === undefined) throw new ConfigError(join(path, key), 'is required');
  return v;
}

export function optArray(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(join(path, key), `must be a list, got ${describe(v)}`);
  return v;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** ASN text in plain ("65000") or asdot ("1.10") notation, as operators write both; undefined if neither. */
export function asnFromText(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const n = m[2] === undefined ? Number(m[1]) : Number(m[1]) * 65536 + Number(m[2]);
  const dotOk = m[2] === undefined || (Number(m[1]) <= 65535 && Number(m[2]) <= 65535);
  return dotOk && Number.isSafeInteger(n) && n >= 1 && n <= 0xffffffff ? n : undefined;
}

/** An ASN from a config value: a number, or text in plain or asdot notation. */
export function parseAsn(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 0xffffffff) return v;
  const n = typeof v === 'string' ? asnFromText(v) : undefined;
  if (n !== undefined) return n;
  throw new ConfigError(path, `must be an AS number 1..4294967295 (or asdot x.y), got ${describe(v)}`);
}
