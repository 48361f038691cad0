// Maps a URL path to a file under web/, or refuses. Pure apart from nothing: the caller reads the
// file. Refusal is by construction (decode, split, reject any dot-segment or separator inside a
// segment) rather than by checking the resolved path afterwards, and the resolved path is checked
// anyway as a second line.
import { extname, join, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

export type StaticResolution = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 404 };

export function resolveStatic(root: string, urlPath: string): StaticResolution {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return { ok: false, status: 404 };
  if (segments.length === 0) segments.push('index.html');
  const type = CONTENT_TYPES[extname(segments[segments.length - 1]).toLowerCase()];
  if (!type) return { ok: false, status: 404 };
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  if (!file.startsWith(base + sep)) return { ok: false, status: 404 };
  return { ok: true, file, contentType: type };
}
