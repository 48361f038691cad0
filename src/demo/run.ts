// `podroute demo`: builds a small bare-metal cluster network out of network namespaces, runs a
// real podroute agent per node and a BIRD ToR, makes pods with the CNI bridge plugin from the very
// config each agent wrote, and then measures — never assumes — that the Kubernetes network model
// holds: every pod reaches every pod without NAT, nodes reach pods, the ToR and every node learned
// every podCIDR. Everything it creates is removed on exit, failure or signal.
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab, type Netns, type NsProcess, waitFor } from '../lab/netns.js';
import { demoPlan, type DemoPlan, type DemoPod } from './plan.js';
import { clusterFile, demoPolicy, podObjects, torBirdConfig } from './files.js';
import { runChecks, type CheckResult } from './checks.js';
import { CNI_FILE_NAME } from '../routing/podnet/cni.js';
import { forwardTcpToUnix, type Forwarder } from '../lab/forward.js';
import { fetchJson, getOverUnix } from '../observe/client.js';

export interface DemoOptions {
  nodes: number;
  keep: boolean;
  /** First local TCP port for the per-node status forwarders (--keep). */
  statusPort: number;
  out: (line: string) => void;
  /** Route protocol number the agents use (for the FIB check). */
  routeProtocol: number;
}

export interface DemoWorld {
  plan: DemoPlan;
  lab: Lab;
  tor: Netns;
  nodeNs: Map<string, Netns>;
  podNs: Map<string, Netns>;
  agents: Map<string, NsProcess>;
  sockets: Map<string, string>;
  routeProtocol: number;
  /** Adds (true) or removes (false) the demo's NetworkPolicy and waits until every node enforces it. */
  setPolicy(on: boolean): Promise<void>;
  /** Restarts one node's agent (used by the restart test). */
  restartAgent(node: string): Promise<void>;
  stopAgent(node: string): Promise<void>;
  startAgent(node: string): Promise<void>;
}

const PKG_ROOT = findRoot();

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('demo: cannot find the podroute package root');
    dir = up;
  }
  return dir;
}

/** GET from an agent's status API on its unix socket: status code and body text. */
export async function agentRequest(socketPath: string, path: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const r = await getOverUnix(socketPath, path, timeoutMs);
  return { status: r.status, body: r.text };
}

/** GET a JSON document from an agent's status API. */
export function agentGet<T>(socketPath: string, path: string): Promise<T> {
  return fetchJson<T>(`unix:${socketPath}`, path);
}

