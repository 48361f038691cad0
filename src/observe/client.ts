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
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new ApiError(url, undefined, `cannot reach podroute at ${url}: ${cause}`);
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
