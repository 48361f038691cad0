// Mesh benchmark: one hub speaker with N iBGP peers (a simulated cluster), side by side with BIRD.
// usage: node dist/bench/mesh/main.js [--peers 500] [--idle-seconds 30] [--hubs podroute,bird] [--connect-spread 0] [--json out.json]
// --connect-spread S: the peers start connecting over S seconds instead of all at once.
// Per hub, in fresh namespaces: time until all N sessions are Established, the hub's CPU while idle
// and its RSS, then the hub's podCIDR changes (old /24 withdrawn, new /24 announced) and the time
// until every peer has seen both, as p50/p99/max across peers.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuNs, Lab } from '../../test/harness/netns.js';
import { now } from '../bgp-receive/injector.js';
import { HUB, HUBS, TIMERS, type HubHandle } from './hubs.js';
import type { ClusterOptions } from './cluster.js';

interface Args { peers: number; idleSeconds: number; hubs: string[]; spreadSeconds: number; json?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { peers: 500, idleSeconds: 30, hubs: ['podroute', 'bird'], spreadSeconds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--peers': a.peers = Number(v); i++; break;
      case '--idle-seconds': a.idleSeconds = Number(v); i++; break;
      case '--hubs': a.hubs = v.split(','); i++; break;
      case '--connect-spread': a.spreadSeconds = Number(v); i++; break;
      case '--json': a.json = v; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(a.peers) || a.peers < 1 || a.peers > 250 * 250) throw new Error('--peers is 1..62500');
  if (!(a.spreadSeconds >= 0 && a.spreadSeconds <= 60)) throw new Error('--connect-spread is 0..60 seconds');
  if (!(a.idleSeconds >= 1 && a.idleSeconds <= 600)) throw new Error('--idle-seconds is 1..600');
  for (const h of a.hubs) if (!HUBS[h]) throw new Error(`unknown hub ${h} (known: ${Object.keys(HUBS).join(', ')})`);
  return a;
}

const CLUSTER_MAIN = fileURLToPath(new URL('./cluster-main.js', import.meta.url));
const OLD_PREFIX = '10.244.0.0/24';
const NEW_PREFIX = '10.244.1.0/24';
const ESTABLISH_TIMEOUT_MS = 120_000;
const CONVERGE_TIMEOUT_MS = 60_000;
const SETTLE_MS = 3000;

