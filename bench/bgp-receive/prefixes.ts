// N distinct IPv4 prefixes, half /24, the rest spread evenly over /25–/32 (the method in
// notes/bgp-baselines.md). Each length gets its own /8-aligned region so they can never collide.
export interface Prefix { address: number; length: number }

const FIRST_24 = 11; // /24s start at 11.0.0.0 and take ceil(N/2 / 65536) /8s
const LONG_BASE = 100; // /25../32 get 100.0.0.0/8 .. 107.0.0.0/8, one /8 per length

export function generatePrefixes(n: number): Prefix[] {
  const n24 = Math.floor(n / 2);
  const rest = n - n24;
  const perLong = Math.ceil(rest / 8);
  if (n24 > (LONG_BASE - FIRST_24) * 65536 || perLong > 2 ** 17 /* /25s in one /8 */) throw new Error(`generatePrefixes: ${n} is more than this layout holds`);
  const out: Prefix[] = new Array(n);
  let k = 0;
  let long = 0;
  // Interleave /24s and longer prefixes, as a real table mixes them.
  for (let i = 0; i < Math.max(n24, rest); i++) {
    if (i < n24) out[k++] = { address: ((FIRST_24 << 24) + i * 256) >>> 0, length: 24 };
    if (long < rest) {
      const len = 25 + (long % 8);
      const idx = Math.floor(long / 8);
      out[k++] = { address: (((LONG_BASE + len - 25) << 24) + idx * 2 ** (32 - len)) >>> 0, length: len };
      long++;
    }
  }
  return out;
}
