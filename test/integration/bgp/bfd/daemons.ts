// BIRD and FRR configured for BFD, for these tests only: the shared adapters in test/harness/peers
// have no BFD, and FRR's BFD needs three daemons (bgpd registers its neighbours with bfdd through
// zebra), where the shared adapter runs bgpd alone. Each instance has its own directory, sockets
// and pid files in the Lab; nothing here touches the host.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, run, waitFor, type Netns, type NsProcess } from '../../../harness/netns.js';

export interface BfdPeerSetup {
  asn: number;
  routerId: string;
  /** The daemon's address on the session (IPv4 or IPv6). */
  local: string;
  /** Our (podroute's) address and ASN. */
  neighbor: string;
  neighborAsn: number;
  holdTime: number;
  bfd: { minTx: number; minRx: number; multiplier: number };
}

let counter = 0;

abstract class Daemon {
  readonly dir: string;
  protected procs: NsProcess[] = [];
  constructor(readonly ns: Netns, protected readonly c: BfdPeerSetup, kind: string) {
    this.dir = ns.lab.path(`bfd-${kind}-${++counter}`);
    mkdirSync(this.dir, { recursive: true });
  }
  abstract bfdState(): Promise<string>;
  abstract bgpState(): Promise<string>;
  logs(): string { return this.procs.map((p) => `--- ${p.name}\n${p.output().slice(-3000)}`).join('\n'); }
  async stop(): Promise<void> { for (const p of [...this.procs].reverse()) await p.stop(); }
  protected assertRunning(): void {
    for (const p of this.procs) if (!p.running) throw new Error(`${p.name} exited:\n${this.logs()}`);
  }
}

export class BfdBird extends Daemon {
  private readonly sock: string;
  constructor(ns: Netns, c: BfdPeerSetup) {
    super(ns, c, 'bird');
    this.sock = join(this.dir, 'bird.ctl');
  }

  static async start(ns: Netns, c: BfdPeerSetup): Promise<BfdBird> {
    requireBinary('/usr/sbin/bird', 'bird2');
    const b = new BfdBird(ns, c);
    const conf = join(b.dir, 'bird.conf');
    writeFileSync(conf, [
      `router id ${c.routerId};`,
      'protocol device { scan time 10; }',
      `protocol bfd { interface "*" { min rx interval ${c.bfd.minRx} ms; min tx interval ${c.bfd.minTx} ms; multiplier ${c.bfd.multiplier}; }; }`,
      'protocol bgp n0 {',
      `  local ${c.local} as ${c.asn};`,
      `  neighbor ${c.neighbor} as ${c.neighborAsn};`,
      '  direct;',
      `  hold time ${c.holdTime};`,
      '  connect retry time 1;',
      '  error wait time 1, 5;',
      '  bfd on;',
      `  ${c.neighbor.includes(':') ? 'ipv6' : 'ipv4'} { import all; export none; };`,
      '}',
      '',
    ].join('\n'));
    b.procs.push(ns.spawn(`bird-bfd-${counter}`, '/usr/sbin/bird', ['-f', '-c', conf, '-s', b.sock, '-P', join(b.dir, 'bird.pid')]));
    await waitFor('BIRD control socket', async () => { b.assertRunning(); return (await b.birdc('show', 'status')).includes('Daemon is up'); }, { timeoutMs: 10_000, intervalMs: 100 });
    return b;
  }

  private async birdc(...args: string[]): Promise<string> {
    return (await run('/usr/sbin/birdc', ['-s', this.sock, ...args])).stdout;
  }

  /** The BFD session toward our address: Up, Down, Init, AdminDown, or 'none'. */
  async bfdState(): Promise<string> {
    const out = await this.birdc('show', 'bfd', 'sessions');
    const line = out.split('\n').find((l) => l.trim().startsWith(`${this.c.neighbor} `));
    return line ? line.trim().split(/\s+/)[2] : 'none';
  }

  async bgpState(): Promise<string> {
    const out = await this.birdc('show', 'protocols', 'n0');
    const line = out.split('\n').find((l) => l.startsWith('n0 '));
    return line?.trim().split(/\s+/)[5] ?? 'unknown';
  }
}

