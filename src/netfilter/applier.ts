// Applies a desired filter state (sets + chains per family) to the kernel with the fewest changes.
//
// Order matters:
//   1. ipsets: create/update every set the new chains reference (so no rule ever points at a
//      missing or half-filled set);
//   2. iptables: one --noflush restore per family rewriting only changed podroute chains and
//      deleting ours that are gone — one atomic commit; then make sure FORWARD jumps to PODROUTE-FW;
//   3. ipsets: stale sets go (nothing references them any more).
// Incremental applies diff against what this applier last applied. A full resync also lists the
// kernel (our prefixes only) to repair drift: every desired object is rewritten, strays removed.
import type { Runner } from './exec.js';
import { ExecError, runOk } from './exec.js';
import type { BackendTools } from './backend.js';
import { deltaSet, destroySet, replaceSet, type SetDef } from './ipset-restore.js';
import { dropCounters, listedChains, renderFilter } from './iptables-restore.js';

export interface FamilySpec {
  sets: ReadonlyMap<string, SetDef & { members: readonly string[] }>;
  chains: ReadonlyMap<string, readonly string[]>;
}
export interface ApplySpec {
  v4: FamilySpec;
  v6: FamilySpec;
}

export interface ApplierOptions {
  /**
   * Which sets and chains this applier owns. Ownership is by exact name shape, not a bare prefix:
   * other podroute controllers have podroute- and PODROUTE- objects of their own (the SNAT set, the
   * service proxy's chains) that a drift repair here must never remove.
   */
  ownsSet: (name: string) => boolean;
  ownsChain: (name: string) => boolean;
  /** Built-in chain → our chain it must jump to as its first rule (when we have that chain). */
  hooks: readonly { from: string; to: string }[];
}

export interface ApplyStats {
  full: boolean;
  setsWritten: number;
  setsDestroyed: number;
  chainsWritten: number;
  chainsRemoved: number;
  ipsetLines: number;
  iptablesLines: number;
  /** Wall time spent in the tools (exec included), for the status API and the benchmark. */
  ipsetMs: number;
  iptablesMs: number;
}