/** Builds the network, starts everything and waits for BGP to converge. */
export async function buildDemo(opts: DemoOptions, lab: Lab): Promise<DemoWorld> {
  const plan = demoPlan(opts.nodes);
  const say = opts.out;
  const seg = await lab.segment('lan');
  const tor = await lab.netns('tor');
  await seg.attach(tor, 'eth0');
  await tor.addAddress('eth0', `${plan.tor.address}/${plan.lanPrefixLen}`);
  const nodeNs = new Map<string, Netns>();
  for (const n of plan.nodes) {
    const ns = await lab.netns(n.name);
    await seg.attach(ns, 'eth0');
    await ns.addAddress('eth0', `${n.address}/${plan.lanPrefixLen}`);
    nodeNs.set(n.name, ns);
  }
  say(`built a LAN with a ToR and ${plan.nodes.length} nodes (namespaces ${lab.id}-*)`);

  const clusterPath = lab.path('cluster.yaml');
  writeFileSync(clusterPath, clusterFile(plan));
  const birdConf = lab.path('tor-bird.conf');
  writeFileSync(birdConf, torBirdConfig(plan));
  const torCtl = lab.path('tor-bird.ctl');
  const bird = tor.spawn('tor-bird', '/usr/sbin/bird', ['-f', '-c', birdConf, '-s', torCtl, '-P', lab.path('tor-bird.pid')]);
  // A server outside the cluster (on the ToR) that answers with the source address it saw: pods
  // reaching it must arrive SNATed to their node's address.
  tor.spawn('tor-srv', '/usr/bin/socat', ['TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo $SOCAT_PEERADDR']);
  await waitFor('the ToR BIRD control socket', () => existsSync(torCtl) || (bird.running ? false : Promise.reject(new Error(bird.output()))), { timeoutMs: 15_000 });

  const agents = new Map<string, NsProcess>();
  const sockets = new Map<string, string>();
  const startAgent = async (name: string): Promise<void> => {
    const ns = nodeNs.get(name)!;
    const dir = lab.path(name);
    mkdirSync(dir, { recursive: true });
    const sock = join(dir, 'status.sock');
    sockets.set(name, sock);
    const args = [
      join(PKG_ROOT, 'bin', 'podroute.js'), 'agent',
      '--cluster-file', clusterPath,
      '--node-name', name,
      '--http', `unix:${sock}`,
      '--cni-conf-dir', join(dir, 'cni'),
      '--cni-ipam-dir', join(dir, 'ipam'),
      '--route-protocol', String(opts.routeProtocol),
    ];
    agents.set(name, ns.spawn(`agent-${name}-${Date.now()}`, process.execPath, args));
    await waitFor(`${name}'s agent status API`, async () => {
      const a = agents.get(name)!;
      if (!a.running) throw new Error(`agent exited: ${a.output().slice(-2000)}`);
      return (await agentRequest(sock, '/readyz').catch(() => undefined))?.status === 200;
    }, { timeoutMs: 30_000 });
  };
  const stopAgent = async (name: string): Promise<void> => {
    await agents.get(name)?.stop(10_000);
  };
  await Promise.all(plan.nodes.map((n) => startAgent(n.name)));
  say(`started ${plan.nodes.length} podroute agents and the ToR (BIRD)`);

  // Pods: made the way the kubelet would, by running the CNI bridge plugin with the agent's config.
  const podNs = new Map<string, Netns>();
  for (const n of plan.nodes) {
    const conf = join(lab.path(n.name), 'cni', CNI_FILE_NAME);
    await waitFor(`${n.name}'s CNI config`, () => existsSync(conf), { timeoutMs: 15_000 });
    for (const pod of n.pods) {
      const ns = await lab.netns(pod.name);
      podNs.set(pod.name, ns);
      pod.ip = await cniAdd(nodeNs.get(n.name)!, ns, pod, conf);
      ns.spawn(`srv-${pod.name}`, '/usr/bin/socat', ['TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo $SOCAT_PEERADDR']);
    }
  }
  // Tell the cluster about the pods, as the kubelet would, and wait until every agent's policy
  // controller has applied a view with them.
  const world: DemoWorld = {
    plan, lab, tor, nodeNs, podNs, agents, sockets, routeProtocol: opts.routeProtocol,
    stopAgent, startAgent,
    restartAgent: async (name) => {
      await stopAgent(name);
      await startAgent(name);
    },
    setPolicy: async (on) => {
      await writeClusterFile(world, clusterPath, on ? [podObjects(plan), demoPolicy(plan)] : [podObjects(plan)]);
    },
  };
  await writeClusterFile(world, clusterPath, [podObjects(plan)]);
  say(`made ${[...podNs.keys()].length} pods with the CNI bridge plugin (each serves TCP 8080)`);

  await waitConverged(world);
  say('BGP converged: every session Established, every podCIDR learned');
  return world;
}

/**
 * Rewrites the cluster file (nodes plus `extra` objects) atomically, as the API would change, and
 * waits until every agent's policy controller has applied a view at least that new.
 */
async function writeClusterFile(w: DemoWorld, path: string, extra: string[]): Promise<void> {
  const written = Date.now();
  writeFileSync(path + '.tmp', [clusterFile(w.plan), ...extra].join('---\n'));
  renameSync(path + '.tmp', path);
  for (const n of w.plan.nodes) {
    await waitFor(`${n.name}'s policy controller to apply the change`, async () => {
      const st = await agentGet<{ health: { controllers: { name: string; lastSyncAt?: string }[] } }>(w.sockets.get(n.name)!, '/api/v1/status');
      const np = st.health.controllers.find((c) => c.name === 'netpol');
      return !np || (np.lastSyncAt !== undefined && Date.parse(np.lastSyncAt) >= written);
    }, { timeoutMs: 20_000 });
  }
}

/** CNI ADD of the bridge plugin, in the node's namespace, for the pod's namespace. */
async function cniAdd(node: Netns, pod: Netns, p: DemoPod, conflistPath: string): Promise<string> {
  const conflist = JSON.parse(readFileSync(conflistPath, 'utf8')) as { cniVersion: string; name: string; plugins: Record<string, unknown>[] };
  const bridge = conflist.plugins.find((x) => x.type === 'bridge');
  if (!bridge) throw new Error(`${conflistPath}: no bridge plugin`);
  const netconf = JSON.stringify({ cniVersion: conflist.cniVersion, name: conflist.name, ...bridge });
  const { stdout } = await node.lab.runWithInput(
    'ip',
    ['netns', 'exec', node.name, 'env', 'CNI_COMMAND=ADD', `CNI_CONTAINERID=${p.name}`, `CNI_NETNS=/var/run/netns/${pod.name}`, 'CNI_IFNAME=eth0', 'CNI_PATH=/usr/lib/cni', '/usr/lib/cni/bridge'],
    netconf,
  );
  const result = JSON.parse(stdout) as { ips?: { address: string }[]; code?: number; msg?: string };
  if (!result.ips?.length) throw new Error(`CNI ADD for ${p.name} failed: ${stdout}`);
  return result.ips[0].address.split('/')[0];
}

