// A process using the Lab that is killed with SIGTERM/SIGINT still removes its namespaces and
// processes; with SIGKILL (and in jest, whose sandboxed `process` gets no exit events) the reaper
// shell does it once the process is gone. Runs the compiled harness (dist/, from `npm run build`) in a child process.
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, waitFor } from '../../harness/netns.js';

const HARNESS = fileURLToPath(new URL('../../../dist/test/harness/netns.js', import.meta.url));

const CHILD = `
const { Lab } = await import(process.argv[1]);
const lab = new Lab();
const ns = await lab.netns('sig');
const p = ns.spawn('sleeper', 'sleep', ['300']);
console.log(JSON.stringify({ ns: ns.name, pid: p.pid }));
setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
  test(`${sig} to a process using the Lab removes its namespaces and kills its processes`, async () => {
    if (!existsSync(HARNESS)) throw new Error(`${HARNESS} missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, HARNESS], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const info = await waitFor('child Lab ready', () => (out.includes('\n') ? (JSON.parse(out) as { ns: string; pid: number }) : undefined), { timeoutMs: 15_000 });
    expect((await run('ip', ['netns', 'list'])).stdout).toContain(info.ns);
    expect(alive(info.pid)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(sig);
    expect(await exited).toBe(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : null);
    await waitFor(`namespace ${info.ns} deleted`, async () => !(await run('ip', ['netns', 'list'])).stdout.includes(info.ns), { timeoutMs: 10_000 });
    await waitFor('sleeper gone', () => !alive(info.pid), { timeoutMs: 10_000 });
    await waitFor('reaper registry removed', () => !existsSync(`/tmp/hn-${child.pid}.reap`), { timeoutMs: 10_000 });
  }, 30_000);
}
