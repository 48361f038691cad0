// We cannot run docker here, so the Dockerfile is read for the facts that make the image right:
// a pinned Node 20 base, production dependencies from the lockfile, the built dist/, the tools
// the agent runs; and .dockerignore must not hide what the build copies.
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const text = readFileSync(join(root, 'Dockerfile'), 'utf8');

interface Instr { op: string; args: string }

/** Instructions with continuation lines joined and comments dropped. */
function parse(src: string): Instr[] {
  const out: Instr[] = [];
  let cur = '';
  for (const raw of src.split('\n')) {
    const line = raw.trim();
    if (cur === '' && (line === '' || line.startsWith('#'))) continue;
    cur += (cur ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      const m = /^(\S+)\s*(.*)$/.exec(cur)!;
      out.push({ op: m[1].toUpperCase(), args: m[2] });
      cur = '';
    }
  }
  return out;
}

const all = parse(text);
const stages: Instr[][] = [];
for (const i of all) {
  if (i.op === 'FROM') stages.push([]);
  stages.at(-1)?.push(i);
}
const final = stages.at(-1)!;
const runs = (s: Instr[]): string => s.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

describe('Dockerfile', () => {
  test('every base image is Node 20 pinned to a full version, never latest or a floating tag', () => {
    const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(froms.length).toBeGreaterThanOrEqual(1);
    for (const f of froms) {
      expect(f).not.toMatch(/latest/);
      expect(f).toMatch(/^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    }
  });

  test('the runtime stage installs production dependencies from the lockfile only', () => {
    expect(runs(final)).toMatch(/\bnpm ci --omit=dev\b/);
    expect(runs(final)).not.toMatch(/\bnpm (install|i)\b/);
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies.some((c) => /\bpackage-lock\.json\b/.test(c))).toBe(true);
  });

  test('the runtime stage gets the built dist/ (from the build stage), the launcher and the dashboard files', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(/^--from=\S+ \S*dist \S*dist$/));
    expect(copies).toContainEqual(expect.stringMatching(/^bin /));
    expect(copies).toContainEqual(expect.stringMatching(/^web /));
    // The build stage really produces dist/ with the project's build script.
    expect(runs(stages[0])).toMatch(/npm run build/);
  });

  test('installs iproute2, iptables, ipset and ipvsadm from Debian, without recommends, and clears the apt lists', () => {
    const r = runs(final);
    const install = /apt-get install ([^&]*)/.exec(r)?.[1] ?? '';
    for (const pkg of ['iproute2', 'iptables', 'ipset', 'ipvsadm']) expect(install.split(/\s+/)).toContain(pkg);
    expect(install).toContain('--no-install-recommends');
    expect(r).toMatch(/apt-get update/);
    expect(r).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });

  test('the entrypoint runs the podroute launcher with node', () => {
    const ep = final.find((i) => i.op === 'ENTRYPOINT')!;
    const argv = JSON.parse(ep.args) as string[];
    expect(argv[0]).toBe('node');
    expect(argv[1]).toMatch(/bin\/podroute\.js$/);
  });

  test('every COPY source exists in the repository and .dockerignore does not exclude it', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const ignored = (p: string): boolean => {
      // Docker's rule: the last matching pattern wins; "!" re-includes.
      let out = false;
      for (const pat of ignore) {
        const neg = pat.startsWith('!');
        const base = neg ? pat.slice(1) : pat;
        const re = new RegExp(`^${base.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`);
        if (re.test(p)) out = !neg;
      }
      return out;
    };
    for (const stage of stages) {
      for (const c of stage.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
        const parts = c.args.split(/\s+/);
        for (const src of parts.slice(0, -1)) {
          expect([src, existsSync(join(root, src))]).toEqual([src, true]);
          expect([src, ignored(src)]).toEqual([src, false]);
        }
      }
    }
    for (const big of ['node_modules', 'dist', '.git']) expect([big, ignored(big)]).toEqual([big, true]);
  });
});
