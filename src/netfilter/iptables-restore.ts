// `iptables-restore --noflush` input for the filter table, rendered purely. Under --noflush a
// ":CHAIN - [0:0]" line creates the chain or flushes just that chain, so we rewrite exactly the
// chains we name and nothing else in the table: other tools' chains and rules are never touched.
// Everything in one file is one COMMIT: the kernel switches to the new rules atomically.

export interface ChainEdit {
  /** Chains to (re)write with these rule bodies, in order. */
  write: ReadonlyMap<string, readonly string[]>;
  /** Chains to delete (they must no longer be referenced once `write` is applied). */
  remove: readonly string[];
}

export function renderFilter(edit: ChainEdit): string {
  const lines = ['*filter'];
  for (const name of edit.write.keys()) lines.push(`:${name} - [0:0]`);
  // A chain must be empty to be deleted: declaring it flushes it first.
  for (const name of edit.remove) lines.push(`:${name} - [0:0]`);
  for (const [name, rules] of edit.write) for (const r of rules) lines.push(`-A ${name} ${r}`);
  for (const name of edit.remove) lines.push(`-X ${name}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Chain names in an `iptables -S` listing that start with `prefix`. */
export function listedChains(listing: string, owns: (chain: string) => boolean): string[] {
  const out: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^-N (\S+)/.exec(line);
    if (m && owns(m[1])) out.push(m[1]);
  }
  return out;
}

/** Packet counts of DROP rules per chain from `iptables -S -v` (format: "-A C -c pkts bytes -j DROP"). */
export function dropCounters(listing: string, owns: (chain: string) => boolean): Map<string, { packets: number; bytes: number }> {
  const out = new Map<string, { packets: number; bytes: number }>();
  for (const line of listing.split('\n')) {
    const m = /^-A (\S+) -c (\d+) (\d+) -j DROP$/.exec(line.trim());
    if (!m || !owns(m[1])) continue;
    const prev = out.get(m[1]) ?? { packets: 0, bytes: 0 };
    out.set(m[1], { packets: prev.packets + Number(m[2]), bytes: prev.bytes + Number(m[3]) });
  }
  return out;
}