interface PeerJson { address: string; state: string; prefixesAccepted: number }

export async function waitConverged(w: DemoWorld, timeoutMs = 60_000): Promise<void> {
  const cidrs = w.plan.nodes.map((n) => n.podCIDR);
  for (const n of w.plan.nodes) {
    await waitFor(`${n.name}: all BGP sessions Established and every other podCIDR in its FIB`, async () => {
      const peers = await agentGet<PeerJson[]>(w.sockets.get(n.name)!, '/api/v1/bgp/peers');
      if (peers.length !== w.plan.nodes.length || peers.some((p) => p.state !== 'Established')) return false;
      const fib = await fibPrefixes(w.nodeNs.get(n.name)!, w.routeProtocol);
      return cidrs.filter((c) => c !== n.podCIDR).every((c) => fib.has(c));
    }, { timeoutMs });
  }
  await waitFor('the ToR to learn every podCIDR', async () => {
    const learned = await torPrefixes(w);
    return cidrs.every((c) => learned.has(c));
  }, { timeoutMs });
}

export async function fibPrefixes(ns: Netns, protocol: number): Promise<Set<string>> {
  const { stdout } = await ns.ip('-j', 'route', 'show', 'proto', String(protocol));
  const routes = JSON.parse(stdout || '[]') as { dst: string }[];
  return new Set(routes.map((r) => r.dst));
}

/** podCIDRs the ToR learned over BGP from the nodes (`birdc show route`, BGP protocols only). */
export async function torPrefixes(w: DemoWorld): Promise<Set<string>> {
  const { stdout } = await w.tor.exec('/usr/sbin/birdc', ['-s', w.lab.path('tor-bird.ctl'), 'show', 'route']);
  const all = new Set<string>();
  for (const m of stdout.matchAll(/^(\d+\.\d+\.\d+\.\d+\/\d+)\s+unicast \[node_\d+/gm)) all.add(m[1]);
  return all;
}

/** Local TCP forwarders 127.0.0.1:<port> → each agent's unix socket, so a browser can open the dashboard. */
export async function statusForwarders(w: DemoWorld, firstPort: number): Promise<{ urls: Map<string, string>; close(): void }> {
  const fwds: Forwarder[] = [];
  const urls = new Map<string, string>();
  for (const [i, n] of w.plan.nodes.entries()) {
    const f = await forwardTcpToUnix(w.sockets.get(n.name)!, firstPort + i);
    fwds.push(f);
    urls.set(n.name, f.url);
  }
  return { urls, close: () => fwds.forEach((f) => void f.close()) };
}

export function formatTable(results: CheckResult[]): string {
  const rows = results.map((r) => [r.ok ? 'ok' : 'FAIL', r.check, r.from, r.to, r.measured]);
  const head = ['', 'check', 'from', 'to', 'measured'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const lab = new Lab('prd');
  let code = 1;
  try {
    const world = await buildDemo(opts, lab);
    const results = await runChecks(world);
    opts.out('');
    opts.out(formatTable(results));
    const failed = results.filter((r) => !r.ok).length;
    opts.out('');
    opts.out(failed === 0 ? `all ${results.length} checks passed` : `${failed} of ${results.length} checks FAILED`);
    code = failed === 0 ? 0 : 1;
    if (opts.keep) {
      const fwd = await statusForwarders(world, opts.statusPort);
      opts.out('');
      opts.out('the demo keeps running; Ctrl-C removes everything. Status of each node:');
      for (const [node, url] of fwd.urls) opts.out(`  ${node}: dashboard ${url}   CLI: podroute status --api ${url}`);
      opts.out(`  namespaces: ip netns list | grep ${lab.id}   e.g. ip netns exec ${world.nodeNs.get('node-1')!.name} ip route`);
      await new Promise<void>((r) => {
        process.once('SIGINT', () => r());
        process.once('SIGTERM', () => r());
      });
      fwd.close();
    }
  } finally {
    await lab.dispose();
    opts.out('removed every namespace and process the demo made');
  }
  return code;
}

export { PKG_ROOT };
