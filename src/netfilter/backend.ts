// Which iptables backend the host uses. Mixing them is what breaks nodes (rules in the legacy
// tables are invisible to nft and vice versa), so we follow the host: the backend that already
// holds more rules wins (the same heuristic as Kubernetes' iptables-wrapper), nft when both are empty.
import type { Runner } from './exec.js';

export type Backend = 'nft' | 'legacy';

export interface BackendTools {
  backend: Backend;
  /** Per family: the restore tool and the plain tool (for -S listings and the FORWARD hook). */
  restore: Record<4 | 6, string>;
  cmd: Record<4 | 6, string>;
  /** Only read, for detection: never restored from. */
  save: Record<4 | 6, string>;
}

export function toolsFor(backend: Backend): BackendTools {
  return {
    backend,
    restore: { 4: `iptables-${backend}-restore`, 6: `ip6tables-${backend}-restore` },
    cmd: { 4: `iptables-${backend}`, 6: `ip6tables-${backend}` },
    save: { 4: `iptables-${backend}-save`, 6: `ip6tables-${backend}-save` },
  };
}

/** Number of rules in a save listing (lines that append a rule, counters or not). */
export function countRules(listing: string): number {
  let n = 0;
  for (const line of listing.split('\n')) if (line.startsWith('-A ') || /^\[\d+:\d+\] -A /.test(line)) n++;
  return n;
}

export async function detectBackend(run: Runner): Promise<Backend> {
  const count = async (b: Backend): Promise<number> => {
    let n = 0;
    for (const fam of [4, 6] as const) {
      // Listing legacy tables registers them in the kernel (an empty filter table appears):
      // only look when the namespace already has legacy tables of that family.
      if (b === 'legacy' && !(await hasLegacyTables(run, fam))) continue;
      const r = await run([toolsFor(b).save[fam]]).catch(() => undefined);
      if (r && r.code === 0) n += countRules(r.stdout);
    }
    return n;
  };
  const [legacy, nft] = [await count('legacy'), await count('nft')];
  return legacy > nft ? 'legacy' : 'nft';
}

/** Whether x_tables (legacy iptables) tables exist in the runner's network namespace. */
async function hasLegacyTables(run: Runner, fam: 4 | 6): Promise<boolean> {
  const r = await run(['cat', fam === 4 ? '/proc/net/ip_tables_names' : '/proc/net/ip6_tables_names']).catch(() => undefined);
  return r !== undefined && r.code === 0 && r.stdout.trim().length > 0;
}
