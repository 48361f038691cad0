// The agent on the Kubernetes API, end to end: three real podroute agents (bin/podroute.js, built
// dist) in their own network namespaces, a real BIRD ToR, and our fake API server speaking real
// list/watch to the real @kubernetes/client-node inside each agent.
//
// Reaching the API from inside a namespace: the fake server listens on a unix socket in the Lab's
// directory. A socket file is not bound to a network namespace, so each node namespace runs a tiny
// socat forwarder 127.0.0.1:6443 → that socket, and the agent's kubeconfig says
// http://127.0.0.1:6443. The server stays in this test process (so the test drives it directly:
// put, annotate, compact, drop watches, stop and start), nothing listens in the root namespace, and
// an API "restart" is the same server closing and reopening its socket.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Lab, waitFor, type Netns, type NsProcess } from '../../../src/lab/netns.js';
import { agentGet, agentRequest, fibPrefixes, PKG_ROOT } from '../../../src/demo/run.js';
import { PODROUTE_RTPROT_DEFAULT } from '../../../src/netlink/route/protocol.js';
import { FakeApiServer, type KubeObject } from '../../fake-apiserver/server.js';
import type { PeerStatus, RoutePage } from '../../../src/observe/status.js';
import type { BgpStatusSummary } from '../../../src/agent/node-status.js';

jest.setTimeout(120_000);

const PROTO = PODROUTE_RTPROT_DEFAULT;
const TOR_A = '10.88.0.250';
const TOR_B = '10.88.0.251';
const TOR_ASN = 64600;
const NODES = [1, 2, 3].map((i) => ({ name: `node-${i}`, address: `10.88.0.${i}`, podCIDR: `10.244.${i}.0/24` }));

let lab: Lab;
let api: FakeApiServer;
let tor: Netns;
const ns = new Map<string, Netns>();
const agents = new Map<string, NsProcess>();
const sockets = new Map<string, string>();

function nodeObject(i: number, annotations: Record<string, string> = {}): KubeObject {
  const n = NODES[i - 1];
  return {
    kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name }, annotations },
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
    status: { addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }], conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** `kubectl annotate node NAME k=v` (null removes), as a merge patch would: the rest of the object stays. */
function annotate(name: string, changes: Record<string, string | null>): void {
  const n = JSON.parse(JSON.stringify(api.get('Node', name)!)) as KubeObject;
  const ann = { ...((n.metadata.annotations as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(changes)) if (v === null) delete ann[k]; else ann[k] = v;
  n.metadata.annotations = ann;
  api.put(n);
}

const peersOf = (node: string) => agentGet<PeerStatus[]>(sockets.get(node)!, '/api/v1/bgp/peers');
const peerYaml = (address: string) => stringify([{ remoteip: address, remoteasn: TOR_ASN }]).trim();

async function established(node: string, address: string): Promise<PeerStatus | undefined> {
  return (await peersOf(node)).find((p) => p.address === address && p.state === 'Established');
}

/** BGP protocols (BIRD names node_N / node_N_b) the ToR has `prefix` from. */
async function torSources(prefix: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await tor.exec('/usr/sbin/birdc', ['-s', lab.path('tor.ctl'), 'show', 'route', prefix, 'all']));
  } catch (err) {
    if ((err as Error).message.includes('Network not found')) return []; // birdc exits non-zero for "no such route"
    throw err;
  }
  return [...stdout.matchAll(/\[(node_\d(?:_b)?) /g)].map((m) => m[1]).sort();
}

async function allFibs(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  // podCIDRs only: node-1 also learns 192.0.2.0/24 from the ToR (checked on its own).
  for (const n of NODES) out[n.name] = [...(await fibPrefixes(ns.get(n.name)!, PROTO))].filter((p) => p.startsWith('10.244.')).sort();
  return out;
}
const FULL_FIB = Object.fromEntries(NODES.map((n) => [n.name, NODES.filter((o) => o !== n).map((o) => o.podCIDR).sort()]));

function torBirdConfig(): string {
  const lines = [
    `router id ${TOR_A};`, 'log stderr all;', 'protocol device { scan time 10; }',
  ];
  const proto = (name: string, local: string, node: string, exp = 'export none') => lines.push(
    `protocol bgp ${name} {`, `  local ${local} as ${TOR_ASN};`, `  neighbor ${node} as 64512;`,
    '  hold time 9; keepalive time 3; connect retry time 1;', `  ipv4 { import all; ${exp}; };`, '}',
  );
  // Routes the ToR offers node-1 on its second address: an ordinary prefix, and a host route equal
  // to a service VIP of the cluster, which node-1 must refuse.
  lines.push('protocol static tor_routes { ipv4; route 192.0.2.0/24 blackhole; route 198.51.100.20/32 blackhole; }');
  for (const n of NODES) proto(n.name.replace('-', '_'), TOR_A, n.address);
  proto('node_1_b', TOR_B, NODES[0].address, 'export where proto = "tor_routes"'); // the second ToR address node-1 is moved to
  return lines.join('\n') + '\n';
}

async function startAgent(name: string): Promise<void> {
  const dir = lab.path(name);
  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig('http://127.0.0.1:6443'));
  const sock = join(dir, 'status.sock');
  sockets.set(name, sock);
  const args = [
    join(PKG_ROOT, 'bin', 'podroute.js'), 'agent',
    '--kubeconfig', kubeconfig,
    '--node-name', name,
    '--http', `unix:${sock}`,
    '--cni-conf-dir', '',
    '--cni-ipam-dir', join(dir, 'ipam'),
    '--route-protocol', String(PROTO),
    '--status-min-interval', '0.5',
    '--status-max-interval', '3',
  ];
  const p = ns.get(name)!.spawn(`agent-${name}`, process.execPath, args);
  agents.set(name, p);
  // Up means the status API answers (ready or not: node-3's agent starts before its Node exists).
  await waitFor(`${name}'s agent status API`, async () => {
    if (!p.running) throw new Error(`agent exited: ${p.output().slice(-2000)}`);
    return (await agentRequest(sock, '/healthz').catch(() => undefined))?.status === 200;
  }, { timeoutMs: 30_000 });
}

