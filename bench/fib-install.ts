// Benchmark: install 100,000 /32 routes into the kernel FIB, our batched netlink sender versus
// `ip -batch`, in a fresh network namespace this script creates (root needed).
//
//   npm run build && node dist/bench/fib-install.js [count] [runs]
//
// Each run starts from an empty table (our routes flushed), installs the same routes
// (`10.x.y.z/32 via 10.0.0.2 proto 201 metric 20`), verifies the count with `ip route`, then
// deletes them and times that too. Prints per-run times, medians and our ratio to ip -batch.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETLINK_ROUTE } from '../src/netlink/constants.js';
import { applyRouteOps, type RouteOp } from '../src/netlink/route/rtnl.js';
import { openNetlink } from '../src/netlink/socket.js';
import { FibSync } from '../src/routing/fib/fib-sync.js';
import type { FibRoute } from '../src/routing/fib/types.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 3);
const PROTO = 201;
const METRIC = 20;

if (process.getuid?.() !== 0) {
  console.error('fib-install bench needs root (it creates a network namespace)');
  process.exit(2);
}

const id = `${process.pid % 100000}`;
const ns = `nl-${id}-bench`;
const peer = `nl-${id}-bpeer`;
const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', maxBuffer: 512 << 20 });
const dir = mkdtempSync(join(tmpdir(), 'fib-bench-'));

