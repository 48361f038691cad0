// NetworkPolicy benchmark (root; runs only inside network namespaces it creates and deletes).
//   npm run build && node dist/bench/netpol/netpol-bench.js [--local N] [--backend nft|legacy]
// Measures, for 100 namespaces × 100 pods with 10 policies each (1,000 policies, 10,000 pods):
// - compile time (pure);
// - full apply by the controller, against a plain `ipset restore` + `iptables-restore` of the
//   same content into a fresh namespace, in the same run;
// - time from a pod change (remote peer relabelled, local pod added/removed/relabelled) to the
//   kernel holding the new policy (setView() resolved: sets and chains written).
import type { ClusterView, PodView } from '../../src/cluster/view.js';
import { compile } from '../../src/netpol/compile.js';
import { NetpolController } from '../../src/netpol/controller.js';
import { hostRunner, netnsRunner, runOk } from '../../src/netfilter/exec.js';
import { renderFilter } from '../../src/netfilter/iptables-restore.js';
import { toolsFor, type Backend } from '../../src/netfilter/backend.js';
import { NODE, makePod, makeView, type Workload } from './workload.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const w: Workload = { namespaces: 100, podsPerNamespace: 100, policiesPerNamespace: 10, localPerNamespace: Number(arg('local', '1')) };
const backend = arg('backend', 'nft') as Backend;
const prefix = `np-bench-${process.pid}`;
const created: string[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}
const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function netns(name: string): Promise<string> {
  const ns = `${prefix}-${name}`;
  await runOk(hostRunner, ['ip', 'netns', 'add', ns]);
  created.push(ns);
  return ns;
}

async function cleanup(): Promise<void> {
  for (const ns of created.splice(0)) await hostRunner(['ip', 'netns', 'del', ns]);
}

function withPod(view: ClusterView, p: PodView | undefined, removeKey?: string): ClusterView {
  const pods = new Map(view.pods);
  if (removeKey) pods.delete(removeKey);
  if (p) pods.set(`${p.namespace}/${p.name}`, p);
  return { ...view, pods };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('netpol bench needs root (network namespaces)');
  const view = makeView(w);
  console.log(`workload: ${w.namespaces} namespaces, ${view.pods.size} pods (${w.namespaces * w.localPerNamespace} on this node), ${view.networkPolicies.size} policies; backend ${backend}`);

  // 1. compile
  const compileTimes: number[] = [];
  let desired = compile(view, { nodeName: NODE });
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    desired = compile(view, { nodeName: NODE });
    compileTimes.push(performance.now() - t);
  }
  const sets = desired.v4.sets.size;
  const members = [...desired.v4.sets.values()].reduce((a, s) => a + s.members.length, 0);
  const chains = desired.v4.chains.size;
  const rules = [...desired.v4.chains.values()].reduce((a, c) => a + c.length, 0);
  console.log(`compile: median ${ms(median(compileTimes))} (min ${ms(Math.min(...compileTimes))}) → ${sets} sets, ${members} members, ${chains} chains, ${rules} rules`);

  // 2. baseline: the same content, plain restores, fresh namespace
  const base = await netns('plain');
  const ipsetText: string[] = [];
  for (const [name, s] of desired.v4.sets) {
    ipsetText.push(`create ${name} ${s.type} family inet hashsize 1024 maxelem ${Math.max(65536, s.members.length * 2)}`);
    for (const m of s.members) ipsetText.push(`add ${name} ${m}`);
  }
  const iptText = renderFilter({ write: desired.v4.chains, remove: [] });
  const tools = toolsFor(backend);
  const b0 = performance.now();
  await runOk(netnsRunner(base), ['ipset', 'restore'], ipsetText.join('\n') + '\n');
  const b1 = performance.now();
  await runOk(netnsRunner(base), [tools.restore[4], '-w', '--noflush'], iptText);
  const b2 = performance.now();
  console.log(`plain restore (same content): ipset ${ms(b1 - b0)} + iptables ${ms(b2 - b1)} = ${ms(b2 - b0)}  [${ipsetText.length} ipset lines, ${iptText.split('\n').length} iptables lines]`);

  // 3. the controller: first (full) apply, then a full resync over existing state
  const nodeNs = await netns('node');
  const ctl = new NetpolController({ nodeName: NODE, runner: netnsRunner(nodeNs), backend });
  const f0 = performance.now();
  await ctl.setView(view);
  const f1 = performance.now();
  const st = ctl.status();
  if (st.lastError) throw new Error(st.lastError);
  console.log(`controller first full apply: ${ms(f1 - f0)} (compile ${ms(st.lastSync!.compileMs)}, apply ${ms(st.lastSync!.applyMs)})`);
  const r0 = performance.now();
  await ctl.resync();
  const r1 = performance.now();
  console.log(`controller full resync (list + rewrite all, swap sets): ${ms(r1 - r0)}`);

  // 4. pod change → enforced
  const runs = 15;
  const measure = async (label: string, views: ClusterView[]): Promise<void> => {
    const total: number[] = [];
    const comp: number[] = [];
    const ipset: number[] = [];
    const ipt: number[] = [];
    for (const v of views) {
      const t = performance.now();
      await ctl.setView(v);
      total.push(performance.now() - t);
      const s = ctl.status();
      if (s.lastError) throw new Error(s.lastError);
      comp.push(s.lastSync!.compileMs);
      ipset.push(s.lastSync!.stats.ipsetMs);
      ipt.push(s.lastSync!.stats.iptablesMs);
    }
    console.log(`${label}: median ${ms(median(total))}, p95 ${ms(p95(total))} (medians: compile ${ms(median(comp))}, ipset ${ms(median(ipset))}, iptables ${ms(median(ipt))})`);
  };
  // A remote client pod (member of many cross-namespace sets) flips role.
  const remote = view.pods.get('ns-7/pod-50')!;
  const flips: ClusterView[] = [];
  for (let i = 0; i < runs; i++) flips.push(withPod(view, { ...remote, labels: { ...remote.labels, role: i % 2 === 0 ? 'client' : 'server' } }));
  // remote pod-50 is role=client (50 % 10 == 0): odd runs remove it from sets, even runs add it back
  await measure('remote peer relabelled (sets only)', flips);
  await ctl.setView(view);
  // A local pod appears, then goes.
  const addRemove: ClusterView[] = [];
  for (let i = 0; i < runs; i++) {
    const p = { ...makePod(42, 99, { ...w, localPerNamespace: 100 }), name: `new-${i}`, ips: [`10.250.200.${i + 1}`] };
    addRemove.push(withPod(view, p));
    addRemove.push(view);
  }
  await measure('local pod added / removed (alternating)', addRemove);
  // A local pod relabelled into another policy's podSelector.
  const local = [...view.pods.values()].find((p) => p.nodeName === NODE)!;
  const relabels: ClusterView[] = [];
  for (let i = 0; i < runs; i++) relabels.push(withPod(view, { ...local, labels: { ...local.labels, app: `app-${(i % 3) + 1}` } }));
  await measure('local pod relabelled (its chain rewritten)', relabels);
}

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
main().then(
  () => cleanup(),
  async (e) => {
    console.error(e);
    await cleanup();
    process.exitCode = 1;
  },
);
