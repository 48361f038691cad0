// INSIDE the VM: the real agent (`node bin/podroute.js agent`, the built dist) runs the service
// proxy in a "node" network namespace, reading a cluster file. Pod namespaces serve TCP behind the
// node; a client namespace reaches a ClusterIP through it. The file changes and traffic follows;
// the status API (unix socket) lists the Service with endpoints and kernel counters; a foreign IPVS
// service made with ipvsadm survives every sync and the agent's exit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Type-only: makes tsc (test/vm/tsconfig.json) compile the agent's CLI into dist/ with this scenario,
// so the VM never runs a stale agent.
import type {} from '../../../src/cli/main.js';
import { assert, assertEq, check, finish, requireVm, sh, sleep } from '../lib/checks.js';

requireVm();
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
const podServer = join(repo, 'test/vm/lib/pod-server.mjs');
const dir = '/tmp/agent-proxy';
mkdirSync(dir, { recursive: true });
const clusterPath = join(dir, 'cluster.yaml');
const sock = join(dir, 'status.sock');
const ownFile = join(dir, 'ipvs-owned.json');

sh('modprobe ip_vs');
// The node: its own namespace, forwarding on, its InternalIP on a dummy.
sh('ip netns add node && ip -n node link set lo up && ip netns exec node sysctl -qw net.ipv4.ip_forward=1');
sh('ip -n node link add node0 type dummy && ip -n node link set node0 up && ip -n node addr add 192.168.50.10/32 dev node0');
// Pods 1..3 and a client (9) on veths into the node namespace.
const pods: { name: string; ip: string }[] = [];
for (const i of [1, 2, 3, 9]) {
  const ns = i === 9 ? 'client' : `pod${i}`;
  sh(`ip netns add ${ns} && ip -n node link add hv${i} type veth peer name eth0 netns ${ns} && ip -n node addr add 10.0.${i}.1/24 dev hv${i} && ip -n node link set hv${i} up && ` +
    `ip -n ${ns} addr add 10.0.${i}.2/24 dev eth0 && ip -n ${ns} link set eth0 up && ip -n ${ns} link set lo up && ip -n ${ns} route add default via 10.0.${i}.1`);
  if (i !== 9) pods.push({ name: ns, ip: `10.0.${i}.2` });
}
const servers = pods.map((p) => spawn('ip', ['netns', 'exec', p.name, process.execPath, podServer, p.name, p.ip], { stdio: ['ignore', 'pipe', 'inherit'] }));
await Promise.all(servers.map((s) => new Promise<void>((res) => { let out = ''; s.stdout!.on('data', (d: Buffer) => { out += d; if (out.includes('ready')) res(); }); })));

// Someone else's IPVS service in the node's namespace: never to be touched.
sh('ip netns exec node ipvsadm -A -t 10.96.99.99:80 -s wlc && ip netns exec node ipvsadm -a -t 10.96.99.99:80 -r 10.0.1.2:8080 -m -w 7');
const foreign = (): string => sh('ip netns exec node ipvsadm -Ln -t 10.96.99.99:80');
const foreignBefore = foreign();

