// RIB receive benchmark: the 1M-prefix full table of notes/bgp-baselines.md fed straight into
// Rib.applyUpdate (no sockets, no codec), then drainChanges; then the full table out toward one
// eBGP peer with takeOutbound. Run: npm run build && node --expose-gc dist/bench/rib-apply.js [N]
//
// Shape as in the baselines: one attribute set (ORIGIN IGP, AS_PATH [65001], NEXT_HOP 10.255.0.1),
// ~900 NLRI per UPDATE (1M = 1,112 UPDATEs), half /24, the rest spread over /25–/32.

import { Rib } from '../src/bgp/rib/index.js';
import { AS_SEQUENCE, type CodecContext, type PathAttributes, type UpdateMessage } from '../src/bgp/wire/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const PER_UPDATE = Math.ceil(N / 1112);
const MiB = 1024 * 1024;

function prefixes(n: number): string[] {
  const out: string[] = new Array(n);
  const half = n >> 1;
  for (let i = 0; i < n; i++) {
    if (i < half) out[i] = `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
    else {
      const j = i - half;
      out[i] = `${100 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}.0/${25 + (j % 8)}`;
    }
  }
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
// Baseline before the prefix strings exist: the decoder would allocate them, and the RIB keeps them.
const heap0 = heap();

const attrs: PathAttributes = { origin: 0, asPath: [{ type: AS_SEQUENCE, asns: [65001] }], nextHop: '10.255.0.1' };
const attrKey = '40010100400206020100 00fde9400304 0aff0001';
const all = prefixes(N);
const updates: UpdateMessage[] = [];
// A second upstream (AS 65002, longer AS_PATH) sends the same table: every prefix gets a second path.
const attrs2: PathAttributes = { origin: 0, asPath: [{ type: AS_SEQUENCE, asns: [65002, 65010] }], nextHop: '10.253.0.1' };
for (let i = 0; i < N; i += PER_UPDATE) {
  updates.push({ type: 2, withdrawn: { prefixes: [] }, attributes: { ...attrs }, nlri: { prefixes: all.slice(i, i + PER_UPDATE) }, attrKey });
}
all.length = 0;

const codec: CodecContext = { asn4: true, extendedMessage: false, addPathReceive: new Set(), addPathSend: new Set(), ebgp: true };

const rib = new Rib({ localAsn: 65000, routerId: '10.255.0.2' });
rib.addPeer({ id: 'injector', address: '10.255.0.1', asn: 65001, localAsn: 65000, ebgp: true, localAddress: '10.255.0.2' });
rib.peerUp('injector', { families: ['ipv4-unicast'], codec, routerId: '10.255.0.1' });
rib.addPeer({ id: 'upstream2', address: '10.253.0.1', asn: 65002, localAsn: 65000, ebgp: true, localAddress: '10.253.0.2' });
rib.addPeer({ id: 'tor', address: '10.254.0.1', asn: 65100, localAsn: 65000, ebgp: true, localAddress: '10.254.0.2' });

// CPU time as well as wall time: on a shared 2-core machine wall time mostly measures the neighbours.
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const c0 = cpu();
const t0 = process.hrtime.bigint();
for (const u of updates) rib.applyUpdate('injector', u);
const t1 = process.hrtime.bigint();
const c1 = cpu();
const changes = rib.drainChanges().length;
const t2 = process.hrtime.bigint();
const c2 = cpu();
updates.length = 0;
const heapRib = heap() - heap0;

const s = (a: bigint, b: bigint): number => Number(b - a) / 1e9;
console.log(`prefixes            ${N.toLocaleString()} in ${updates.length || Math.ceil(N / PER_UPDATE)} UPDATEs; Loc-RIB ${rib.size().toLocaleString()}`);
console.log(`applyUpdate         ${s(t0, t1).toFixed(3)} s wall, ${(c1 - c0).toFixed(3)} s cpu  (${Math.round(N / s(t0, t1)).toLocaleString()} prefixes/s wall)`);
console.log(`drainChanges        ${s(t1, t2).toFixed(3)} s wall, ${(c2 - c1).toFixed(3)} s cpu  (${changes.toLocaleString()} changes)`);
console.log(`apply + drain       ${s(t0, t2).toFixed(3)} s wall, ${(c2 - c0).toFixed(3)} s cpu  (${Math.round(N / s(t0, t2)).toLocaleString()} prefixes/s wall)`);
console.log(`heap used by RIB (prefix strings included) ${(heapRib / MiB).toFixed(1)} MiB  (rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB)`);

{
  // The speaker flushes every established peer after UPDATEs: the injector's own journal walk
  // (split horizon: nothing goes back) is part of receiving a table.
  const c7 = cpu();
  const t7 = process.hrtime.bigint();
  const back = rib.takeOutbound('injector').length;
  const t8 = process.hrtime.bigint();
  const c8 = cpu();
  console.log(`injector's flush    ${s(t7, t8).toFixed(3)} s wall, ${(c8 - c7).toFixed(3)} s cpu  (${back} messages: EoR only)`);
}
{
  // Second full table: every prefix now has two paths, so each one runs the (two-path) decision.
  rib.peerUp('upstream2', { families: ['ipv4-unicast'], codec, routerId: '10.253.0.1' });
  rib.takeOutbound('upstream2'); // its initial dump of the first table, out of the way
  const again = prefixes(N); // fresh strings, as a second session's decoder would make
  const updates2: UpdateMessage[] = [];
  for (let i = 0; i < N; i += PER_UPDATE) {
    updates2.push({ type: 2, withdrawn: { prefixes: [] }, attributes: { ...attrs2 }, nlri: { prefixes: again.slice(i, i + PER_UPDATE) }, attrKey: 'second' });
  }
  again.length = 0;
  const c5 = cpu();
  const t5 = process.hrtime.bigint();
  for (const u of updates2) rib.applyUpdate('upstream2', u);
  const n2 = rib.drainChanges().length;
  const t6 = process.hrtime.bigint();
  const c6 = cpu();
  updates2.length = 0;
  console.log(`2nd table + drain   ${s(t5, t6).toFixed(3)} s wall, ${(c6 - c5).toFixed(3)} s cpu  (${n2.toLocaleString()} best changes: expect 0)`);
  console.log(`heap, two tables    ${((heap() - heap0) / MiB).toFixed(1)} MiB`);
}
{
  rib.peerUp('tor', { families: ['ipv4-unicast'], codec, routerId: '10.254.0.1' });
  const c3 = cpu();
  const t3 = process.hrtime.bigint();
  let messages = 0;
  let bytes = 0;
  for (;;) {
    const out = rib.takeOutbound('tor', 1000);
    if (out.length === 0) break;
    messages += out.length;
    for (const b of out) bytes += b.length;
  }
  const t4 = process.hrtime.bigint();
  const c4 = cpu();
  console.log(`takeOutbound (eBGP) ${s(t3, t4).toFixed(3)} s wall, ${(c4 - c3).toFixed(3)} s cpu  (${messages.toLocaleString()} UPDATEs, ${(bytes / MiB).toFixed(2)} MiB, ${Math.round(N / s(t3, t4)).toLocaleString()} prefixes/s)`);
  console.log(`heap after export   ${((heap() - heap0) / MiB).toFixed(1)} MiB`);
}
