// Host side of the VM tests (imported by jest integration tests): compile the in-VM programs,
// boot the VM once per test file, and parse the CHECK lines it prints.

import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { CheckLine } from './checks.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const runInVm = resolve(repoRoot, 'test/vm/run-in-vm.sh');

let built = false;
/** Compiles src/ and test/vm/ into dist/ (tsconfig.build.json does not include test/vm). */
export function buildVmPrograms(): void {
  if (built) return;
  // Only test/vm and what it imports are compiled, so others' in-progress files cannot break it.
  try {
    execFileSync(resolve(repoRoot, 'node_modules/.bin/tsc'), ['-p', resolve(repoRoot, 'test/vm/tsconfig.json')], { cwd: repoRoot, stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    throw new Error(`compiling test/vm failed:\n${(e as { stdout?: string }).stdout ?? ''}`);
  }
  built = true;
}

export interface VmRun {
  code: number;
  stdout: string;
  stderr: string;
  checks: CheckLine[];
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('IPVS VM tests need root (qemu exports /, apt-get for the one-time setup)');
}

export function runVm(command: string, timeoutSec = 300): Promise<VmRun> {
  return new Promise((res, rej) => {
    const p = spawn(runInVm, [command], { cwd: repoRoot, env: { ...process.env, IPVS_VM_TIMEOUT: String(timeoutSec), IPVS_VM_QUIET_SETUP: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => {
      const checks = stdout.split('\n').filter((l) => l.startsWith('CHECK ')).map((l) => JSON.parse(l.slice(6)) as CheckLine);
      res({ code: code ?? -1, stdout, stderr, checks });
    });
  });
}
