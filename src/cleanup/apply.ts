// `podroute cleanup`, acting: carries out a CleanupPlan in an order where nothing we remove is
// still referenced: IPVS services (their VIPs tell us they are ours, so before the VIP interface
// goes), iptables (jumps, then our chains, one restore per backend/family/table), ipsets (free once
// no rule names them), links, routes, files. Each step goes on after another's failure: a node is
// left as clean as possible and every failure is reported, never thrown halfway.
import { rm } from 'node:fs/promises';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { openNetlink } from '../netlink/socket.js';
import { deleteRoute } from '../netlink/route/rtnl.js';
import { toolsFor } from '../netfilter/backend.js';
import type { Runner } from '../netfilter/exec.js';
import { openIpvs } from './inventory.js';
import type { IpvsClient } from '../netlink/ipvs/client.js';
import type { CleanupPlan } from './plan.js';

export interface ApplyDeps {
  run: Runner;
  netns?: string;
  openIpvs?: () => Promise<IpvsClient>;
}

export interface ApplyResult {
  done: string[];
  failed: { what: string; error: string }[];
}

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

export async function applyCleanup(plan: CleanupPlan, deps: ApplyDeps): Promise<ApplyResult> {
  const res: ApplyResult = { done: [], failed: [] };
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
      res.done.push(what);
    } catch (e) {
      res.failed.push({ what, error: msg(e) });
    }
  };
  const ok = async (argv: string[], stdin?: string): Promise<void> => {
    const r = await deps.run(argv, stdin);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  };

  if (plan.ipvs.length > 0) {
    let client: IpvsClient | undefined;
    try {
      client = await openIpvs(deps);
    } catch (e) {
      for (const s of plan.ipvs) res.failed.push({ what: `IPVS service ${s.key}`, error: msg(e) });
    }
    if (client) {
      // Deleting a service drops its destinations with it.
      for (const s of plan.ipvs) await step(`IPVS service ${s.key}`, () => client.deleteService(s.id));
      client.transport.close();
    }
  }

  for (const s of plan.netfilter) {
    await step(`iptables ${s.backend} IPv${s.family} ${s.table}: ${s.chains.length} chain(s), ${s.jumps.length} jump(s)`, () =>
      ok([toolsFor(s.backend).restore[s.family], '-w', '5', '--noflush'], s.restore),
    );
  }

  if (plan.ipsets.length > 0) {
    // One destroy per set: a set some foreign rule still names fails alone, the rest go.
    for (const name of plan.ipsets) await step(`ipset ${name}`, () => ok(['ipset', 'destroy', name]));
  }

  for (const l of plan.links) await step(`link ${l}`, () => ok(['ip', 'link', 'del', 'dev', l]));

  if (plan.routes.length > 0) {
    const nl = openNetlink({ protocol: NETLINK_ROUTE, ...(deps.netns ? { netns: deps.netns } : {}) });
    try {
      for (const r of plan.routes) {
        // Keyed by prefix, table, protocol and metric: the kernel will not match another protocol's route.
        await step(`route ${r.prefix} table ${r.table}`, async () => {
          try {
            await deleteRoute(nl, { prefix: r.prefix, table: r.table, protocol: r.protocol, metric: r.metric });
          } catch (e) {
            // Gone already (its interface was removed above): the goal is reached.
            if ((e as { code?: string }).code !== 'ESRCH') throw e;
          }
        });
      }
    } finally {
      nl.close();
    }
  }

  for (const f of plan.files) await step(`file ${f}`, () => rm(f, { force: true }));
  for (const d of plan.dirs) await step(`directory ${d}`, () => rm(d, { recursive: true, force: true }));
  return res;
}
