// A small flag parser: `--name value`, `--name=value`, boolean `--flag`, repeated flags collect.
// Unknown flags are an error that names the flag, so a typo never silently changes behaviour.

export interface FlagSpec {
  [name: string]: { type: 'string' | 'boolean' | 'list'; help: string; default?: string | boolean };
}

export type Flags<S extends FlagSpec> = { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : S[K]['type'] extends 'list' ? string[] : string | undefined };

export class UsageError extends Error {}

export function parseFlags<S extends FlagSpec>(argv: string[], spec: S): { flags: Flags<S>; rest: string[] } {
  const flags: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec)) flags[k] = s.type === 'list' ? [] : s.default ?? (s.type === 'boolean' ? false : undefined);
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag --${name}`);
    if (s.type === 'boolean') {
      flags[name] = eq === -1 ? true : !['false', '0', 'no'].includes(a.slice(eq + 1));
      continue;
    }
    const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    if (s.type === 'list') (flags[name] as string[]).push(...value.split(',').filter(Boolean));
    else flags[name] = value;
  }
  return { flags: flags as Flags<S>, rest };
}

export function flagHelp(spec: FlagSpec): string {
  return Object.entries(spec)
    .map(([k, s]) => `  --${k}${s.type === 'boolean' ? '' : ' VALUE'}`.padEnd(34) + s.help + (s.default !== undefined && s.default !== false ? ` (default ${s.default})` : ''))
    .join('\n');
}

/** "127.0.0.1:9180" or ":9180" or "[::1]:9180" → host and port. */
export function parseHostPort(v: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v);
  if (!m) throw new UsageError(`--${flag} must be HOST:PORT, got "${v}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--${flag}: port ${port} is out of range`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