const FAMS = [4, 6] as const;

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === b) return true; // the compiler reuses arrays of unchanged sets: no element walk
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Applier {
  private last: ApplySpec | undefined;

  constructor(private readonly run: Runner, private readonly tools: BackendTools, private readonly opts: ApplierOptions) {}

  /** Forget what was applied: the next apply is a full one. */
  invalidate(): void {
    this.last = undefined;
  }

  async apply(desired: ApplySpec, opts: { full?: boolean } = {}): Promise<ApplyStats> {
    const full = opts.full === true || this.last === undefined;
    const stats: ApplyStats = { full, setsWritten: 0, setsDestroyed: 0, chainsWritten: 0, chainsRemoved: 0, ipsetLines: 0, iptablesLines: 0, ipsetMs: 0, iptablesMs: 0 };
    // What the kernel holds (ours only): from the last apply, or listed on a full resync.
    const liveSets = new Map<string, readonly string[] | undefined>();
    const liveChains: Record<4 | 6, Set<string>> = { 4: new Set(), 6: new Set() };
    if (full) {
      // Names only: a full apply rewrites every desired set anyway, and listing members of
      // hundreds of thousands of entries would cost about as much as writing them.
      for (const name of await this.listSets()) liveSets.set(name, undefined);
      for (const fam of FAMS) {
        const argv = [this.tools.cmd[fam], '-w', '-S'];
        const r = await this.run(argv);
        // A family we do not use may be missing on the host (no IPv6): nothing of ours is there.
        if (r.code !== 0 && (fam === 4 ? desired.v4 : desired.v6).chains.size === 0) continue;
        if (r.code !== 0) throw new ExecError(argv, r);
        for (const c of listedChains(r.stdout, this.opts.ownsChain)) liveChains[fam].add(c);
      }
    } else {
      for (const fam of FAMS) {
        for (const [n, s] of this.last![fam === 4 ? 'v4' : 'v6'].sets) liveSets.set(n, s.members);
        for (const c of this.last![fam === 4 ? 'v4' : 'v6'].chains.keys()) liveChains[fam].add(c);
      }
    }
    const prevApplied = full ? undefined : this.last;
    this.last = undefined; // until this apply completes, the kernel state is uncertain

    // 1. sets.
    const pre: string[] = [];
    const post: string[] = [];
    const wanted = new Set<string>();
    for (const fam of FAMS) {
      for (const [name, spec] of (fam === 4 ? desired.v4 : desired.v6).sets) {
        wanted.add(name);
        const cur = liveSets.get(name);
        const exists = liveSets.has(name);
        if (!full && sameList(cur, spec.members)) continue;
        stats.setsWritten++;
        // Appended in a loop: push(...lines) overflows the call stack for sets of ~100k members.
        const lines = exists && !full && cur !== undefined && this.smallDelta(cur, spec.members)
          ? deltaSet(name, cur, spec.members)
          : replaceSet(name, spec, spec.members);
        for (const l of lines) pre.push(l);
      }
    }
    for (const name of liveSets.keys()) {
      if (wanted.has(name)) continue;
      post.push(...destroySet(name));
      stats.setsDestroyed++;
    }
    let t = performance.now();
    if (pre.length > 0) await runOk(this.run, ['ipset', 'restore'], pre.join('\n') + '\n');
    stats.ipsetMs += performance.now() - t;

    // 2. chains, per family, one atomic restore each; the families are independent tables, so
    //    their restores run side by side (a dual-stack pod change pays for one, not two).
    t = performance.now();
    await Promise.all(FAMS.map(async (fam) => {
      const want = (fam === 4 ? desired.v4 : desired.v6).chains;
      const prev = prevApplied ? (fam === 4 ? prevApplied.v4 : prevApplied.v6).chains : undefined;
      const write = new Map<string, readonly string[]>();
      for (const [name, rules] of want) if (full || !sameList(prev?.get(name), rules)) write.set(name, rules);
      const remove = [...liveChains[fam]].filter((c) => !want.has(c));
      if (write.size > 0 || remove.length > 0) {
        const text = renderFilter({ write, remove });
        stats.iptablesLines += text.split('\n').length;
        await runOk(this.run, [this.tools.restore[fam], '-w', '--noflush'], text);
      }
      stats.chainsWritten += write.size;
      stats.chainsRemoved += remove.length;
      // Checked on full applies only: an incremental apply costs no extra exec; a hook someone
      // removed comes back at the next periodic resync.
      if (full) for (const h of this.opts.hooks) if (want.has(h.to)) await this.ensureHook(fam, h.from, h.to);
    }));
    stats.iptablesMs += performance.now() - t;

    // 3. drop sets nobody references any more.
    t = performance.now();
    if (post.length > 0) await runOk(this.run, ['ipset', 'restore'], post.join('\n') + '\n');
    stats.ipsetMs += performance.now() - t;
    stats.ipsetLines = pre.length + post.length;
    this.last = desired;
    return stats;
  }

  private smallDelta(from: readonly string[], to: readonly string[]): boolean {
    // Past half the members, a fresh set swapped in costs no more and is atomic as a whole.
    const a = new Set(from);
    let changed = 0;
    for (const m of to) if (!a.has(m)) changed++;
    changed += Math.max(0, from.length - (to.length - changed));
    return changed <= Math.max(8, to.length / 2);
  }

  private async listSets(): Promise<string[]> {
    const out = await runOk(this.run, ['ipset', 'list', '-n']);
    return out.split('\n').map((l) => l.trim()).filter((n) => this.opts.ownsSet(n));
  }

  /** A built-in chain's first rule jumps to ours; inserted once, never duplicated. */
  private async ensureHook(fam: 4 | 6, from: string, to: string): Promise<void> {
    const check = await this.run([this.tools.cmd[fam], '-w', '-C', from, '-j', to]);
    if (check.code === 0) return;
    await runOk(this.run, [this.tools.cmd[fam], '-w', '-I', from, '1', '-j', to]);
  }

  /** Remove everything podroute put in the kernel (hook, chains, sets). */
  async teardown(): Promise<void> {
    for (const fam of FAMS) {
      for (const h of this.opts.hooks) while ((await this.run([this.tools.cmd[fam], '-w', '-D', h.from, '-j', h.to])).code === 0);
      const listing = await this.run([this.tools.cmd[fam], '-w', '-S']);
      if (listing.code !== 0) continue; // family unavailable: nothing of ours there
      const chains = listedChains(listing.stdout, this.opts.ownsChain);
      if (chains.length > 0) await runOk(this.run, [this.tools.restore[fam], '-w', '--noflush'], renderFilter({ write: new Map(), remove: chains }));
    }
    const sets = await this.listSets();
    if (sets.length > 0) await runOk(this.run, ['ipset', 'restore'], sets.map((s) => `destroy ${s}`).join('\n') + '\n');
    this.last = undefined;
  }

  /** DROP counters of our chains (both families summed), read from the kernel. */
  async dropCounts(): Promise<Map<string, { packets: number; bytes: number }>> {
    const out = new Map<string, { packets: number; bytes: number }>();
    for (const fam of FAMS) {
      const r = await this.run([this.tools.cmd[fam], '-w', '-S', '-v']);
      if (r.code !== 0) continue;
      for (const [c, v] of dropCounters(r.stdout, this.opts.ownsChain)) {
        const p = out.get(c) ?? { packets: 0, bytes: 0 };
        out.set(c, { packets: p.packets + v.packets, bytes: p.bytes + v.bytes });
      }
    }
    return out;
  }
}