const node = `apiVersion: v1
kind: Node
metadata: {name: node-a}
spec: {podCIDR: 10.0.0.0/16, podCIDRs: [10.0.0.0/16]}
status:
  addresses: [{type: InternalIP, address: 192.168.50.10}]
  conditions: [{type: Ready, status: "True"}]
`;
const service = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: ClusterIP
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10]
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
`;
const slice = (ips: string[]): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
${ips.map((ip) => `  - {addresses: [${ip}], conditions: {ready: true, serving: true, terminating: false}, nodeName: node-a}`).join('\n')}
`;
function writeCluster(docs: string[]): void {
  writeFileSync(`${clusterPath}.tmp`, docs.join('---\n'));
  renameSync(`${clusterPath}.tmp`, clusterPath); // atomic, as the API changes
}
writeCluster([node, service, slice([pods[0].ip, pods[1].ip])]);

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const r = request({ socketPath: sock, path, timeout: 5000 }, (m) => { let b = ''; m.setEncoding('utf8'); m.on('data', (c) => (b += c)); m.on('end', () => res({ status: m.statusCode ?? 0, body: b })); });
    r.on('timeout', () => r.destroy(new Error(`${path} timed out`)));
    r.on('error', rej);
    r.end();
  });
}
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what} ${last}`);
    await sleep(250);
  }
}
/** One request from the client namespace; the pod answers with its name. */
const ask = (host: string, port: number): string => sh(`echo hi | ip netns exec client socat -t 3 - TCP:${host}:${port},connect-timeout=3`).trim();
function spread(n: number): string[] {
  const s = new Set<string>();
  for (let i = 0; i < n; i++) s.add(ask('10.96.0.10', 80));
  return [...s].sort();
}
const dests = (): string[] => sh('ip netns exec node ipvsadm -Ln -t 10.96.0.10:80').split('\n').filter((l) => l.includes('->') && /\d+\.\d+/.test(l)).map((l) => l.trim().split(/\s+/)[1]).sort();

interface SvcStatus { namespace: string; name: string; clusterIP: string; scheduler?: string; endpoints: { address: string; port: number; ready: boolean }[]; stats: { connections: number; packetsIn: number; bytesIn: number } }

const agentLog = join(dir, 'agent.log');
let agentExit: number | null | undefined;
function startAgent(): ReturnType<typeof spawn> {
  agentExit = undefined;
  const p = spawn('/bin/bash', ['-c', `exec ip netns exec node ${process.execPath} ${join(repo, 'bin/podroute.js')} agent --cluster-file ${clusterPath} --node-name node-a --http unix:${sock} ` +
    `--cni-conf-dir '' --cni-ipam-dir ${dir}/ipam --run-firewall=false --enable-pod-egress=false --ipvs-ownership-file ${ownFile} --ipvs-stats-period 1s --ipvs-graceful-period 2s >>${agentLog} 2>&1`], { stdio: 'ignore' });
  p.on('exit', (c) => (agentExit = c));
  return p;
}
let agent = startAgent();
const logTail = (): string => (existsSync(agentLog) ? readFileSync(agentLog, 'utf8').slice(-3000) : '');
const ready = (): Promise<string> => until('/readyz 200', async () => {
  if (agentExit !== undefined) throw new Error(`agent exited ${agentExit}: ${logTail()}`);
  const r = await get('/readyz');
  return r.status === 200 ? r.body : undefined;
}, 90_000).catch((e: Error) => { throw new Error(`${e.message}\n${logTail()}`); });

await check('the agent starts in the node namespace and is ready, with the proxy controller synced', async () => {
  const body = await ready();
  const st = JSON.parse((await get('/api/v1/status')).body) as { health: { controllers: { name: string; ready: boolean; lastError?: string }[] } };
  const proxy = st.health.controllers.find((c) => c.name === 'proxy');
  assert(proxy?.ready === true && !proxy.lastError, `proxy health ${JSON.stringify(proxy)}`);
  return body.trim();
});

await check('the ClusterIP from the cluster file is in IPVS with both pods; a client reaches it, spread over both', async () => {
  await until('two destinations', async () => dests().length === 2);
  assertEq(dests(), ['10.0.1.2:8080', '10.0.2.2:8080'], 'destinations');
  assert(sh('ip -n node -br addr show dev podroute-vip').includes('10.96.0.10/32'), 'VIP on podroute-vip');
  assertEq(spread(6), ['pod1', 'pod2'], 'backends');
});

await check('the cluster file changes (pod2 removed, pod3 added): IPVS and traffic follow', async () => {
  const t0 = Date.now();
  writeCluster([node, service, slice([pods[0].ip, pods[2].ip])]);
  await until('destinations pod1+pod3', async () => dests().join() === '10.0.1.2:8080,10.0.3.2:8080');
  const ms = Date.now() - t0;
  assertEq(spread(6), ['pod1', 'pod3'], 'backends after the change');
  return `IPVS followed in ${ms} ms`;
});

await check('/api/v1/services lists the Service with its endpoints, scheduler and IPVS stats', async () => {
  const s = await until('web with pod1+pod3 and counted connections', async () => {
    const list = JSON.parse((await get('/api/v1/services')).body) as SvcStatus[];
    const web = list.find((x) => x.namespace === 'default' && x.name === 'web');
    return web && web.endpoints.map((e) => e.address).join() === '10.0.1.2,10.0.3.2' && web.stats.connections > 0 ? web : undefined;
  });
  assertEq({ clusterIP: s.clusterIP, scheduler: s.scheduler, endpoints: s.endpoints.map((e) => ({ address: e.address, port: e.port, ready: e.ready })) },
    { clusterIP: '10.96.0.10', scheduler: 'rr', endpoints: [{ address: '10.0.1.2', port: 8080, ready: true }, { address: '10.0.3.2', port: 8080, ready: true }] }, 'service view');
  assert(s.stats.packetsIn > 0 && s.stats.bytesIn > 0, `stats ${JSON.stringify(s.stats)}`);
  return JSON.stringify(s.stats);
});

await check('/metrics has the per-service IPVS counters and proxy sync durations', async () => {
  const text = (await get('/metrics')).body;
  const conns = /^podroute_proxy_service_connections_total\{namespace="default",service="web"\} (\d+)/m.exec(text);
  assert(conns && Number(conns[1]) > 0, `no connections counter:\n${text.split('\n').filter((l) => l.includes('proxy')).join('\n')}`);
  assert(/^podroute_proxy_service_packets_total\{namespace="default",service="web",direction="in"\} [1-9]/m.test(text), 'packets in');
  const syncs = /^podroute_proxy_sync_duration_seconds_count (\d+)/m.exec(text);
  assert(syncs && Number(syncs[1]) >= 2, `sync count ${syncs?.[1]}`);
  assert(/^podroute_proxy_services 1$/m.test(text), 'podroute_proxy_services 1');
});

const nodePortService = service.replace('name: web,', 'name: webnp,').replace('type: ClusterIP', 'type: NodePort').replace(/10\.96\.0\.10/g, '10.96.0.20').replace('targetPort: 8080}', 'targetPort: 8080, nodePort: 30080}');
const nodePortSlice = slice([pods[0].ip, pods[2].ip]).replace('name: web-1', 'name: webnp-1').replace('service-name: web}', 'service-name: webnp}');

await check('a NodePort Service added to the file: reached on the node\'s InternalIP', async () => {
  writeCluster([node, service, slice([pods[0].ip, pods[2].ip]), nodePortService, nodePortSlice]);
  await until('the NodePort in IPVS', async () => /TCP\s+192\.168\.50\.10:30080 rr/.test(sh('ip netns exec node ipvsadm -Ln')));
  assert(['pod1', 'pod3'].includes(ask('192.168.50.10', 30080)), 'NodePort answer');
  assert(['pod1', 'pod3'].includes(ask('10.96.0.20', 80)), 'its ClusterIP answer');
});

await check('the foreign IPVS service (ipvsadm) is untouched, and the ownership file names only ours', async () => {
  assertEq(foreign(), foreignBefore, 'foreign service');
  const own = JSON.parse(readFileSync(ownFile, 'utf8')) as { entries: [string, { owner: string }][] };
  assertEq([...new Set(own.entries.map(([, e]) => e.owner))].sort(), ['default/web', 'default/webnp'], 'owners');
});

await check('the Service leaves the file: its IPVS service and VIP go, the foreign one stays', async () => {
  writeCluster([node, nodePortService, nodePortSlice]);
  await until('10.96.0.10 gone', async () => !/10\.96\.0\.10:80/.test(sh('ip netns exec node ipvsadm -Ln')));
  assert(!sh('ip -n node -br addr show dev podroute-vip').includes('10.96.0.10'), 'VIP still there');
  assertEq(foreign(), foreignBefore, 'foreign service');
});

await check('SIGTERM: the agent exits 0; its IPVS services keep answering while it is away; the foreign one stays', async () => {
  agent.kill('SIGTERM');
  await until('agent exit', async () => agentExit !== undefined, 20_000);
  assertEq(agentExit, 0, `exit code (log: ${logTail()})`);
  assert(['pod1', 'pod3'].includes(ask('10.96.0.20', 80)), 'ClusterIP answers with the agent gone');
  assertEq(foreign(), foreignBefore, 'foreign service');
});

await check('restart: the new agent adopts what the old one made (ownership file) and removes a Service deleted meanwhile', async () => {
  writeCluster([node]);
  agent = startAgent();
  await ready();
  await until('10.96.0.20 and the NodePort gone', async () => !/10\.96\.0\.20:80|:30080/.test(sh('ip netns exec node ipvsadm -Ln')));
  assertEq(foreign(), foreignBefore, 'foreign service');
  const own = JSON.parse(readFileSync(ownFile, 'utf8')) as { entries: unknown[] };
  assertEq(own.entries, [], 'ownership after the cleanup');
  agent.kill('SIGTERM');
  await until('agent exit', async () => agentExit !== undefined, 20_000);
});

await check('podroute cleanup removes the IPVS services, VIPs and chains the agent made, and leaves the foreign service', async () => {
  writeCluster([node, service, slice([pods[0].ip, pods[2].ip])]);
  agent = startAgent();
  await ready();
  await until('10.96.0.10 back in IPVS', async () => /10\.96\.0\.10:80/.test(sh('ip netns exec node ipvsadm -Ln')));
  agent.kill('SIGTERM');
  await until('agent exit', async () => agentExit !== undefined, 20_000);
  assert(/10\.96\.0\.10:80/.test(sh('ip netns exec node ipvsadm -Ln')), 'the service outlives the agent');
  const out = sh(`ip netns exec node ${process.execPath} ${join(repo, 'bin/podroute.js')} cleanup --cni-conf-dir '' --ipvs-ownership-file ${ownFile} 2>&1`);
  assert(!/10\.96\.0\.10:80/.test(sh('ip netns exec node ipvsadm -Ln')), `our IPVS service is still there after cleanup:\n${out}`);
  assertEq(foreign(), foreignBefore, 'foreign service');
  assert(!sh('ip -n node -br link').includes('podroute-vip'), 'podroute-vip still there');
  assert(!/PODROUTE-/.test(sh('ip netns exec node iptables-save')), 'PODROUTE chains still there');
  return out.trim().split('\n').slice(-3).join(' | ');
});

for (const s of servers) s.kill();
if (agentExit === undefined) agent.kill('SIGKILL');
finish();
