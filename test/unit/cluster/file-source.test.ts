import { mkdtempSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileClusterSource } from '../../../src/cluster/file-source.js';
import { silentLogger } from '../../../src/util/log.js';

const node = (name: string) => `kind: Node\nmetadata: { name: ${name} }\nspec: { podCIDR: 10.244.0.0/24 }\n`;

test('reloads on change, keeps the last good view on a bad file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podroute-fs-'));
  const path = join(dir, 'cluster.yaml');
  const src = new FileClusterSource({ path, log: silentLogger, pollMs: 50 });
  try {
    writeFileSync(path, node('a'));
    await src.start();
    expect(src.ready()).toBe(true);
    expect([...src.view().nodes.keys()]).toEqual(['a']);

    const changed = new Promise<void>((r) => src.once('change', () => r()));
    writeFileSync(path + '.tmp', node('b'));
    renameSync(path + '.tmp', path); // the way editors and config writers replace files
    await changed;
    expect([...src.view().nodes.keys()]).toEqual(['b']);

    const problem = new Promise<string>((r) => src.once('problem', (p) => r(p.reason)));
    writeFileSync(path, 'kind: Node\nmetadata: {}\n');
    expect(await problem).toContain('metadata.name is missing');
    expect([...src.view().nodes.keys()]).toEqual(['b']);
  } finally {
    await src.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('start fails clearly when the file cannot be loaded', async () => {
  const src = new FileClusterSource({ path: '/nonexistent/podroute/cluster.yaml', log: silentLogger });
  await expect(src.start()).rejects.toThrow('could not load it');
  await src.stop();
});
