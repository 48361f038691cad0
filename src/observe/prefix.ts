// Just enough IP prefix arithmetic for the route views: a stable sort order (so pagination
// cursors survive routes being added between pages) and "which routes cover this address".
// BigInt keeps IPv4 and IPv6 on one code path; this runs per query, not per packet.

export interface ParsedPrefix { v6: boolean; addr: bigint; len: number }

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  let tail4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 tail ("::ffff:10.0.0.1") counts as two groups.
    tail4 = parseV4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (a host prefix). */
export function parsePrefix(s: string): ParsedPrefix | undefined {
  const [a, l, extra] = s.trim().split('/');
  if (extra !== undefined || a === undefined) return undefined;
  const v6 = a.includes(':');
  const addr = v6 ? parseV6(a) : parseV4(a);
  if (addr === undefined) return undefined;
  const max = v6 ? 128 : 32;
  if (l !== undefined && !/^\d{1,3}$/.test(l)) return undefined;
  const len = l === undefined ? max : Number(l);
  if (len > max) return undefined;
  return { v6, addr, len };
}

const bits = (p: ParsedPrefix): bigint => (p.v6 ? 128n : 32n);
const network = (p: ParsedPrefix, len: number): bigint => {
  const host = bits(p) - BigInt(len);
  return (p.addr >> host) << host;
};

/** True when `outer` contains `inner` (same family, shorter or equal length, same network bits). */
export function covers(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  return outer.v6 === inner.v6 && outer.len <= inner.len && network(outer, outer.len) === network(inner, outer.len);
}

/** IPv4 before IPv6, then by address, then shorter first: the order `birdc show route` uses. */
export function comparePrefixes(a: ParsedPrefix, b: ParsedPrefix): number {
  if (a.v6 !== b.v6) return a.v6 ? 1 : -1;
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.len - b.len;
}
