// A minimal check runner for code that runs INSIDE the IPVS VM. Each check prints one line
// `CHECK {"name":…,"ok":…,"detail":…}` on stdout; the jest test on the host parses those lines and
// turns each into an assertion, so a failure in the VM names the exact check and why.

import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';

export interface CheckLine {
  name: string;
  ok: boolean;
  detail?: string;
}

let failures = 0;

export async function check(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  try {
    const r = await fn();
    console.log(`CHECK ${JSON.stringify({ name, ok: true, ms: Date.now() - t0, ...(r !== undefined ? { detail: String(r) } : {}) })}`);
  } catch (e) {
    failures++;
    console.log(`CHECK ${JSON.stringify({ name, ok: false, detail: e instanceof Error ? e.stack ?? e.message : String(e) })}`);
  }
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

export function assertEq<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const e = JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

/** Runs a command; returns stdout. Throws with stderr on failure. */
export function sh(cmd: string, opts: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync('/bin/bash', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts }) as string;
  } catch (e) {
    const err = e as { stderr?: string; status?: number };
    throw new Error(`\`${cmd}\` exited ${err.status}: ${err.stderr ?? ''}`);
  }
}

export function finish(): void {
  console.log(`CHECKS-DONE failures=${failures}`);
  process.exitCode = failures ? 1 : 0;
}

export function requireVm(): void {
  if (process.env.IPVS_VM !== '1') {
    console.error('this scenario must run inside the IPVS VM (test/vm/run-in-vm.sh); refusing to touch this host');
    process.exit(2);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
