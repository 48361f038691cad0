// A node in network namespaces: a "node" namespace with a bridge (10.77.0.0/24, fd77::/64) and a
// routed link to an "outside" namespace (10.78.0.2 and .3, fd78::2), plus one namespace per pod on
// the bridge. Every namespace runs agent.mjs (serves ports, makes probes). All names carry
// np-<pid>-<n> so parallel runs never meet; destroy() kills our agents by PID and deletes our
// namespaces, which takes their links, addresses, routes, ipsets and iptables with them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { hostRunner, runOk } from '../../../src/netfilter/exec.js';

const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.mjs');
let counter = 0;

export interface Serve {
  tcp?: number[];
  udp?: number[];
}

export class Agent {
  private nextId = 1;
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  constructor(readonly ns: string, readonly proc: ChildProcess, readonly ips: string[]) {}

  static start(ns: string, ips: string[], serve: Serve): Promise<Agent> {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, AGENT, JSON.stringify(serve)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const agent = new Agent(ns, proc, ips);
    return new Promise((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`agent in ${ns} exited ${code}`)));
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as { ready?: boolean; id?: number; ok?: boolean; err?: string };
        if (m.ready === true) resolve(agent);
        else if (m.ready === false) reject(new Error(`agent in ${ns}: ${m.err}`));
        else if (m.id !== undefined) {
          agent.waiting.get(m.id)?.(m.ok === true);
          agent.waiting.delete(m.id);
        }
      });
    });
  }

  probe(proto: 'tcp' | 'udp', host: string, port: number, opts: { local?: string; timeoutMs?: number } = {}): Promise<boolean> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.proc.stdin!.write(JSON.stringify({ id, proto, host, port, timeoutMs: opts.timeoutMs ?? 700, local: opts.local }) + '\n');
    });
  }

  stop(): void {
    if (this.proc.exitCode === null && this.proc.pid !== undefined) {
      this.proc.removeAllListeners('exit');
      this.proc.kill('SIGKILL');
    }
  }
}

async function ip(...args: string[]): Promise<void> {
  await runOk(hostRunner, ['ip', ...args]);
}

export class Topology {
  readonly prefix: string;
  readonly node: string;
  readonly ext: string;
  readonly namespaces: string[] = [];
  readonly agents: Agent[] = [];
  extAgent!: Agent;
  private pods = 0;

  private constructor() {
    this.prefix = `np-${process.pid}-${++counter}`;
    this.node = `${this.prefix}-node`;
    this.ext = `${this.prefix}-ext`;
  }

  static async create(extServe: Serve): Promise<Topology> {
    if (process.getuid?.() !== 0) throw new Error('netpol integration tests need root (network namespaces)');
    const t = new Topology();
    try {
      await t.setup(extServe);
    } catch (e) {
      await t.destroy();
      throw e;
    }
    return t;
  }

  /** Run a command inside a namespace of ours. */
  exec(ns: string, argv: string[], stdin?: string): Promise<string> {
    return runOk(hostRunner, ['ip', 'netns', 'exec', ns, ...argv], stdin);
  }

  private async addNs(name: string): Promise<void> {
    await ip('netns', 'add', name);
    this.namespaces.push(name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  }

  private async setup(extServe: Serve): Promise<void> {
    const n = this.node;
    await this.addNs(n);
    await this.addNs(this.ext);
    await this.exec(n, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    // Bridged pod-to-pod traffic must cross iptables FORWARD, as on a kube-router node.
    await this.exec(n, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1', 'net.bridge.bridge-nf-call-ip6tables=1']);
    await ip('-n', n, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', n, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0');
    await ip('-n', n, 'addr', 'add', 'fd77::1/64', 'dev', 'br0', 'nodad');
    await ip('-n', n, 'link', 'set', 'br0', 'up');
    const e = this.ext;
    await ip('-n', e, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'ext0', 'netns', n);
    await ip('-n', n, 'addr', 'add', '10.78.0.1/24', 'dev', 'ext0');
    await ip('-n', n, 'addr', 'add', 'fd78::1/64', 'dev', 'ext0', 'nodad');
    await ip('-n', n, 'link', 'set', 'ext0', 'up');
    await ip('-n', e, 'addr', 'add', '10.78.0.2/24', 'dev', 'eth0');
    await ip('-n', e, 'addr', 'add', '10.78.0.3/24', 'dev', 'eth0');
    await ip('-n', e, 'addr', 'add', 'fd78::2/64', 'dev', 'eth0', 'nodad');
    await ip('-n', e, 'link', 'set', 'eth0', 'up');
    await ip('-n', e, 'route', 'add', 'default', 'via', '10.78.0.1');
    await ip('-n', e, '-6', 'route', 'add', 'default', 'via', 'fd78::1');
    this.extAgent = await Agent.start(e, ['10.78.0.2', '10.78.0.3', 'fd78::2'], extServe);
    this.agents.push(this.extAgent);
  }

  /** A pod namespace on the bridge, with the given last octet (10.77.0.X, fd77::X). */
  async addPod(octet: number, serve: Serve): Promise<Agent> {
    const i = ++this.pods;
    const ns = `${this.prefix}-p${i}`;
    await this.addNs(ns);
    const host = `vp${i}`;
    await ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', host, 'netns', this.node);
    await ip('-n', this.node, 'link', 'set', host, 'master', 'br0');
    await ip('-n', this.node, 'link', 'set', host, 'up');
    const v4 = `10.77.0.${octet}`;
    const v6 = `fd77::${octet.toString(16)}`;
    await ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', 'eth0');
    await ip('-n', ns, 'addr', 'add', `${v6}/64`, 'dev', 'eth0', 'nodad');
    await ip('-n', ns, 'link', 'set', 'eth0', 'up');
    await ip('-n', ns, 'route', 'add', 'default', 'via', '10.77.0.1');
    await ip('-n', ns, '-6', 'route', 'add', 'default', 'via', 'fd77::1');
    const a = await Agent.start(ns, [v4, v6], serve);
    this.agents.push(a);
    return a;
  }

  async destroy(): Promise<void> {
    for (const a of this.agents) a.stop();
    for (const ns of this.namespaces.reverse()) await hostRunner(['ip', 'netns', 'del', ns]);
    this.namespaces.length = 0;
  }
}
