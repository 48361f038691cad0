// The CLI's way to the agent's JSON API. Errors say which URL failed and why (status and the
// server's own error text), because "fetch failed" alone sends operators hunting.
// The base is an http:// URL or `unix:/path/to.sock` (the agent can listen on a unix socket, which
// is how the demo reaches agents living in other network namespaces).
import { request } from 'node:http';

export class ApiError extends Error {
  constructor(readonly url: string, readonly status: number | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RawResponse { status: number; text: string }

function getOverHttp(url: string, timeoutMs: number): Promise<RawResponse> {
  return fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
    .then(async (res) => ({ status: res.status, text: await res.text() }));
}

/** A GET over a unix socket, any status (the demo reads /readyz's code this way). */
export function getOverUnix(socketPath: string, path: string, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers: { Accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function fetchJson<T = unknown>(baseUrl: string, path: string, opts: { timeoutMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const unix = baseUrl.startsWith('unix:') ? baseUrl.slice('unix:'.length) : undefined;
  const url = unix !== undefined ? `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}` : new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  let res: RawResponse;
  try {
    res = unix !== undefined ? await getOverUnix(unix, path.startsWith('/') ? path : `/${path}`, timeoutMs) : await getOverHttp(url, timeoutMs);
  } catch (err) {
    throw new ApiError(url, undefined, `cannot reach podroute at ${url}: ${describeFailure(err)}`);
  }
  if (res.status < 200 || res.status > 299) {
    let detail = res.text.trim();
    try {
      const body = JSON.parse(res.text) as { error?: unknown };
      if (typeof body.error === 'string') detail = body.error;
    } catch {
      // not JSON: keep the raw text
    }
    throw new ApiError(url, res.status, `${url}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
  }
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new ApiError(url, res.status, `${url}: response is not JSON`);
  }
}

/** undici hides the useful part (ECONNREFUSED, timeout) in `cause`. Duck-typed: errors may come from another realm. */
function describeFailure(err: unknown): string {
  const msg = (e: unknown): string | undefined =>
    typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : undefined;
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined;
  return msg(cause) ?? msg(err) ?? String(err);
}
