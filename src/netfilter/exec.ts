// The one place that runs netfilter tools. A Runner takes argv and stdin and resolves with the
// exit code and output; it never throws for a non-zero exit, callers decide. netnsRunner runs the
// same commands inside a network namespace (tests, and nodes where the agent is not in host netns).
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (argv: readonly string[], stdin?: string) => Promise<ExecResult>;

export class ExecError extends Error {
  constructor(readonly argv: readonly string[], readonly result: ExecResult) {
    super(`${argv.join(' ')} exited ${result.code}: ${result.stderr.trim().slice(0, 2000)}`);
    this.name = 'ExecError';
  }
}

export const hostRunner: Runner = (argv, stdin) =>
  new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    // A tool that exits early (bad input) closes its stdin: ignore EPIPE, the exit code tells.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });

/**
 * Runs commands in the named network namespace (/run/netns/<ns>). nsenter only switches the
 * network namespace; `ip netns exec` also builds a mount namespace to remount /sys, which
 * iptables and ipset do not need and which doubles the cost of every call.
 */
export function netnsRunner(ns: string, inner: Runner = hostRunner): Runner {
  return (argv, stdin) => inner(['nsenter', `--net=/run/netns/${ns}`, '--', ...argv], stdin);
}

/** Run and throw ExecError on a non-zero exit. */
export async function runOk(run: Runner, argv: readonly string[], stdin?: string): Promise<string> {
  const r = await run(argv, stdin);
  if (r.code !== 0) throw new ExecError(argv, r);
  return r.stdout;
}
