// Human text for a cleanup plan: what `--dry-run` prints, and the summary after a real run.
import type { CleanupPlan } from './plan.js';

export function formatPlan(p: CleanupPlan, verb = 'remove'): string {
  const out: string[] = [];
  const section = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    out.push(`${title}:`);
    for (const i of items) out.push(`  ${verb} ${i}`);
  };
  section('IPVS services', p.ipvs.map((s) => `${s.key} (${s.why})`));
  for (const s of p.netfilter) {
    out.push(`iptables ${s.backend} IPv${s.family} table ${s.table}:`);
    for (const j of s.jumps) out.push(`  ${verb} rule ${j}`);
    for (const c of s.chains) out.push(`  ${verb} chain ${c}`);
  }
  section('ipsets', p.ipsets);
  section('links', p.links);
  section('routes', p.routes.map((r) => `${r.prefix} table ${r.table} proto ${r.protocol}${r.metric ? ` metric ${r.metric}` : ''}`));
  section('files', [...p.files, ...p.dirs.map((d) => `${d}/ (directory)`)]);
  if (out.length === 0) out.push('nothing of podroute\'s found');
  for (const k of p.kept) out.push(`kept ${k.what}: ${k.reason}`);
  for (const n of p.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
