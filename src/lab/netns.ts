// Lab: network namespaces, veth links, addresses and processes for the demo, tests and benchmarks,
// with one cleanup registry. Everything a Lab creates lives inside namespaces it created (the root namespace
// is never given an address or a route), and is torn down on dispose(), on process exit and on
// SIGINT/SIGTERM, so a failing or interrupted test leaves nothing behind.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, openSync, closeSync, rmSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Fails with a clear message when the harness cannot work here (not root, no `ip`). */
export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('harness: network namespaces need root (run the integration tests as root)');
  }
}

/** Fails with a clear message when a daemon's binary is not installed. */
export function requireBinary(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`harness: ${path} not found — install the Debian package "${pkg}" (scripts/install-deps.sh)`);
}

export interface ExecResult { stdout: string; stderr: string }

/** Runs a command and returns its output; a non-zero exit throws with the command and its stderr. */
export async function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
    return { stdout, stderr };
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`harness: \`${cmd} ${args.join(' ')}\` failed: ${(err.stderr || err.stdout || err.message).trim()}`);
  }
}

/** Thrown from a waitFor probe to stop waiting at once (e.g. the daemon being waited for died). */
export class FatalWaitError extends Error {}

export interface WaitOptions { timeoutMs?: number; intervalMs?: number }

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that.
 * On timeout the error names what was awaited and the last value or error seen, which is usually
 * what one needs to understand why (e.g. "BGP session ... stuck in Active").
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const interval = opts.intervalMs ?? 200;
  let last = 'never probed';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = `last value: ${String(v)}`;
    } catch (e) {
      if (e instanceof FatalWaitError) throw e;
      last = `last error: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A process spawned inside a namespace, with stdout/stderr captured to files. */
export class NsProcess {
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(readonly name: string, private readonly child: ChildProcess, readonly stdoutPath: string, readonly stderrPath: string) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => { this.exitCode = code ?? (signal ? null : code); resolve(code); });
      child.once('error', () => { this.exitCode = null; resolve(null); });
    });
  }

  /** PID of the program itself: `ip netns exec` execs it, so no wrapper process is left in between. */
  get pid(): number { return this.child.pid ?? -1; }
  get running(): boolean { return this.exitCode === undefined; }
  output(): string {
    const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');
    return `${read(this.stdoutPath)}${read(this.stderrPath)}`;
  }

  /** SIGTERM to the process group, then SIGKILL if it has not gone after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, 'SIGTERM');
    // A ref'd timer: the child is unref'd, so without it the event loop could end mid-stop.
    let t: NodeJS.Timeout | undefined;
    const timer = new Promise<'timeout'>((r) => { t = setTimeout(() => r('timeout'), graceMs); });
    const outcome = await Promise.race([this.exited, timer]);
    clearTimeout(t);
    if (outcome === 'timeout') {
      signalGroup(this.pid, 'SIGKILL');
      await this.exited;
    }
  }

  /** Synchronous last resort used by the exit handler. */
  killNow(): void { if (this.running) signalGroup(this.pid, 'SIGKILL'); }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  if (pid <= 0) return;
  // Processes are spawned detached, so they lead their own group: kill the group (their children
  // too), and fall back to the PID alone if the group is already gone.
  try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch { /* already gone */ } }
}

export interface SpawnOptions { env?: Record<string, string>; cwd?: string }

/** A network namespace owned by a Lab. */
export class Netns {
  constructor(readonly lab: Lab, readonly name: string) {}

  /** Runs a command inside the namespace and returns its output. */
  exec(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], opts);
  }

  /** `ip <args>` inside the namespace (`ip -n` avoids a fork of `ip netns exec`). */
  ip(...args: string[]): Promise<ExecResult> { return run('ip', ['-n', this.name, ...args]); }

  /** Adds an address; IPv6 addresses get `nodad` so they are usable at once instead of after DAD. */
  async addAddress(ifname: string, cidr: string): Promise<void> {
    const v6 = cidr.includes(':');
    await this.ip(...(v6 ? ['-6'] : []), 'addr', 'add', cidr, 'dev', ifname, ...(v6 ? ['nodad'] : []));
  }

  async up(ifname: string): Promise<void> { await this.ip('link', 'set', ifname, 'up'); }

  /** Starts a long-running program in the namespace; it is stopped by the Lab's cleanup. */
  spawn(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): NsProcess {
    return this.lab.spawnIn(this.name, name, cmd, args, opts);
  }
}

const live = new Set<Lab>();
let labCounter = 0;
let handlersInstalled = false;

/**
 * The safety net behind the exit/signal handlers, for when they cannot run: SIGKILL, or jest,
 * whose sandboxed `process` object never receives the real process's exit and signal events.
 * One detached shell per process waits for this process to die, then kills every registered
 * process group and deletes every registered namespace and directory still listed in
 * `/tmp/hn-<pid>.reap` (Labs remove their lines when disposed, so normally nothing is left).
 */
let reapFile: string | undefined;

function reaper(): string {
  if (reapFile) return reapFile;
  const file = join(tmpdir(), `hn-${process.pid}.reap`);
  writeFileSync(file, '');
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `f=${file}; [ -f "$f" ] || exit 0`,
    'while read kind val; do [ "$kind" = pid ] && { kill -KILL -- "-$val" 2>/dev/null; kill -KILL "$val" 2>/dev/null; }; done < "$f"',
    'while read kind val; do case "$kind" in ns) ip netns del "$val" 2>/dev/null;; dir) rm -rf "$val";; esac; done < "$f"',
    'rm -f "$f"',
  ].join('\n');
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  reapFile = file;
  return file;
}

function register(kind: 'pid' | 'ns' | 'dir', value: string | number): void {
  appendFileSync(reaper(), `${kind} ${value}\n`);
}

function unregister(values: Set<string>): void {
  if (!reapFile || !existsSync(reapFile)) return;
  const keep = readFileSync(reapFile, 'utf8').split('\n').filter((l) => l && !values.has(l.slice(l.indexOf(' ') + 1)));
  writeFileSync(reapFile, keep.map((l) => `${l}\n`).join(''));
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const lab of live) lab.disposeSync(); });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      for (const lab of live) lab.disposeSync();
      // Re-raise the default behaviour (exit with 128+signo) now that our handler swallowed it.
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * One test's (or one benchmark run's) world: its namespaces, processes and temp dir.
 * Names are `hn-<pid>-<lab>-<n>` so many Labs (and many jest workers) can coexist.
 */
export class Lab {
  readonly id: string;
  readonly dir: string;
  private readonly namespaces: string[] = [];
  private readonly procs: NsProcess[] = [];
  private nsCounter = 0;
  private disposed = false;

  /** `prefix` starts every name this Lab makes (tests use "hn", the demo "prd"). */
  constructor(prefix = 'hn') {
    requireRoot();
    installExitHandlers();
    this.id = `${prefix}-${process.pid}-${++labCounter}`;
    this.dir = mkdtempSync(join(tmpdir(), `${this.id}-`));
    register('dir', this.dir);
    live.add(this);
  }

  /** Creates a namespace with `lo` up (daemons' control ports and loopback traffic need it). */
  async netns(label = 'ns'): Promise<Netns> {
    const name = `${this.id}-${++this.nsCounter}${label ? `-${label}` : ''}`;
    await run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    register('ns', name);
    const ns = new Netns(this, name);
    await ns.up('lo');
    return ns;
  }

  /**
   * A veth pair between two namespaces, both ends up. The pair is created inside `a`
   * (`ip -n a link add ... peer ... netns b`), so the names never exist in the root namespace
   * and cannot collide with anyone else's.
   */
  async veth(a: Netns, ifA: string, b: Netns, ifB: string): Promise<void> {
    for (const n of [ifA, ifB]) if (n.length > 15) throw new Error(`harness: interface name "${n}" is longer than 15 characters`);
    await a.ip('link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b.name);
    await a.up(ifA);
    await b.up(ifB);
  }

  /** An L2 segment: a namespace holding a bridge; `attach` joins another namespace to it. */
  async segment(label = 'br'): Promise<Segment> {
    const ns = await this.netns(label);
    await ns.ip('link', 'add', 'br0', 'type', 'bridge');
    await ns.up('br0');
    return new Segment(this, ns);
  }

  /**
   * Two namespaces joined by one veth pair, with IPv4 (and optionally IPv6) addresses: the usual
   * two-speaker topology. Interfaces are `eth0` on both sides.
   */
  async pair(a4: string, b4: string, a6?: string, b6?: string, prefix4 = 24, prefix6 = 64): Promise<[Netns, Netns]> {
    const a = await this.netns('a');
    const b = await this.netns('b');
    await this.veth(a, 'eth0', b, 'eth0');
    await a.addAddress('eth0', `${a4}/${prefix4}`);
    await b.addAddress('eth0', `${b4}/${prefix4}`);
    if (a6 && b6) {
      await a.addAddress('eth0', `${a6}/${prefix6}`);
      await b.addAddress('eth0', `${b6}/${prefix6}`);
    }
    return [a, b];
  }

  /** Runs a command with `input` on its stdin; a non-zero exit throws with its output. */
  runWithInput(cmd: string, args: string[], input: string, timeoutMs = 30_000): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`\`${cmd} ${args.join(' ')}\` failed: ${(stderr || stdout || err.message).trim()}`));
        else resolve({ stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }

  /** Temp path inside the Lab's directory (removed on cleanup). */
  path(name: string): string { return join(this.dir, name); }

  spawnIn(ns: string, name: string, cmd: string, args: string[], opts: SpawnOptions = {}): NsProcess {
    if (this.disposed) throw new Error('harness: Lab already disposed');
    const out = this.path(`${name}.stdout`);
    const err = this.path(`${name}.stderr`);
    const fo = openSync(out, 'a');
    const fe = openSync(err, 'a');
    try {
      // detached: the program leads its own process group, so cleanup can kill it with whatever it
      // forked (ExaBGP's API helper, for one).
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
        detached: true, stdio: ['ignore', fo, fe], cwd: opts.cwd ?? this.dir, env: { ...process.env, ...opts.env },
      });
      // Not unref'd: a demo or test awaiting its processes must keep the event loop alive until
      // dispose() has stopped them, or Node would exit early and leave cleanup to the exit handler.
      const p = new NsProcess(name, child, out, err);
      this.procs.push(p);
      if (p.pid > 0) register('pid', p.pid);
      return p;
    } finally {
      closeSync(fo);
      closeSync(fe);
    }
  }

  /** Stops every process, deletes every namespace and the temp dir. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await Promise.all(this.procs.map((p) => p.stop(2000)));
    this.disposeSync();
  }

  /** The synchronous form, for exit/signal handlers where nothing async runs any more. */
  disposeSync(): void {
    if (this.disposed) return;
    this.disposed = true;
    live.delete(this);
    for (const p of this.procs) p.killNow();
    for (const ns of this.namespaces.reverse()) {
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already gone */ }
    }
    if (!process.env.HARNESS_KEEP) rmSync(this.dir, { recursive: true, force: true });
    unregister(new Set([this.dir, ...this.namespaces, ...this.procs.map((p) => String(p.pid))]));
  }
}

/** A bridge in its own namespace: an L2 segment many namespaces can join. */
export class Segment {
  private ports = 0;
  constructor(private readonly lab: Lab, readonly ns: Netns) {}

  /** Joins `ns` to the segment with interface `ifname` inside it (the bridge side is `p<n>`). */
  async attach(ns: Netns, ifname = 'eth0'): Promise<void> {
    const port = `p${++this.ports}`;
    await this.lab.veth(this.ns, port, ns, ifname);
    await this.ns.ip('link', 'set', port, 'master', 'br0');
  }
}

/** Reads a Linux process's peak resident set (VmHWM) in bytes; undefined once it has exited. */
export function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process (all its threads) has run, in ns, from /proc/<pid>/task/<tid>/schedstat —
 * finer than the 10 ms ticks of /proc/<pid>/stat. Threads that exited drop out of the sum.
 */
export function cpuNs(pid: number): number | undefined {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try { total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]); } catch { /* thread gone */ }
    }
    return total;
  } catch {
    return undefined;
  }
}

/** CPU time (user+system, in clock ticks) a process has used; for "has it gone idle" checks. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