export class BfdFrr extends Daemon {
  static async start(ns: Netns, c: BfdPeerSetup): Promise<BfdFrr> {
    for (const d of ['zebra', 'bfdd', 'bgpd']) requireBinary(`/usr/lib/frr/${d}`, 'frr');
    const f = new BfdFrr(ns, c, 'frr');
    const zsock = join(f.dir, 'zserv.api');
    const common = (d: string) => ['-f', join(f.dir, `${d}.conf`), '-i', join(f.dir, `${d}.pid`), '-z', zsock, '--vty_socket', f.dir, '-P', '0'];
    writeFileSync(join(f.dir, 'zebra.conf'), `hostname z\nlog file ${join(f.dir, 'zebra.log')}\n`);
    writeFileSync(join(f.dir, 'bfdd.conf'), [
      'hostname b', `log file ${join(f.dir, 'bfdd.log')}`,
      'bfd',
      ` peer ${c.neighbor} local-address ${c.local} interface eth0`,
      `  detect-multiplier ${c.bfd.multiplier}`, `  receive-interval ${c.bfd.minRx}`, `  transmit-interval ${c.bfd.minTx}`,
      ' exit', 'exit', '',
    ].join('\n'));
    writeFileSync(join(f.dir, 'bgpd.conf'), [
      'frr defaults traditional', 'hostname g', `log file ${join(f.dir, 'bgpd.log')}`,
      `router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`, ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
      ` neighbor ${c.neighbor} remote-as ${c.neighborAsn}`,
      ` neighbor ${c.neighbor} timers ${Math.floor(c.holdTime / 3)} ${c.holdTime}`,
      ` neighbor ${c.neighbor} timers connect 1`,
      ` neighbor ${c.neighbor} bfd`,
      ` address-family ${c.neighbor.includes(':') ? 'ipv6' : 'ipv4'} unicast`, `  neighbor ${c.neighbor} activate`, ' exit-address-family', '',
    ].join('\n'));
    f.procs.push(ns.spawn(`zebra-bfd-${counter}`, '/usr/lib/frr/zebra', [...common('zebra'), '-u', 'root', '-g', 'frrvty']));
    await waitFor('zebra socket', () => { f.assertRunning(); return run('test', ['-S', zsock]).then(() => true, () => false); }, { timeoutMs: 10_000, intervalMs: 100 });
    f.procs.push(ns.spawn(`bfdd-${counter}`, '/usr/lib/frr/bfdd', [...common('bfdd'), '-u', 'root', '-g', 'frrvty', '--bfdctl', join(f.dir, 'bfdd.sock')]));
    f.procs.push(ns.spawn(`bgpd-bfd-${counter}`, '/usr/lib/frr/bgpd', [...common('bgpd'), '-n', '-S', '-p', '179', '-l', c.local]));
    await waitFor('FRR bfdd and bgpd vty', async () => {
      f.assertRunning();
      return (await f.vtysh('bgpd', 'show bgp summary json')).includes('{') && (await f.vtysh('bfdd', 'show bfd peers json')).includes('[');
    }, { timeoutMs: 15_000, intervalMs: 200 });
    return f;
  }

  private async vtysh(daemon: string, cmd: string): Promise<string> {
    return (await run('/usr/bin/vtysh', ['--vty_socket', this.dir, '-d', daemon, '-c', cmd]).catch((e: Error) => ({ stdout: e.message }))).stdout;
  }

  async bfdState(): Promise<string> {
    const peers = JSON.parse(await this.vtysh('bfdd', 'show bfd peers json')) as { peer: string; status: string }[];
    return peers.find((p) => p.peer === this.c.neighbor)?.status ?? 'none';
  }

  async bgpState(): Promise<string> {
    const j = JSON.parse(await this.vtysh('bgpd', `show bgp neighbors ${this.c.neighbor} json`)) as Record<string, { bgpState?: string }>;
    return j[this.c.neighbor]?.bgpState ?? 'unknown';
  }

  override logs(): string {
    return super.logs() + ['bfdd.log', 'bgpd.log', 'zebra.log'].map((l) => join(this.dir, l)).filter((l) => existsSync(l))
      .map((l) => `\n--- ${l}\n${readFileSync(l, 'utf8').slice(-3000)}`).join('');
  }
}
