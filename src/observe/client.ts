// The CLI's way to the agent's JSON API. Errors say which URL failed and why (status and the
// server's own error text), because "fetch failed" alone sends operators hunting.

export class ApiError extends Error {
  constructor(readonly url: string, readonly status: number | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchJson<T = unknown>(baseUrl: string, path: string, opts: { timeoutMs?: number } = {}): Promise<T> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
  } catch (err) {
    throw new ApiError(url, undefined, `cannot reach podroute at ${url}: ${describeFailure(err)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.trim();
    try {
      const body = JSON.parse(text) as { error?: unknown };
      if (typeof body.error === 'string') detail = body.error;
    } catch {
      // not JSON: keep the raw text
    }
    throw new ApiError(url, res.status, `${url}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
  }
  try {
    return JSON.parse(text) as T;
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