beforeAll(async () => {
  for (const bin of ['/usr/sbin/bird', '/usr/bin/socat']) if (!existsSync(bin)) throw new Error(`k8s integration test needs ${bin}: run scripts/install-deps.sh`);
  if (!existsSync(join(PKG_ROOT, 'dist/src/cli/main.js'))) throw new Error('this test runs the built agent: run `npm run build` first');
  lab = new Lab('pk8');
  api = new FakeApiServer();
  await api.start({ path: lab.path('api.sock') });

  const seg = await lab.segment('lan');
  tor = await lab.netns('tor');
  await seg.attach(tor, 'eth0');
  await tor.addAddress('eth0', `${TOR_A}/24`);
  await tor.addAddress('eth0', `${TOR_B}/24`);
  for (const n of NODES) {
    const s = await lab.netns(n.name);
    await seg.attach(s, 'eth0');
    await s.addAddress('eth0', `${n.address}/24`);
    ns.set(n.name, s);
    s.spawn(`apifwd-${n.name}`, '/usr/bin/socat', ['TCP-LISTEN:6443,bind=127.0.0.1,fork,reuseaddr', `UNIX-CONNECT:${lab.path('api.sock')}`]);
    await waitFor(`${n.name}'s API forwarder listening`, async () => (await s.exec('ss', ['-Hltn', 'sport = :6443'])).stdout.trim() !== '', { timeoutMs: 10_000, intervalMs: 50 });
  }
  writeFileSync(lab.path('tor.conf'), torBirdConfig());
  const bird = tor.spawn('tor-bird', '/usr/sbin/bird', ['-f', '-c', lab.path('tor.conf'), '-s', lab.path('tor.ctl'), '-P', lab.path('tor.pid')]);
  await waitFor('the ToR BIRD control socket', () => existsSync(lab.path('tor.ctl')) || (bird.running ? false : Promise.reject(new Error(bird.output()))), { timeoutMs: 15_000 });

  // The cluster starts with node-1 and node-2; node-2 has the ToR as its external peer by annotation.
  api.put(nodeObject(1));
  api.put(nodeObject(2, { 'podroute.io/peers': peerYaml(TOR_A) }));
  await Promise.all(NODES.map((n) => startAgent(n.name)));
  await waitFor('node-1 ⇄ node-2 Established', async () => (await established('node-1', NODES[1].address)) && (await established('node-2', TOR_A)), { timeoutMs: 30_000 });
});

afterAll(async () => {
  await lab?.dispose();
  await api?.stop();
});

