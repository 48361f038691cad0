// `ipset restore` input, rendered purely. Two ways to change a set:
// - replace: fill a temporary set and `swap` it in: readers see the old or the new set, never a
//   half-filled one (first apply, full resync, or when most members change);
// - delta: `del`/`add` just the members that changed (a pod appears or goes: one line, not
//   thousands), each atomic on its own.
// Set types and families are encoded in our names, so a swap never meets an incompatible set.

export interface SetDef {
  type: 'hash:ip' | 'hash:net' | 'hash:ip,port';
  family: 4 | 6;
}

function header(name: string, d: SetDef, size: number): string {
  const maxelem = Math.max(65536, 2 ** Math.ceil(Math.log2(size * 2 + 1)));
  return `create ${name} ${d.type} family ${d.family === 4 ? 'inet' : 'inet6'} hashsize 1024 maxelem ${maxelem}`;
}

export function tempName(name: string): string {
  return `${name.slice(0, 29)}-t`;
}

/** Lines that make set `name` hold exactly `members`, whatever it held before (or if absent). */
export function replaceSet(name: string, def: SetDef, members: readonly string[]): string[] {
  const tmp = tempName(name);
  const lines = [
    `${header(name, def, members.length)} -exist`,
    `${header(tmp, def, members.length)} -exist`,
    `flush ${tmp}`,
  ];
  for (const m of members) lines.push(`add ${tmp} ${m}`);
  lines.push(`swap ${tmp} ${name}`, `destroy ${tmp}`);
  return lines;
}

/** Lines that take set `name` from `from` to `to` (both sorted), touching only the difference. */
export function deltaSet(name: string, from: readonly string[], to: readonly string[]): string[] {
  const a = new Set(from);
  const b = new Set(to);
  const lines: string[] = [];
  // hash:net "X nomatch" and "X" are one element with a flag: delete before re-adding.
  for (const m of from) if (!b.has(m)) lines.push(`del ${name} ${m.replace(/ nomatch$/, '')} -exist`);
  for (const m of to) if (!a.has(m)) lines.push(`add ${name} ${m} -exist`);
  return lines;
}

export function destroySet(name: string): string[] {
  return [`destroy ${name}`];
}
