// The dashboard's files live in web/ at the package root. This module runs from src/observe/
// under jest and from dist/src/observe/ when built, so walk up to package.json instead of
// hard-coding a depth.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(fromUrl)}`);
    dir = up;
  }
}

export function webRoot(): string {
  return join(findPackageRoot(), 'web');
}
