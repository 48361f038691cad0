// Service annotations that steer IPVS. podroute.io/* names first; kube-router.io/* accepted so a
// cluster can move over without re-annotating.

import type { IpvsScheduler, SchedulerFlags } from '../netlink/ipvs/types.js';

export const SCHEDULER_ANNOTATIONS = ['podroute.io/service.scheduler', 'kube-router.io/service.scheduler'];
export const SCHEDFLAGS_ANNOTATIONS = ['podroute.io/service.schedflags', 'kube-router.io/service.schedflags'];

const SCHEDULERS = new Set<IpvsScheduler>(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'mh']);
/** Schedulers whose flags mean something (sh and mh: fallback, port). */
const FLAGGED = new Set(['sh', 'mh']);

export interface SchedulerChoice {
  scheduler: IpvsScheduler;
  flags: SchedulerFlags;
  /** Human-readable problems (bad value → default used). */
  problems: string[];
}

function first(a: Record<string, string>, names: string[]): [string, string] | undefined {
  for (const n of names) if (a[n] !== undefined) return [n, a[n]];
  return undefined;
}

export function schedulerFromAnnotations(annotations: Record<string, string>, fallback: IpvsScheduler): SchedulerChoice {
  const problems: string[] = [];
  let scheduler = fallback;
  const s = first(annotations, SCHEDULER_ANNOTATIONS);
  if (s) {
    const v = s[1].trim().toLowerCase() as IpvsScheduler;
    if (SCHEDULERS.has(v)) scheduler = v;
    else problems.push(`${s[0]}: unknown scheduler ${JSON.stringify(s[1])}, using ${fallback}`);
  }
  const flags: SchedulerFlags = {};
  const f = first(annotations, SCHEDFLAGS_ANNOTATIONS);
  if (f) {
    for (const raw of f[1].split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
      // kube-router spells them flag-1/flag-2/flag-3; the ipvsadm names are sh-fallback, sh-port, ...
      if (raw === 'flag-1' || raw === 'fallback' || raw === 'sh-fallback' || raw === 'mh-fallback') flags.fallback = true;
      else if (raw === 'flag-2' || raw === 'port' || raw === 'sh-port' || raw === 'mh-port') flags.port = true;
      else if (raw === 'flag-3') flags.flag3 = true;
      else problems.push(`${f[0]}: unknown flag ${JSON.stringify(raw)}`);
    }
    if (!FLAGGED.has(scheduler) && Object.keys(flags).length) {
      problems.push(`${f[0]}: flags only apply to sh and mh, ignored for ${scheduler}`);
      return { scheduler, flags: {}, problems };
    }
  }
  return { scheduler, flags, problems };
}
