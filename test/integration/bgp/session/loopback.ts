// Helpers for session integration tests on loopback: a listener that hands inbound connections
// to a session (what the speaker's listener does), event waits, and a BIRD 2 instance we own.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionCore } from '../../../../src/bgp/session/session.js';

export async function listenFor(address: string, session: () => SessionCore | undefined): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (sock) => {
    sock.on('error', () => {});
    const s = session();
    if (s) s.acceptConnection(sock);
    else sock.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0, exclusive: true }, () => resolve());
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Resolves on the first event for which `pred` holds; rejects after `ms` with `what` in the message. */
export function waitEvent<T extends unknown[]>(
  em: { on(ev: string, fn: (...a: T) => void): unknown; off(ev: string, fn: (...a: T) => void): unknown },
  ev: string,
  what: string,
  ms = 30_000,
  pred: (...a: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (...a: T): void => {
      if (!pred(...a)) return;
      clearTimeout(t);
      em.off(ev, fn);
      resolve(a);
    };
    const t = setTimeout(() => {
      em.off(ev, fn);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    em.on(ev, fn);
  });
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const BIRD = '/usr/sbin/bird';
export const BIRDC = '/usr/sbin/birdc';

export function requireBird(): void {
  if (!existsSync(BIRD) || !existsSync(BIRDC)) throw new Error(`${BIRD} not found: install the Debian package "bird2"`);
  if (process.getuid?.() !== 0) throw new Error('BIRD integration tests run as root');
}

/** A daemon we start in its own temp directory and stop by its PID (never by name). */
export class Daemon {
  readonly dir: string;
  private child?: ChildProcess;
  output = '';

  constructor(name: string, private readonly cmd: string, private readonly args: (dir: string) => string[]) {
    this.dir = mkdtempSync(join(tmpdir(), `sess-${process.pid}-${name}-`));
  }

  file(name: string, text: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }

  start(): void {
    const child = spawn(this.cmd, this.args(this.dir), { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.child = child;
  }

  /** Rejects (with the daemon's output) if it exits; never resolves otherwise. */
  exited(): Promise<never> {
    const c = this.child;
    return new Promise((_, reject) => {
      if (!c) return reject(new Error(`${this.cmd} not running`));
      c.once('exit', (code, sig) => reject(new Error(`${this.cmd} exited (code ${code}, signal ${sig}):\n${this.output}`)));
    });
  }

  /** Stops the process we started (the given signal, SIGKILL after 5 s) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const t = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** BIRD 2 with a control socket in its temp directory. */
export class BirdDaemon extends Daemon {
  readonly sock: string;

  constructor(config: string) {
    super('bird', BIRD, (dir) => ['-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid'), '-f']);
    this.sock = join(this.dir, 'bird.ctl');
    this.file('bird.conf', config);
  }

  async birdc(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(BIRDC, ['-s', this.sock, ...args], { timeout: 10_000 });
    return stdout;
  }
}
