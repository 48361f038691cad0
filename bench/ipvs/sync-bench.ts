// IPVS sync benchmark, run INSIDE the IPVS VM (bench/ipvs/run.sh): 10,000 Services × 5 endpoints.
// Side by side in one run, on the same kernel:
//   1. `ipvsadm --restore` of exactly the same services and destinations (the reference),
//   2. podroute's full sync (compute desired state + read kernel + plan + pipelined netlink batch),
//   3. one endpoint change at that size (per-Service sync), repeated.
// Prints one JSON line per measurement and a summary. Numbers only; no pass/fail thresholds.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { emptyClusterView, type ClusterView, type EndpointSliceView, type ServiceView } from '../../src/cluster/view.js';
import { IpvsClient, SocketIpvsTransport } from '../../src/netlink/ipvs/index.js';
import { computeIpvs } from '../../src/proxy/desired.js';
import { defaultProxyConfig, OwnershipStore, ProxyController } from '../../src/proxy/index.js';

if (process.env.IPVS_VM !== '1') {
  console.error('run inside the IPVS VM: bench/ipvs/run.sh');
  process.exit(2);
}
const SERVICES = Number(process.env.BENCH_SERVICES ?? 10_000);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 5);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const sh = (cmd: string): string => execFileSync('/bin/bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 });
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const vipOf = (i: number): string => `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const epOf = (i: number, j: number): string => `10.${128 + ((i * ENDPOINTS + j) >> 16)}.${((i * ENDPOINTS + j) >> 8) & 255}.${(i * ENDPOINTS + j) & 255}`;

const services = new Map<string, ServiceView>();
const slices = new Map<string, EndpointSliceView>();
for (let i = 0; i < SERVICES; i++) {
  const name = `s${i}`;
  services.set(`bench/${name}`, {
    namespace: 'bench', name, type: 'ClusterIP', clusterIPs: [vipOf(i)], externalIPs: [], loadBalancerIPs: [],
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }], sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 0,
    externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', annotations: {}, labels: {},
  });
  slices.set(`bench/${name}-1`, {
    namespace: 'bench', name: `${name}-1`, serviceName: name, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: ENDPOINTS }, (_, j) => ({ addresses: [epOf(i, j)], ready: true, serving: true, terminating: false, nodeName: 'n' })),
  });
}
const view = (): ClusterView => ({ ...emptyClusterView(), services, endpointSlices: slices });
const cfg = defaultProxyConfig('n');

// The same set as an ipvsadm restore file.
const lines: string[] = [];
for (let i = 0; i < SERVICES; i++) {
  lines.push(`-A -t ${vipOf(i)}:80 -s rr`);
  for (let j = 0; j < ENDPOINTS; j++) lines.push(`-a -t ${vipOf(i)}:80 -r ${epOf(i, j)}:8080 -m -w 1`);
}
writeFileSync('/tmp/bench.restore', lines.join('\n') + '\n');

sh('modprobe ip_vs && ipvsadm -C');
const result = (what: string, value: number, extra: Record<string, unknown> = {}): void => console.log(JSON.stringify({ bench: 'ipvs', what, ms: Math.round(value * 10) / 10, services: SERVICES, endpoints: ENDPOINTS, ...extra }));

const restoreTimes: number[] = [];
const syncTimes: number[] = [];
let computeMs = 0;
const client = new IpvsClient(await SocketIpvsTransport.open());
let ctl: ProxyController | undefined;
for (let r = 0; r < ROUNDS; r++) {
  let t0 = process.hrtime.bigint();
  if (process.env.BENCH_SKIP_RESTORE !== '1') {
    sh('ipvsadm --restore < /tmp/bench.restore');
    restoreTimes.push(ms(t0));
    result('ipvsadm --restore', restoreTimes[r], { round: r });
    const count = Number(sh('ipvsadm -Ln | grep -c "^TCP"'));
    if (count !== SERVICES) throw new Error(`ipvsadm restored ${count} services`);
    sh('ipvsadm -C');
  }

  t0 = process.hrtime.bigint();
  computeIpvs(view(), cfg);
  computeMs = ms(t0);
  ctl = new ProxyController({ client, ownership: new OwnershipStore(), cfg, getView: view });
  t0 = process.hrtime.bigint();
  const st = await ctl.fullSync();
  syncTimes.push(ms(t0));
  result('podroute full sync', syncTimes[r], { round: r, ops: st.ops, failed: st.failed, computeMs: Math.round(computeMs) });
  const count2 = Number(sh('ipvsadm -Ln | grep -c "^TCP"'));
  const dests = Number(sh('ipvsadm -Ln | grep -c "Masq"'));
  if (count2 !== SERVICES || dests !== SERVICES * ENDPOINTS) throw new Error(`podroute made ${count2} services, ${dests} dests`);
  if (r < ROUNDS - 1) sh('ipvsadm -C');
}

// One endpoint change at full size: replace one endpoint of one Service, sync only that Service.
const changeTimes: number[] = [];
const phases: string[] = [];
// The first changes run cold code (JIT under TCG emulation is slow); measure the steady state and
// report the cold ones apart.
const WARMUP = 5;
const coldTimes: number[] = [];
for (let c = 0; c < CHANGES + WARMUP; c++) {
  const i = (c * 7919) % SERVICES;
  const s = slices.get(`bench/s${i}-1`)!;
  const eps = s.endpoints.slice(1);
  eps.push({ addresses: [`10.250.${c >> 8}.${c & 255}`], ready: true, serving: true, terminating: false, nodeName: 'n' });
  slices.set(`bench/s${i}-1`, { ...s, endpoints: eps });
  const t0 = process.hrtime.bigint();
  ctl!.endpointSliceChanged({ namespace: 'bench', name: `s${i}-1`, serviceName: `s${i}` });
  const st = await ctl!.syncDirty();
  if (c < WARMUP) {
    coldTimes.push(ms(t0));
    continue;
  }
  changeTimes.push(ms(t0));
  phases.push(`${ms(t0).toFixed(1)}=read ${st.timings.readMs.toFixed(1)}+plan ${st.timings.planMs.toFixed(1)}+apply ${st.timings.applyMs.toFixed(1)}`);
  if (st.ops < 2 || st.failed) throw new Error(`change ${c}: ${JSON.stringify(st)}`);
}
const sorted = [...changeTimes].sort((a, b) => a - b);
result('one endpoint change, first 5 (cold)', Math.max(...coldTimes), { all: coldTimes.map((x) => Math.round(x)) });
result('one endpoint change (median)', sorted[Math.floor(sorted.length / 2)], { phases: phases.slice(0, 8), samples: sorted.length, p90: Math.round(sorted[Math.floor(sorted.length * 0.9)] * 10) / 10, max: Math.round(sorted[sorted.length - 1] * 10) / 10 });

// Context for the per-change number: one netlink round trip (GET_SERVICE) on this VM.
const rtts: number[] = [];
for (let k = 0; k < 50; k++) {
  const t = process.hrtime.bigint();
  await client.getService({ family: 4, protocol: 'tcp', address: vipOf(k), port: 80 });
  rtts.push(ms(t));
}
rtts.sort((a, b) => a - b);
result('one netlink round trip GET_SERVICE (median)', rtts[25]);
const dumps: number[] = [];
for (let k = 0; k < 50; k++) {
  const t = process.hrtime.bigint();
  await client.listDestinations({ family: 4, protocol: 'tcp', address: vipOf(k), port: 80 });
  dumps.push(ms(t));
}
dumps.sort((a, b) => a - b);
result('one GET_DEST dump of 5 destinations (median)', dumps[25], { p90: dumps[45] });

// A no-op full resync at size (what the periodic drift repair costs).
let t0 = process.hrtime.bigint();
const noop = await ctl!.fullSync();
result('no-op full resync', ms(t0), { ops: noop.ops });

const best = (a: number[]): number => Math.min(...a);
console.log(`SUMMARY ipvsadm --restore best ${best(restoreTimes).toFixed(0)} ms; podroute full sync best ${best(syncTimes).toFixed(0)} ms (ratio ${(best(syncTimes) / best(restoreTimes)).toFixed(2)}, target ≤ 1.5); one change median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms (target < 20)`);
sh('ipvsadm -C');
client.close();
