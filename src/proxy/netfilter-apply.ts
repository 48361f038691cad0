// Thin shell: puts a NetfilterSpec into the kernel with `ipset restore` and
// `iptables-restore --noflush` (only our chains are declared, so nothing else is flushed), then
// makes sure the built-in chains jump to ours. Set members change by delta after the first apply.

import { runOk, type Runner } from '../netfilter/exec.js';
import type { BackendTools } from '../netfilter/backend.js';
import { HOOKS, type FamilyRules, type NetfilterSpec, type SetSpec } from './netfilter.js';

const header = (s: SetSpec, name = s.name): string =>
  `create ${name} ${s.type} family ${s.family === 4 ? 'inet' : 'inet6'} hashsize 1024 maxelem ${Math.max(65536, 2 ** Math.ceil(Math.log2(s.members.length * 2 + 1)))}`;

/** ipset restore lines: replace (fill a temp set, swap) or delta against `prev`. */
export function setLines(s: SetSpec, prev: readonly string[] | undefined): string[] {
  if (!prev) {
    const tmp = `${s.name.slice(0, 28)}-t`;
    return [`${header(s)} -exist`, `${header(s, tmp)} -exist`, `flush ${tmp}`, ...s.members.map((m) => `add ${tmp} ${m}`), `swap ${tmp} ${s.name}`, `destroy ${tmp}`];
  }
  const a = new Set(prev), b = new Set(s.members);
  return [...prev.filter((m) => !b.has(m)).map((m) => `del ${s.name} ${m} -exist`), ...s.members.filter((m) => !a.has(m)).map((m) => `add ${s.name} ${m} -exist`)];
}

/** iptables-restore --noflush input writing exactly our chains in both tables. */
export function renderRestore(r: FamilyRules): string {
  const out: string[] = [];
  for (const [table, chains] of [['nat', r.nat], ['filter', r.filter]] as const) {
    out.push(`*${table}`);
    for (const c of chains.keys()) out.push(`:${c} - [0:0]`);
    for (const [c, rules] of chains) for (const rule of rules) out.push(`-A ${c} ${rule}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

export class ServiceNetfilter {
  private lastSets = new Map<string, string[]>();
  private lastRules = new Map<4 | 6, string>();

  constructor(private readonly run: Runner, private readonly tools: BackendTools, private readonly families: (4 | 6)[] = [4, 6]) {}

  async apply(spec: NetfilterSpec, opts: { full?: boolean } = {}): Promise<void> {
    if (opts.full) {
      this.lastSets.clear();
      this.lastRules.clear();
    }
    const lines: string[] = [];
    for (const f of this.families) for (const s of (f === 4 ? spec.v4 : spec.v6).sets) lines.push(...setLines(s, this.lastSets.get(s.name)));
    // Sets first: the rules below reference them.
    if (lines.length) await runOk(this.run, ['ipset', 'restore'], lines.join('\n') + '\n');
    for (const f of this.families) for (const s of (f === 4 ? spec.v4 : spec.v6).sets) this.lastSets.set(s.name, s.members);
    for (const f of this.families) {
      const text = renderRestore(f === 4 ? spec.v4 : spec.v6);
      if (this.lastRules.get(f) === text) continue;
      await runOk(this.run, [this.tools.restore[f], '-w', '--noflush'], text);
      this.lastRules.set(f, text);
      for (const [table, builtin, ours] of HOOKS) {
        const r = await this.run([this.tools.cmd[f], '-w', '-t', table, '-C', builtin, '-j', ours]);
        if (r.code !== 0) await runOk(this.run, [this.tools.cmd[f], '-w', '-t', table, '-I', builtin, '1', '-j', ours]);
      }
    }
  }

  /** Removes hooks, chains and sets (agent uninstall, tests). */
  async remove(): Promise<void> {
    for (const f of this.families) {
      for (const [table, builtin, ours] of HOOKS) while ((await this.run([this.tools.cmd[f], '-w', '-t', table, '-D', builtin, '-j', ours])).code === 0);
      for (const [table, chain] of [['nat', 'PODROUTE-SVC-MARK'], ['nat', 'PODROUTE-SVC-POSTRT'], ['filter', 'PODROUTE-SVC-FW']]) {
        await this.run([this.tools.cmd[f], '-w', '-t', table, '-F', chain]);
        await this.run([this.tools.cmd[f], '-w', '-t', table, '-X', chain]);
      }
    }
    for (const name of this.lastSets.keys()) await this.run(['ipset', 'destroy', name]);
    this.lastSets.clear();
    this.lastRules.clear();
  }
}