function cleanup(): void {
  for (const n of [ns, peer]) {
    try {
      execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const prefixOf = (i: number): string => `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;

function countOurs(): number {
  const out = ip(['-n', ns, '-4', 'route', 'show', 'proto', String(PROTO)]).trim();
  return out ? out.split('\n').length : 0;
}

function flushOurs(): void {
  ip(['-n', ns, '-4', 'route', 'flush', 'proto', String(PROTO)]);
}

async function main(): Promise<void> {
  ip(['netns', 'add', ns]);
  ip(['netns', 'add', peer]);
  ip(['-n', ns, 'link', 'add', 'vb0', 'type', 'veth', 'peer', 'name', 'vb1']);
  ip(['-n', ns, 'link', 'set', 'vb1', 'netns', peer]);
  ip(['-n', ns, 'link', 'set', 'vb0', 'up']);
  ip(['-n', peer, 'link', 'set', 'vb1', 'up']);
  ip(['-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'vb0']);

  const addFile = join(dir, 'add.txt');
  const delFile = join(dir, 'del.txt');
  const adds: string[] = [];
  const dels: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    adds.push(`route add ${prefixOf(i)} via 10.0.0.2 proto ${PROTO} metric ${METRIC}`);
    dels.push(`route del ${prefixOf(i)} proto ${PROTO} metric ${METRIC}`);
  }
  writeFileSync(addFile, adds.join('\n') + '\n');
  writeFileSync(delFile, dels.join('\n') + '\n');

  const nl = openNetlink({ protocol: NETLINK_ROUTE, netns: ns });
  const addOps: RouteOp[] = [];
  const delOps: RouteOp[] = [];
  for (let i = 0; i < COUNT; i++) {
    addOps.push({ op: 'add', route: { prefix: prefixOf(i), protocol: PROTO, metric: METRIC, nextHops: [{ gateway: '10.0.0.2' }] } });
    delOps.push({ op: 'delete', route: { prefix: prefixOf(i), protocol: PROTO, metric: METRIC } });
  }

  const res: Record<string, number[]> = { ipAdd: [], ipDel: [], ourAdd: [], ourDel: [], ourAddAckEach: [], fibSync: [], fibResync: [] };
  const check = (what: string, want: number): void => {
    const n = countOurs();
    if (n !== want) throw new Error(`${what}: ${n} routes of ours in the kernel, expected ${want}`);
  };

  for (let run = 1; run <= RUNS; run++) {
    flushOurs();
    let t = performance.now();
    ip(['-n', ns, '-batch', addFile]);
    res.ipAdd.push(performance.now() - t);
    check('ip -batch add', COUNT);
    t = performance.now();
    ip(['-n', ns, '-batch', delFile]);
    res.ipDel.push(performance.now() - t);
    check('ip -batch del', 0);

    flushOurs();
    t = performance.now();
    const a = await applyRouteOps(nl, addOps);
    res.ourAdd.push(performance.now() - t);
    if (a.failed) throw new Error(`our add: ${a.failed} failed, first ${[...a.errors.values()][0]?.message}`);
    check('our add', COUNT);
    t = performance.now();
    const d = await applyRouteOps(nl, delOps);
    res.ourDel.push(performance.now() - t);
    if (d.failed) throw new Error(`our delete: ${d.failed} failed`);
    check('our del', 0);

    // Same sender, but an ACK for every request (what ip -batch waits for, one by one).
    flushOurs();
    t = performance.now();
    const e = await applyRouteOps(nl, addOps, { ackEach: true });
    res.ourAddAckEach.push(performance.now() - t);
    if (e.failed) throw new Error(`our add (ackEach): ${e.failed} failed`);
    check('our add ackEach', COUNT);
    flushOurs();

    // End to end through the reconciler: desired map → dump, reachability, diff, batched apply.
    flushOurs();
    const want = new Map<string, FibRoute>();
    for (let i = 0; i < COUNT; i++) want.set(prefixOf(i), { prefix: prefixOf(i), nextHops: [{ gateway: '10.0.0.2' }] });
    const f = new FibSync({ nl, protocol: PROTO, metric: METRIC, deferralMs: 0, resyncIntervalMs: 0 });
    await f.start();
    t = performance.now();
    f.setDesired(want);
    await f.idle();
    res.fibSync.push(performance.now() - t);
    check('FibSync', COUNT);
    // A periodic resync with nothing to change: full dump + reconcile pass.
    t = performance.now();
    await f.resync();
    res.fibResync.push(performance.now() - t);
    await f.close({ removeRoutes: true });
    check('FibSync close', 0);

    console.log(
      `run ${run}: ip -batch add ${res.ipAdd[run - 1].toFixed(0)} ms, del ${res.ipDel[run - 1].toFixed(0)} ms | ` +
        `ours add ${res.ourAdd[run - 1].toFixed(0)} ms, del ${res.ourDel[run - 1].toFixed(0)} ms, add+ackEach ${res.ourAddAckEach[run - 1].toFixed(0)} ms | FibSync ${res.fibSync[run - 1].toFixed(0)} ms, no-op resync ${res.fibResync[run - 1].toFixed(0)} ms`,
    );
  }
  nl.close();
  const m = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, median(v)]));
  console.log(`\n${COUNT} /32 routes, median of ${RUNS} runs (${ip(['-V']).trim()}, kernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}):`);
  console.log(`  install: ip -batch ${m.ipAdd.toFixed(0)} ms | ours (applyRouteOps) ${m.ourAdd.toFixed(0)} ms → ratio ${(m.ourAdd / m.ipAdd).toFixed(2)}x`);
  console.log(`  install, an ACK per request: ours ${m.ourAddAckEach.toFixed(0)} ms → ratio ${(m.ourAddAckEach / m.ipAdd).toFixed(2)}x`);
  console.log(`  delete:  ip -batch ${m.ipDel.toFixed(0)} ms | ours ${m.ourDel.toFixed(0)} ms → ratio ${(m.ourDel / m.ipDel).toFixed(2)}x`);
  console.log(`  FibSync setDesired(${COUNT}) → idle: ${m.fibSync.toFixed(0)} ms (includes validation, reachability, diff)`);
  console.log(`  FibSync no-op resync of ${COUNT} (dump + reconcile): ${m.fibResync.toFixed(0)} ms`);
  console.log(`  load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores; ip -batch is a separate process and suffers more from load)`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanup);
