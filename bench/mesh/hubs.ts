// The hubs under test: one speaker in the hub namespace (AS 64512, HUB address) with N passive iBGP
// peers (the cluster's addresses), originating one /24 (the node's podCIDR). `change` rewrites the
// config so the old prefix is replaced by a new one and returns the wall-clock ms at which the
// hub was told (SIGHUP for podroute, `configure` on BIRD's control socket, `gobgp global rib add`
// then `del` for GoBGP, which has no static routes in its config); a config file is written before.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { waitFor, type Lab, type Netns } from '../../test/harness/netns.js';
import { fetchJson } from '../../src/observe/client.js';
import { now } from '../bgp-receive/injector.js';
import { BirdSocket } from '../bgp-receive/control-sockets.js';
import { Gobgp } from '../../test/harness/peers/gobgp.js';

export const HUB = { address: '10.200.0.1', asn: 64512 };
export const TIMERS = { holdTime: 90, keepalive: 30 };

export interface HubHandle {
  pid: number;
  change(oldPrefix: string, newPrefix: string): Promise<number>;
  close(): void;
}

export interface Hub {
  name: string;
  unavailable(): string | undefined;
  start(lab: Lab, ns: Netns, peers: string[], prefix: string): Promise<HubHandle>;
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const podroute: Hub = {
  name: 'podroute',
  unavailable: () => (existsSync(`${REPO}dist/src/cli/main.js`) ? undefined : 'not built (npm run build)'),
  async start(lab, ns, peers, prefix) {
    const conf = lab.path('podroute.yaml');
    const sock = lab.path('podroute.sock');
    const write = (originate: string[]): void => writeFileSync(conf, stringify({
      asn: HUB.asn, routerId: HUB.address, listen: { address: HUB.address, port: 179 },
      peers: peers.map((address) => ({ address, asn: HUB.asn, passive: true, holdTime: TIMERS.holdTime, keepaliveTime: TIMERS.keepalive })),
      originate,
    }));
    write([prefix]);
    // Log level warn: 500 sessions' info lines are not what a node agent's idle CPU should be measured with.
    const p = ns.spawn('podroute-hub', process.execPath, [`${REPO}bin/podroute.js`, 'bgp', 'run', '--config', conf, '--http', `unix:${sock}`, '--log-level', 'warn']);
    await waitFor('podroute status API', async () => {
      if (!p.running) throw new Error(`podroute exited:\n${p.output().slice(-3000)}`);
      return (await fetchJson<unknown[]>(`unix:${sock}`, '/api/v1/bgp/peers').catch(() => undefined))?.length === peers.length;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    return {
      pid: p.pid,
      async change(_old, next) {
        write([next]);
        const t0 = now();
        process.kill(p.pid, 'SIGHUP');
        return t0;
      },
      close: () => undefined,
    };
  },
};

function birdConfig(peers: string[], prefix: string): string {
  const lines = [
    `router id ${HUB.address};`,
    'protocol device { scan time 10; }',
    `protocol static s4 { ipv4; route ${prefix} blackhole; }`,
    'template bgp node {',
    `  local ${HUB.address} as ${HUB.asn};`,
    '  direct;',
    `  hold time ${TIMERS.holdTime};`,
    `  keepalive time ${TIMERS.keepalive};`,
    '  passive on;',
    '  ipv4 { import all; export where proto = "s4"; next hop self; gateway direct; };',
    '}',
    ...peers.map((a, i) => `protocol bgp n${i} from node { neighbor ${a} as ${HUB.asn}; }`),
  ];
  return `${lines.join('\n')}\n`;
}

const bird: Hub = {
  name: 'bird',
  unavailable: () => (existsSync('/usr/sbin/bird') ? undefined : 'bird2 not installed'),
  async start(lab, ns, peers, prefix) {
    const conf = lab.path('bird.conf');
    const ctl = lab.path('bird.ctl');
    writeFileSync(conf, birdConfig(peers, prefix));
    const p = ns.spawn('bird-hub', '/usr/sbin/bird', ['-f', '-c', conf, '-s', ctl, '-P', lab.path('bird.pid')]);
    await waitFor('BIRD control socket', () => {
      if (!p.running) throw new Error(`bird exited:\n${p.output().slice(-3000)}`);
      return existsSync(ctl);
    }, { timeoutMs: 20_000, intervalMs: 100 });
    const s = await waitFor('BIRD control connection', () => BirdSocket.open(ctl), { timeoutMs: 10_000, intervalMs: 100 });
    return {
      pid: p.pid,
      async change(_old, next) {
        writeFileSync(conf, birdConfig(peers, next));
        const t0 = now();
        const out = await s.command('configure');
        if (!/Reconfigured|Reconfiguration in progress/.test(out)) throw new Error(`birdc configure failed: ${out}`);
        return t0;
      },
      close: () => s.close(),
    };
  },
};

const gobgp: Hub = {
  name: 'gobgp',
  unavailable: () => (existsSync('/usr/bin/gobgpd') ? undefined : 'gobgpd not installed'),
  async start(_lab, ns, peers, prefix) {
    // The test harness's adapter: passive neighbors, keepalive = hold / 3; the prefix is added over the API.
    const d = await Gobgp.start(ns, {
      asn: HUB.asn, routerId: HUB.address, listenAddress: HUB.address,
      neighbors: peers.map((address) => ({ address, asn: HUB.asn, passive: true, holdTime: TIMERS.holdTime })),
    });
    // With 500 neighbors gobgpd answers "bgp server hasn't started yet" for a while after its API is up.
    await waitFor('gobgpd accepting routes', async () => { await d.announce(prefix); return true; }, { timeoutMs: 30_000, intervalMs: 200 });
    return {
      pid: d.pid,
      async change(old, next) {
        const t0 = now();
        await d.announce(next);
        await d.withdraw(old);
        return t0;
      },
      close: () => undefined,
    };
  },
};

export const HUBS: Record<string, Hub> = { podroute, bird, gobgp };
