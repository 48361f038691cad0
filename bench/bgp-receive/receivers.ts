// The receivers under test, each started inside the receiver namespace as AS 65000 / 10.255.0.2
// with the injector (10.255.0.1, AS 65001) as its only neighbor, exporting nothing, and each with
// a cheap way to read how many prefixes it has taken in from that neighbor.
import { existsSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { waitFor, type Lab, type Netns } from '../../test/harness/netns.js';
import { Bird } from '../../test/harness/peers/bird.js';
import { Frr } from '../../test/harness/peers/frr.js';
import { Gobgp } from '../../test/harness/peers/gobgp.js';
import type { DaemonConfig } from '../../test/harness/peers/types.js';
import { BirdSocket, FrrVtySocket } from './control-sockets.js';

export const INJECTOR = { address: '10.255.0.1', asn: 65001 };
export const RECEIVER = { address: '10.255.0.2', asn: 65000 };

export interface ReceiverHandle {
  pid: number;
  /** Prefixes the receiver holds from the injector. */
  count(): Promise<number>;
  close(): void;
}

export interface Receiver {
  name: string;
  /** Why it cannot run here, or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  start(lab: Lab, ns: Netns): Promise<ReceiverHandle>;
}

const daemonConfig = (): DaemonConfig => ({
  asn: RECEIVER.asn, routerId: RECEIVER.address, listenAddress: RECEIVER.address, importOnly: true,
  neighbors: [{ address: INJECTOR.address, asn: INJECTOR.asn, holdTime: 180, localAddress: RECEIVER.address }],
});

const bird: Receiver = {
  name: 'bird',
  unavailable: async () => (existsSync('/usr/sbin/bird') ? undefined : 'bird2 not installed'),
  async start(_lab, ns) {
    const d = await Bird.start(ns, daemonConfig());
    const sock = await BirdSocket.open(d.sock);
    const proto = d.protoName(INJECTOR.address);
    return { pid: d.pid, count: () => sock.imported(proto), close: () => sock.close() };
  },
};

const frr: Receiver = {
  name: 'frr',
  unavailable: async () => (existsSync('/usr/lib/frr/bgpd') ? undefined : 'frr not installed'),
  async start(_lab, ns) {
    const d = await Frr.start(ns, daemonConfig());
    const sock = await FrrVtySocket.open(`${d.dir}/bgpd.vty`);
    return { pid: d.pid, count: () => sock.received(INJECTOR.address), close: () => sock.close() };
  },
};

const gobgp: Receiver = {
  name: 'gobgp',
  unavailable: async () => (existsSync('/usr/bin/gobgpd') ? undefined : 'gobgpd not installed'),
  async start(_lab, ns) {
    const d = await Gobgp.start(ns, daemonConfig());
    return { pid: d.pid, count: async () => (await d.received(INJECTOR.address)).received, close: () => undefined };
  },
};

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PODROUTE = `${REPO}bin/podroute.js`;

interface PeerStatus { address: string; prefixesReceived?: number; prefixesAccepted?: number }

const podroute: Receiver = {
  name: 'podroute',
  async unavailable() {
    if (!existsSync(`${REPO}dist/src/cli/main.js`)) return 'skipped: not built yet';
    const { main } = (await import(`${REPO}dist/src/cli/main.js`)) as { main: (argv: string[]) => Promise<number> };
    // `podroute help` lists the commands; without `bgp` there is nothing to run yet. Its output is
    // swallowed: only whether "bgp" appears matters.
    const write = process.stdout.write;
    let usage = '';
    process.stdout.write = ((s: string) => { usage += s; return true; }) as typeof process.stdout.write;
    try { await main(['help']); } finally { process.stdout.write = write; }
    return /\bbgp\b/.test(usage) ? undefined : 'skipped: not built yet';
  },
  async start(lab, ns) {
    const config = lab.path('podroute.yaml');
    writeFileSync(config, [
      `asn: ${RECEIVER.asn}`, `routerId: ${RECEIVER.address}`, `listen: { address: ${RECEIVER.address}, port: 179 }`,
      `peers: [ { address: ${INJECTOR.address}, asn: ${INJECTOR.asn} } ]`, 'originate: []', '',
    ].join('\n'));
    const port = 18179;
    const p = ns.spawn('podroute', process.execPath, [PODROUTE, 'bgp', 'run', '--config', config, '--http', `127.0.0.1:${port}`]);
    // The HTTP API listens on the namespace's loopback, which this process cannot reach; socat
    // inside the namespace bridges it to a unix socket in the Lab dir (unix sockets cross namespaces).
    const sockPath = lab.path('podroute-http.sock');
    ns.spawn('podroute-socat', '/usr/bin/socat', [`UNIX-LISTEN:${sockPath},fork,reuseaddr`, `TCP:127.0.0.1:${port}`]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const peers = (): Promise<PeerStatus[]> => new Promise((resolve, reject) => {
      get({ socketPath: sockPath, path: '/api/v1/bgp/peers', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { body += d; });
        res.on('end', () => { try { resolve(JSON.parse(body) as PeerStatus[]); } catch (e) { reject(e as Error); } });
      }).on('error', reject);
    });
    await waitFor('podroute HTTP API', async () => {
      if (!p.running) throw new Error(`podroute exited:\n${p.output()}`);
      return (await peers()).some((x) => x.address === INJECTOR.address);
    }, { timeoutMs: 20_000, intervalMs: 100 });
    return {
      pid: p.pid, close: () => agent.destroy(),
      async count() {
        const peer = (await peers()).find((x) => x.address === INJECTOR.address);
        // Counted only once accepted too, when the API reports it: received alone is not "in the RIB".
        return Math.min(peer?.prefixesReceived ?? 0, peer?.prefixesAccepted ?? Infinity);
      },
    };
  },
};

export const RECEIVERS: Record<string, Receiver> = { bird, frr, gobgp, podroute };
