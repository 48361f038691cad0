// The receive benchmark runs end to end (compiled CLI from `npm run build`) against the packaged
// daemons with a small table. Only that it completes and reports every receiver is checked: the
// numbers themselves belong to bench/, not to assertions.
import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const MAIN = fileURLToPath(new URL('../../../dist/bench/bgp-receive/main.js', import.meta.url));

test('bgp-receive with 3000 prefixes into BIRD, FRR and GoBGP', async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'hn-bench-smoke-'));
  try {
    const out = join(dir, 'r.json');
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, '--prefixes', '3000', '--runs', '1', '--receivers', 'bird,frr,gobgp', '--json', out, '--timeout', '60'], { timeout: 150_000 });
    expect(stdout).toContain('| bird |');
    const r = JSON.parse(readFileSync(out, 'utf8')) as { results: { receiver: string; prefixes: number; seconds: number; peakRssBytes: number }[] };
    expect(r.results.map((x) => x.receiver)).toEqual(['bird', 'frr', 'gobgp']);
    for (const x of r.results) {
      expect(x.prefixes).toBe(3000);
      expect(x.seconds).toBeGreaterThan(0);
      expect(x.peakRssBytes).toBeGreaterThan(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
