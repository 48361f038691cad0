// BGP receive benchmark (method: notes/bgp-baselines.md).
// usage: node dist/bench/bgp-receive/main.js [--prefixes 1000000] [--runs 3] [--receivers bird,frr,gobgp,podroute] [--timeout 600] [--method idle|poll] [--json out.json]
import { writeFileSync } from 'node:fs';
import { measure, type Method, type RunResult } from './measure.js';
import { RECEIVERS } from './receivers.js';

interface Args { prefixes: number; runs: number; receivers: string[]; timeout: number; method: Method; json?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { prefixes: 1_000_000, runs: 3, receivers: ['bird', 'frr', 'gobgp', 'podroute'], timeout: 600, method: 'idle' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--prefixes': a.prefixes = Number(v); i++; break;
      case '--runs': a.runs = Number(v); i++; break;
      case '--receivers': a.receivers = v.split(','); i++; break;
      case '--timeout': a.timeout = Number(v); i++; break;
      case '--json': a.json = v; i++; break;
      case '--method': if (v !== 'idle' && v !== 'poll') throw new Error('--method is idle or poll'); a.method = v; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!(a.prefixes > 0) || !(a.runs > 0)) throw new Error('--prefixes and --runs must be positive');
  for (const r of a.receivers) if (!RECEIVERS[r]) throw new Error(`unknown receiver ${r} (known: ${Object.keys(RECEIVERS).join(', ')})`);
  return a;
}

const median = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmtRate = (r: number): string => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} k`);
const fmtBytes = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);

/** A whole run is bounded too; a Lab left behind by a hung run is removed by the exit handler. */
async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms); });
  try { return await Promise.race([p, timeout]); } finally { clearTimeout(t); }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const summary = new Map<string, { seconds: number; cpu: number; rss: number; runs: number[] }>();
  for (const name of args.receivers) {
    const r = RECEIVERS[name];
    const why = await r.unavailable();
    if (why) { console.log(`${name}: ${why}`); continue; }
    const runs: RunResult[] = [];
    for (let i = 0; i < args.runs; i++) {
      const res = await withDeadline(measure(r, args.prefixes, args.timeout, args.method), (args.timeout + 120) * 1000, `${name} run ${i + 1}`);
      console.log(`${name} run ${i + 1}: ${res.seconds.toFixed(3)} s, CPU ${res.cpuSeconds.toFixed(3)} s, peak RSS ${fmtBytes(res.peakRssBytes)}`);
      runs.push(res);
    }
    summary.set(name, { seconds: median(runs.map((x) => x.seconds)), cpu: median(runs.map((x) => x.cpuSeconds)), rss: median(runs.map((x) => x.peakRssBytes)), runs: runs.map((x) => x.seconds) });
  }
  console.log(`\nreceive ${args.prefixes.toLocaleString('en')} IPv4 prefixes, median of ${args.runs} run(s), completion by ${args.method === 'idle' ? 'quiescence' : 'polling'}\n`);
  console.log('| receiver | time to full RIB | prefixes/s | CPU time | peak RSS | runs (s) |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [name, s] of summary) {
    console.log(`| ${name} | ${s.seconds.toFixed(3)} s | ${fmtRate(args.prefixes / s.seconds)} | ${s.cpu.toFixed(3)} s | ${fmtBytes(s.rss)} | ${s.runs.map((x) => x.toFixed(3)).join(', ')} |`);
  }
  if (args.json) {
    const results = [...summary].map(([receiver, s]) => ({ receiver, prefixes: args.prefixes, seconds: s.seconds, prefixesPerSecond: args.prefixes / s.seconds, cpuSeconds: s.cpu, peakRssBytes: s.rss, runs: s.runs }));
    writeFileSync(args.json, `${JSON.stringify({ method: args.method, results }, null, 2)}\n`);
  }
  const pr = summary.get('podroute');
  if (pr) {
    console.log('\npodroute relative to (time ×, CPU ×, peak RSS ×; below 1 = podroute better):');
    for (const [name, s] of summary) if (name !== 'podroute') console.log(`  ${name}: time ${(pr.seconds / s.seconds).toFixed(2)}×, CPU ${(pr.cpu / s.cpu).toFixed(2)}×, RSS ${(pr.rss / s.rss).toFixed(2)}×`);
  }
}

// Keep the event loop alive for the whole benchmark: daemons and the injector are unref'd children,
// and a run once ended with a silently drained loop while waiting on a child. Every wait in measure()
// has its own deadline, so this cannot turn into an endless hang.
const keepAlive = setInterval(() => undefined, 60_000);
main().finally(() => clearInterval(keepAlive)).then(() => process.exit(0), (e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