/** Peer i's address: 10.200.(1 + i/250).(1 + i%250), on the cluster side of the /16. */
const peerAddress = (i: number): string => `10.200.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

interface Result {
  hub: string; peers: number; establishS: number; idleCpuPct: number; rssBytes: number; peakRssBytes: number;
  changeMs: { p50: number; p99: number; max: number }; sessionDrops: number;
}

interface Ev { e: string; t: number; i?: number; p?: string; established?: boolean; code?: number; subcode?: number }

/** The cluster's JSON lines, read incrementally from its stdout file. */
class Events {
  private off = 0;
  readonly all: Ev[] = [];
  constructor(private readonly path: string) {}
  poll(): Ev[] {
    const text = readFileSync(this.path, 'latin1');
    const end = text.lastIndexOf('\n') + 1;
    const fresh = text.slice(this.off, end).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Ev);
    this.off = end;
    this.all.push(...fresh);
    return fresh;
  }
}

/** Session drops, NOTIFICATIONs by code/subcode, and peers that gave up reconnecting. */
function troubles(all: Ev[]): string {
  const reasons = new Map<string, number>();
  for (const e of all) {
    if (e.e === 'notification' || e.e === 'gaveup') {
      const k = e.e === 'gaveup' ? 'gave up' : `NOTIFICATION ${e.code}/${e.subcode}`;
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
    }
  }
  return `connections closed ${all.filter((e) => e.e === 'down').length}${[...reasons].map(([k, v]) => `, ${k}: ${v}`).join('')}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function rss(pid: number): { now: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

async function runHub(name: string, n: number, idleSeconds: number, spreadSeconds: number): Promise<Result> {
  const lab = new Lab('mesh');
  let handle: HubHandle | undefined;
  try {
    const [hubNs, clusterNs] = await lab.pair(HUB.address, peerAddress(0), undefined, undefined, 16);
    const addrs = Array.from({ length: n }, (_, i) => peerAddress(i));
    await lab.runWithInput('ip', ['-n', clusterNs.name, '-batch', '-'], addrs.slice(1).map((a) => `addr add ${a}/16 dev eth0\n`).join(''));
    const h = handle = await HUBS[name].start(lab, hubNs, addrs, OLD_PREFIX);
    const opts: ClusterOptions = { hub: HUB.address, addresses: addrs, asn: HUB.asn, holdTime: TIMERS.holdTime, keepalive: TIMERS.keepalive, deadlineS: 600 + idleSeconds, spreadMs: spreadSeconds * 1000 };
    const cluster = clusterNs.spawn('cluster', process.execPath, [CLUSTER_MAIN, JSON.stringify(opts)]);
    const ev = new Events(cluster.stdoutPath);
    const alive = (): void => {
      if (!cluster.running) throw new Error(`${name}: cluster process ended:\n${cluster.output().slice(-3000)}`);
      if (!Object.is(process.kill(h.pid, 0), true)) throw new Error(`${name}: hub is gone`);
    };

    // 1. All sessions Established, and every peer has the hub's podCIDR.
    const est = new Set<number>();
    const hasOld = new Set<number>();
    let start = NaN;
    let lastEst = NaN;
    const deadline1 = Date.now() + ESTABLISH_TIMEOUT_MS;
    while (est.size < n || hasOld.size < n) {
      alive();
      if (Date.now() > deadline1) throw new Error(`${name}: after ${ESTABLISH_TIMEOUT_MS / 1000} s: ${est.size}/${n} Established, ${hasOld.size}/${n} have ${OLD_PREFIX}; ${troubles(ev.all)}`);
      await sleep(100);
      for (const e of ev.poll()) {
        if (e.e === 'start') start = e.t;
        if (e.e === 'est') { est.add(e.i!); lastEst = Math.max(lastEst || 0, e.t); }
        if (e.e === 'ann' && e.p === OLD_PREFIX) hasOld.add(e.i!);
      }
    }
    const establishS = (lastEst - start) / 1000;
    console.log(`${name}: ${n} sessions Established in ${establishS.toFixed(3)} s`);

    // 2. Idle: CPU over idleSeconds (schedstat, all threads), RSS at the end.
    await sleep(SETTLE_MS);
    const c0 = cpuNs(h.pid) ?? NaN;
    const t0 = now();
    await sleep(idleSeconds * 1000);
    const idleCpuPct = (((cpuNs(h.pid) ?? NaN) - c0) / 1e6 / (now() - t0)) * 100;
    const mem = rss(h.pid);
    console.log(`${name}: idle CPU ${idleCpuPct.toFixed(2)} % over ${idleSeconds} s, RSS ${(mem.now / 2 ** 20).toFixed(0)} MiB`);

    // 3. The podCIDR changes: time until each peer has the new prefix and no longer the old one.
    ev.poll();
    const tc = await h.change(OLD_PREFIX, NEW_PREFIX);
    const gotNew = new Map<number, number>();
    const lostOld = new Map<number, number>();
    const deadline2 = Date.now() + CONVERGE_TIMEOUT_MS;
    while (gotNew.size < n || lostOld.size < n) {
      alive();
      if (Date.now() > deadline2) throw new Error(`${name}: after ${CONVERGE_TIMEOUT_MS / 1000} s: ${gotNew.size}/${n} have ${NEW_PREFIX}, ${lostOld.size}/${n} withdrew ${OLD_PREFIX}`);
      await sleep(20);
      for (const e of ev.poll()) {
        if (e.e === 'ann' && e.p === NEW_PREFIX && !gotNew.has(e.i!)) gotNew.set(e.i!, e.t);
        if (e.e === 'wd' && e.p === OLD_PREFIX && !lostOld.has(e.i!)) lostOld.set(e.i!, e.t);
      }
    }
    const lat = addrs.map((_, i) => Math.max(gotNew.get(i)!, lostOld.get(i)!) - tc).sort((x, y) => x - y);
    const changeMs = { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: lat[lat.length - 1] };
    const sessionDrops = ev.all.filter((e) => e.e === 'down').length;
    if (ev.all.some((e) => e.e === 'notification' || e.e === 'gaveup')) console.log(`${name}: ${troubles(ev.all)}`);
    console.log(`${name}: podCIDR change reached all ${n} peers: p50 ${changeMs.p50.toFixed(1)} ms, p99 ${changeMs.p99.toFixed(1)} ms, max ${changeMs.max.toFixed(1)} ms; session drops ${sessionDrops}`);
    return { hub: name, peers: n, establishS, idleCpuPct, rssBytes: mem.now, peakRssBytes: mem.peak, changeMs, sessionDrops };
  } finally {
    handle?.close();
    await lab.dispose();
  }
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms); });
  try { return await Promise.race([p, timeout]); } finally { clearTimeout(t); }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results: Result[] = [];
  for (const name of args.hubs) {
    const why = HUBS[name].unavailable();
    if (why) { console.log(`${name}: ${why}`); continue; }
    const budget = ESTABLISH_TIMEOUT_MS + CONVERGE_TIMEOUT_MS + (args.idleSeconds * 1000) + SETTLE_MS + 90_000;
    try {
      results.push(await withDeadline(runHub(name, args.peers, args.idleSeconds, args.spreadSeconds), budget, name));
    } catch (e) {
      console.log(`${name}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`\nmesh: one hub, ${args.peers} iBGP peers (AS ${HUB.asn}, hold ${TIMERS.holdTime} s, keepalive ${TIMERS.keepalive} s), idle ${args.idleSeconds} s, connects spread over ${args.spreadSeconds} s\n`);
  console.log('| hub | all Established | idle CPU | RSS (peak) | podCIDR change p50 | p99 | max | session drops |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.hub} | ${r.establishS.toFixed(3)} s | ${r.idleCpuPct.toFixed(2)} % | ${mib(r.rssBytes)} (${mib(r.peakRssBytes)}) | ${r.changeMs.p50.toFixed(1)} ms | ${r.changeMs.p99.toFixed(1)} ms | ${r.changeMs.max.toFixed(1)} ms | ${r.sessionDrops} |`);
  }
  const pr = results.find((r) => r.hub === 'podroute');
  if (pr) {
    console.log('\npodroute relative to (×; below 1 = podroute better):');
    for (const r of results) {
      if (r === pr) continue;
      console.log(`  ${r.hub}: establish ${(pr.establishS / r.establishS).toFixed(2)}×, idle CPU ${(pr.idleCpuPct / r.idleCpuPct).toFixed(2)}×, RSS ${(pr.rssBytes / r.rssBytes).toFixed(2)}×, change p50 ${(pr.changeMs.p50 / r.changeMs.p50).toFixed(2)}×, max ${(pr.changeMs.max / r.changeMs.max).toFixed(2)}×`);
    }
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ peers: args.peers, idleSeconds: args.idleSeconds, results }, null, 2)}\n`);
  if (results.length < args.hubs.filter((h) => !HUBS[h].unavailable()).length) process.exitCode = 1;
}

// Keep the event loop alive across waits on children; every wait has its own deadline.
const keepAlive = setInterval(() => undefined, 60_000);
main().finally(() => clearInterval(keepAlive)).then(() => process.exit(process.exitCode ?? 0), (e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