describe('podroute agent --kubeconfig', () => {
  test('ready only once its Node is synced; the BGP status annotation appears on the Node', async () => {
    await waitFor('node-1\'s agent ready', async () => (await agentRequest(sockets.get('node-1')!, '/readyz')).status === 200, { timeoutMs: 10_000 });
    // node-3's agent has synced, but its Node does not exist yet: not ready, and it says why.
    const r3 = await waitFor('node-3\'s agent synced', async () => {
      const r = await agentRequest(sockets.get('node-3')!, '/readyz');
      return r.body.includes('[+] cluster') ? r : undefined;
    }, { timeoutMs: 10_000 });
    expect(r3.status).toBe(503);
    expect(r3.body).toContain('node "node-3" is not in the cluster view');

    const status = await waitFor('node-1 bgp-status annotation with node-2 Established', () => {
      const text = (api.get('Node', 'node-1')!.metadata.annotations as Record<string, string>)['podroute.io/bgp-status'];
      const s = text ? (JSON.parse(text) as BgpStatusSummary & { updatedAt: string }) : undefined;
      return s?.peers.some((p) => p.address === NODES[1].address && p.state === 'Established') ? s : undefined;
    }, { timeoutMs: 10_000 });
    expect(status).toMatchObject({ asn: 64512, routerId: NODES[0].address, established: 1, fib: { installed: 1, errors: 0 } });
    expect(status.peers).toEqual([expect.objectContaining({ address: NODES[1].address, asn: 64512, name: 'node-2', state: 'Established', in: 1, out: 1, since: expect.any(String) })]);
    // Written as merge patches, never JSON patches.
    const patches = api.requests.filter((q) => q.method === 'PATCH' && q.url.startsWith('/api/v1/nodes/'));
    expect(patches.length).toBeGreaterThan(0);
    expect(patches.every((q) => q.contentType === 'application/merge-patch+json')).toBe(true);
  });

  test('a Node added to the API gets iBGP sessions within a second', async () => {
    const t0 = Date.now();
    api.put(nodeObject(3));
    await waitFor('node-1 ⇄ node-3 and node-2 ⇄ node-3 Established', async () =>
      (await established('node-1', NODES[2].address)) && (await established('node-2', NODES[2].address)), { timeoutMs: 10_000, intervalMs: 25 });
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(1000);
    await waitFor('every node has every other podCIDR in its FIB', async () => JSON.stringify(await allFibs()) === JSON.stringify(FULL_FIB), { timeoutMs: 10_000 });
    // Its first routing sync also sets up the pod network, so readiness may trail the sessions a little.
    await waitFor('node-3\'s agent ready', async () => (await agentRequest(sockets.get('node-3')!, '/readyz')).status === 200, { timeoutMs: 10_000 });
  });

  test('an external peer added and then changed by annotation applies live; no other session resets', async () => {
    const before = new Map((await peersOf('node-1')).map((p) => [p.address, p]));
    const node2Tor = (await established('node-2', TOR_A))!;

    annotate('node-1', { 'podroute.io/peers': peerYaml(TOR_A) });
    await waitFor('node-1 ⇄ ToR (first address) Established', () => established('node-1', TOR_A), { timeoutMs: 15_000 });
    await waitFor('the ToR learned node-1\'s podCIDR from node-1', async () => (await torSources(NODES[0].podCIDR)).includes('node_1'), { timeoutMs: 10_000 });

    annotate('node-1', { 'podroute.io/peers': peerYaml(TOR_B) });
    await waitFor('node-1 ⇄ ToR (second address) Established, first one gone', async () => {
      const peers = await peersOf('node-1');
      return peers.some((p) => p.address === TOR_B && p.state === 'Established') && !peers.some((p) => p.address === TOR_A);
    }, { timeoutMs: 15_000 });
    await waitFor('the ToR now has node-1\'s podCIDR over the second session only', async () =>
      JSON.stringify(await torSources(NODES[0].podCIDR)) === JSON.stringify(['node_1_b']), { timeoutMs: 15_000 });

    // The node sessions never noticed: same establishment time, no flap — on node-1 and on node-2.
    const after = new Map((await peersOf('node-1')).map((p) => [p.address, p]));
    for (const n of [NODES[1], NODES[2]]) {
      expect(after.get(n.address)).toMatchObject({ state: 'Established', establishedSince: before.get(n.address)!.establishedSince, flaps: before.get(n.address)!.flaps });
    }
    expect(await established('node-2', TOR_A)).toMatchObject({ establishedSince: node2Tor.establishedSince, flaps: node2Tor.flaps });
  });

  test('communities and AS-path prepend by annotation apply live to the ToR, without a session reset', async () => {
    const before = (await established('node-2', TOR_A))!;
    const nodeSession = (await established('node-2', NODES[0].address))!;
    annotate('node-2', { 'kube-router.io/node.bgp.communities': '64512:100', 'podroute.io/path-prepend.as': '64512', 'podroute.io/path-prepend.repeat-n': '2' });
    const attrs = await waitFor('the ToR sees node-2\'s podCIDR with the community and the prepend', async () => {
      const { stdout } = await tor.exec('/usr/sbin/birdc', ['-s', lab.path('tor.ctl'), 'show', 'route', NODES[1].podCIDR, 'all']);
      return /BGP\.community:.*\(64512,100\)/.test(stdout) && /BGP\.as_path: 64512 64512 64512/.test(stdout) ? stdout : undefined;
    }, { timeoutMs: 15_000 });
    expect(attrs).toContain('node_2');
    expect(await established('node-2', TOR_A)).toMatchObject({ establishedSince: before.establishedSince, flaps: before.flaps });
    // Toward nodes nothing changes (communities and prepend are for external peers).
    expect(await established('node-2', NODES[0].address)).toMatchObject({ establishedSince: nodeSession.establishedSince, flaps: nodeSession.flaps });
  });

  test('an invalid annotation becomes one Event on the Node with the exact reason; nothing is lost', async () => {
    const before = await peersOf('node-1');
    const fibBefore = await allFibs();
    const eventsOn = (node: string) => api.list('Event').filter((e) => (e.involvedObject as { name?: string }).name === node);
    expect(eventsOn('node-1')).toEqual([]);

    annotate('node-1', { 'podroute.io/node.asn': 'abc' });
    const ev = await waitFor('an Event on node-1', () => eventsOn('node-1')[0], { timeoutMs: 10_000 });
    expect(ev).toMatchObject({
      metadata: { namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'node-1' },
      reason: 'InvalidAnnotation',
      type: 'Warning',
      message: 'annotation podroute.io/node.asn: "abc" is not an AS number (1..4294967295 or asdot x.y); keeping the last good setting',
      count: 1,
    });
    // Every agent parses node-1's annotations, but only node-1's agent reports them.
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOn('node-1')).toHaveLength(1);
    // The agent's own log says the same thing.
    expect(agents.get('node-1')!.output()).toContain('\\"abc\\" is not an AS number');

    // A broken peers annotation keeps the last good peer list: the ToR session stays.
    annotate('node-1', { 'podroute.io/peers': '- remoteip: 10.88.0.251\n  remoteasn: not-a-number' });
    await waitFor('a second Event, for the peers annotation', () => eventsOn('node-1').length === 2, { timeoutMs: 10_000 });
    expect(eventsOn('node-1').map((e) => e.message)).toContain('annotation podroute.io/peers: "not-a-number" is not an AS number (1..4294967295 or asdot x.y); keeping the last good setting');

    // The same bad value again, after a good one: the Event's count goes up instead of a new Event.
    annotate('node-1', { 'podroute.io/node.asn': null });
    await new Promise((r) => setTimeout(r, 500));
    annotate('node-1', { 'podroute.io/node.asn': 'abc' });
    await waitFor('the node.asn Event counted twice', () => eventsOn('node-1').find((e) => e.message === ev.message)?.count === 2, { timeoutMs: 10_000 });
    expect(eventsOn('node-1')).toHaveLength(2);

    // Nothing lost: same sessions, same establishment times, same FIBs.
    const after = await peersOf('node-1');
    expect(after.map((p) => [p.address, p.state, p.establishedSince, p.flaps])).toEqual(before.map((p) => [p.address, p.state, p.establishedSince, p.flaps]));
    expect(await allFibs()).toEqual(fibBefore);
    annotate('node-1', { 'podroute.io/node.asn': null, 'podroute.io/peers': peerYaml(TOR_B) });
  });

  test('service VIPs go to external peers only; traffic policy Local only from nodes with a local endpoint', async () => {
    api.put({ kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], externalIPs: ['198.51.100.10'], ports: [{ port: 80, protocol: 'TCP' }] } });
    api.put({ kind: 'Service', metadata: { name: 'local', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], externalIPs: ['198.51.100.20'], externalTrafficPolicy: 'Local', ports: [{ port: 80, protocol: 'TCP' }] } });
    api.put({
      kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1',
      metadata: { name: 'local-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'local' } },
      addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.2.7'], conditions: { ready: true }, nodeName: 'node-2' }],
    });
    await waitFor('the ToR learned the externalIP from node-1 and node-2', async () =>
      JSON.stringify(await torSources('198.51.100.10/32')) === JSON.stringify(['node_1_b', 'node_2']), { timeoutMs: 15_000 });
    await waitFor('the Local service\'s externalIP from node-2 only', async () =>
      JSON.stringify(await torSources('198.51.100.20/32')) === JSON.stringify(['node_2']), { timeoutMs: 15_000 });
    // ClusterIPs are not advertised by default.
    expect(await torSources('10.96.0.10/32')).toEqual([]);
    // No node learned a VIP from another node: each one's RIB has only its own local path.
    for (const n of NODES) {
      const page = await agentGet<RoutePage>(sockets.get(n.name)!, '/api/v1/bgp/routes?prefix=198.51.100.10/32');
      expect(page.routes.flatMap((r) => r.paths.map((p) => p.peer))).toEqual(['local']);
    }
    // The sending side too: node-1 advertises its podCIDR alone to nodes, podCIDR + VIP to the ToR.
    const out1 = new Map((await peersOf('node-1')).map((p) => [p.address, p.prefixesAdvertised]));
    expect([out1.get(NODES[1].address), out1.get(NODES[2].address), out1.get(TOR_B)]).toEqual([1, 1, 2]);
    // …and no VIP reached a kernel FIB.
    expect(await allFibs()).toEqual(FULL_FIB);
    // A VIP offered by the ToR is refused even where it is not advertised (node-1 has no endpoint of
    // "local"), while the ToR's other route is installed: service VIPs are never imported.
    await waitFor('node-1 installed the ToR\'s ordinary route', async () => (await fibPrefixes(ns.get('node-1')!, PROTO)).has('192.0.2.0/24'), { timeoutMs: 15_000 });
    expect((await fibPrefixes(ns.get('node-1')!, PROTO)).has('198.51.100.20/32')).toBe(false);
    const vipPaths = (await agentGet<RoutePage>(sockets.get('node-1')!, '/api/v1/bgp/routes?prefix=198.51.100.20/32')).routes.flatMap((r) => r.paths);
    expect(vipPaths.filter((p) => p.best && p.peer !== 'local')).toEqual([]);

    // The per-service annotation turns the externalIP off live.
    const web = api.get('Service', 'web', 'default')!;
    api.put({ ...web, metadata: { ...web.metadata, annotations: { 'podroute.io/service.advertise.externalip': 'false' } } });
    await waitFor('the ToR lost the externalIP', async () => (await torSources('198.51.100.10/32')).length === 0, { timeoutMs: 15_000 });
  });

  test('dropped watches and a 410 Gone: the agents recover and keep every route meanwhile', async () => {
    api.dropWatches();
    expect(await allFibs()).toEqual(FULL_FIB);
    // History compacted while the watches are cut: their resume gets 410 and client-node relists.
    api.compact();
    api.dropWatches();
    expect(await allFibs()).toEqual(FULL_FIB);
    api.put({ kind: 'Service', metadata: { name: 'after-410', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.30', clusterIPs: ['10.96.0.30'], externalIPs: ['198.51.100.30'], ports: [{ port: 80, protocol: 'TCP' }] } });
    await waitFor('a change made after the 410 reached node-1 and node-2', async () =>
      JSON.stringify(await torSources('198.51.100.30/32')) === JSON.stringify(['node_1_b', 'node_2']), { timeoutMs: 20_000 });
    expect(await allFibs()).toEqual(FULL_FIB);
    expect(api.requests.some((q) => q.url.includes('watch=true') && Number(new URL(q.url, 'http://x').searchParams.get('resourceVersion')) > 0)).toBe(true);
  });

  test('the API server restarting withdraws no route; changes apply again once it is back', async () => {
    const sessions = await peersOf('node-1');
    await api.stop();
    // 4 s without an API server (longer than a status heartbeat): every FIB stays whole, every session up.
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(await allFibs()).toEqual(FULL_FIB);
    }
    expect(await torSources(NODES[1].podCIDR)).toEqual(['node_2']);
    expect((await peersOf('node-1')).map((p) => [p.address, p.state, p.establishedSince])).toEqual(sessions.map((p) => [p.address, p.state, p.establishedSince]));
    const statusBefore = (api.get('Node', 'node-1')!.metadata.annotations as Record<string, string>)['podroute.io/bgp-status'];

    await api.start();
    api.put({ kind: 'Service', metadata: { name: 'after-restart', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.40', clusterIPs: ['10.96.0.40'], externalIPs: ['198.51.100.40'], ports: [{ port: 80, protocol: 'TCP' }] } });
    await waitFor('a change made after the restart reached the agents', async () =>
      JSON.stringify(await torSources('198.51.100.40/32')) === JSON.stringify(['node_1_b', 'node_2']), { timeoutMs: 30_000 });
    await waitFor('the status annotation is written again', () =>
      (api.get('Node', 'node-1')!.metadata.annotations as Record<string, string>)['podroute.io/bgp-status'] !== statusBefore, { timeoutMs: 10_000 });
    expect(await allFibs()).toEqual(FULL_FIB);
    for (const a of agents.values()) expect(a.running).toBe(true);
  });
});
