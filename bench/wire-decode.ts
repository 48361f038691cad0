// Decode throughput of full-table UPDATEs: 1,000,000 IPv4 prefixes (50 % /24, the rest /25–/32)
// packed ~900 per 4096-byte UPDATE behind one attribute set, as a BGP peer sends a full table.
// Run: npm run build && node dist/bench/wire-decode.js [prefixes]

import { DEFAULT_CODEC_CONTEXT, decodeMessage, packUpdates, MessageReader, type UpdateMessage } from '../src/bgp/wire/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ctx = DEFAULT_CODEC_CONTEXT;

function prefixes(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    // Deterministic spread over 1.0.0.0–223.255.255.255, distinct per i.
    const x = (i * 2654435761) >>> 0;
    const len = i % 2 === 0 ? 24 : 25 + (i % 8);
    const a = 1 + (i % 222);
    const b = (i >>> 8) & 0xff;
    const c = (i >>> 16) & 0xff;
    const d = len === 24 ? 0 : (x & 0xff) & ((0xff00 >> (len - 24)) & 0xff);
    out.push(`${a}.${b}.${c}.${d}/${len}`);
  }
  return out;
}

const list = prefixes(N);
let t = process.hrtime.bigint();
const msgs = packUpdates('ipv4-unicast', { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.255.0.1' }, list, ctx);
const packMs = Number(process.hrtime.bigint() - t) / 1e6;
const bytes = msgs.reduce((s, m) => s + m.length, 0);
const stream = Buffer.concat(msgs);
console.log(`packed ${N} prefixes into ${msgs.length} UPDATEs (${(bytes / 1e6).toFixed(2)} MB) in ${packMs.toFixed(0)} ms = ${(N / packMs / 1000).toFixed(2)} M prefixes/s`);

function run(): { ms: number; count: number } {
  const start = process.hrtime.bigint();
  const reader = new MessageReader();
  let count = 0;
  // 64 KiB chunks, as a TCP socket delivers them.
  for (let off = 0; off < stream.length; off += 65536) {
    reader.push(stream.subarray(off, off + 65536));
    for (let m = reader.next(); m !== null; m = reader.next()) {
      count += (decodeMessage(m, ctx) as UpdateMessage).nlri.prefixes.length;
    }
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, count };
}

const runs: number[] = [];
for (let i = 0; i < 7; i++) {
  const r = run();
  if (r.count !== N) throw new Error(`decoded ${r.count} prefixes, expected ${N}`);
  runs.push(r.ms);
}
const first = runs[0];
runs.sort((a, b) => a - b);
const median = runs[runs.length >> 1];
console.log(`decode (framing + decodeMessage): first run ${first.toFixed(0)} ms, median of ${runs.length} ${median.toFixed(0)} ms = ${(N / median / 1000).toFixed(2)} M prefixes/s`);

// IPv6: a 200k-prefix table (/48s and /64s) in MP_REACH_NLRI.
const N6 = Math.max(1, Math.floor(N / 5));
const list6: string[] = [];
for (let i = 0; i < N6; i++) {
  const hi = (0x2001 + (i % 7)).toString(16);
  list6.push(i % 2 === 0 ? `${hi}:db8:${((i >>> 1) & 0xffff).toString(16)}::/48` : `${hi}:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}:1::/64`);
}
t = process.hrtime.bigint();
const msgs6 = packUpdates('ipv6-unicast', { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '2001:db8::1' }, list6, ctx);
const pack6 = Number(process.hrtime.bigint() - t) / 1e6;
const runs6: number[] = [];
for (let i = 0; i < 5; i++) {
  const s6 = process.hrtime.bigint();
  let c6 = 0;
  for (const m of msgs6) c6 += (decodeMessage(m, ctx) as UpdateMessage).attributes!.mpReach!.nlri.prefixes.length;
  if (c6 !== N6) throw new Error(`decoded ${c6} IPv6 prefixes, expected ${N6}`);
  runs6.push(Number(process.hrtime.bigint() - s6) / 1e6);
}
runs6.sort((a, b) => a - b);
const med6 = runs6[runs6.length >> 1];
console.log(`IPv6: packed ${N6} prefixes into ${msgs6.length} UPDATEs in ${pack6.toFixed(0)} ms; decode median ${med6.toFixed(0)} ms = ${(N6 / med6 / 1000).toFixed(2)} M prefixes/s`);
