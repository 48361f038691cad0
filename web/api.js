// Fetches from the agent's JSON API (same origin). Throws with the server's error text so the
// banner can say what is wrong rather than "failed".
export async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) {
    let detail = '';
    try { detail = (await res.json()).error ?? ''; } catch { /* not JSON */ }
    const err = new Error(`${path}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    err.status = res.status;
    throw err;
  }
  return res.json();
}
