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

/** A BIRD 2 daemon in its own temp directory, started and stopped by PID. */
export class BirdDaemon {
  readonly dir = mkdtempSync(join(tmpdir(), `sess-${process.pid}-bird-`));
  readonly sock = join(this.dir, 'bird.ctl');
  private child?: ChildProcess;
  output = '';

  constructor(config: string) {
    writeFileSync(join(this.dir, 'bird.conf'), config);
  }

  start(): void {
    const child = spawn(BIRD, ['-c', join(this.dir, 'bird.conf'), '-s', this.sock, '-P', join(this.dir, 'bird.pid'), '-f'], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.child = child;
  }

  /** Rejects (with BIRD's output) if the daemon exits; never resolves otherwise. */
  exited(): Promise<never> {
    const c = this.child;
    return new Promise((_, reject) => {
      if (!c) return reject(new Error('BIRD not running'));
      c.once('exit', (code, sig) => reject(new Error(`BIRD exited (code ${code}, signal ${sig}):\n${this.output}`)));
    });
  }

  /** Stops the daemon we started (SIGTERM, then SIGKILL) and waits for it to exit. */
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

  async birdc(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(BIRDC, ['-s', this.sock, ...args], { timeout: 10_000 });
    return stdout;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
