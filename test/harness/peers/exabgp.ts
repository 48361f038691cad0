// ExaBGP adapter. ExaBGP keeps no RIB to query, so it is given an API process (a tiny Python
// helper written next to its config) that
//  - copies every JSON message ExaBGP emits (neighbor state changes, parsed UPDATEs) to a file,
//    which routes()/neighborState() replay into a view of what was received, and
//  - forwards lines written to a named pipe to ExaBGP's stdin, so announce/withdraw work at runtime.
// Quirks: ExaBGP drops privileges to `nobody` unless told `exabgp.daemon.user=root` (then the
// helper cannot write into our temp dir); it only listens when `exabgp.tcp.bind` is set; and it needs
// `local-address` for every neighbor.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary, run, waitFor, type Netns } from '../netns.js';
import { DaemonInstance, splitCommunity } from './instance.js';
import {
  familyOf, neighborFamilies, parseOrigin,
  type BgpDaemon, type DaemonConfig, type Family, type NeighborState, type Originate, type Route, type RouteAttrs,
} from './types.js';

const EXABGP = '/usr/sbin/exabgp';

const HELPER = `import os, sys, threading
fifo, out, ready = sys.argv[1], sys.argv[2], sys.argv[3]
# O_RDWR: opening never blocks and the pipe never reports EOF when a writer closes.
fd = os.open(fifo, os.O_RDWR)
open(ready, 'w').close()
def feed():
    with os.fdopen(fd) as f:
        for line in f:
            sys.stdout.write(line)
            sys.stdout.flush()
threading.Thread(target=feed, daemon=True).start()
with open(out, 'a') as o:
    for line in sys.stdin:
        o.write(line)
        o.flush()
`;

export class Exabgp extends DaemonInstance implements BgpDaemon {
  readonly kind = 'exabgp' as const;
  private readonly confPath: string;
  private readonly fifo: string;
  private readonly recvPath: string;
  private readonly readyPath: string;

  constructor(ns: Netns, config: DaemonConfig) {
    super(ns, config, 'exabgp');
    for (const n of config.neighbors) if (!n.localAddress) throw new Error(`harness: ExaBGP needs localAddress for neighbor ${n.address}`);
    this.confPath = join(this.dir, 'exabgp.conf');
    this.fifo = join(this.dir, 'cmd.fifo');
    this.recvPath = join(this.dir, 'received.jsonl');
    this.readyPath = join(this.dir, 'helper.ready');
    writeFileSync(join(this.dir, 'helper.py'), HELPER);
  }

  static async start(ns: Netns, config: DaemonConfig): Promise<Exabgp> {
    requireBinary(EXABGP, 'exabgp');
    const e = new Exabgp(ns, config);
    await run('mkfifo', [e.fifo]);
    await e.launch();
    return e;
  }

  private async launch(): Promise<void> {
    writeFileSync(this.confPath, this.render());
    const c = this.config;
    const binds = c.listenAddress ? [c.listenAddress] : [...new Set(c.neighbors.map((n) => n.localAddress as string))];
    this.proc = this.ns.spawn(`exabgp-${this.dir.split('-').pop()}`, EXABGP, [this.confPath], {
      env: {
        'exabgp.daemon.user': 'root', 'exabgp.daemon.drop': 'false', 'exabgp.daemon.daemonize': 'false',
        'exabgp.daemon.pid': join(this.dir, 'exabgp.pid'), 'exabgp.api.cli': 'false', 'exabgp.api.ack': 'false',
        'exabgp.log.destination': 'stdout', 'exabgp.tcp.bind': binds.join(' '), 'exabgp.tcp.port': String(c.listenPort ?? 179),
      },
    });
    await waitFor('ExaBGP API helper', () => { this.assertRunning(); return existsSync(this.readyPath); }, { timeoutMs: 15_000, intervalMs: 100 });
  }

  render(): string {
    const c = this.config;
    const lines = ['process ctl {', `  run /usr/bin/python3 ${join(this.dir, 'helper.py')} ${this.fifo} ${this.recvPath} ${this.readyPath};`, '  encoder json;', '}'];
    for (const n of c.neighbors) {
      const fams = neighborFamilies(n);
      lines.push(`neighbor ${n.address} {`, `  router-id ${c.routerId};`, `  local-address ${n.localAddress};`,
        `  local-as ${c.asn};`, `  peer-as ${n.asn};`, `  hold-time ${n.holdTime ?? 9};`);
      if (n.port) lines.push(`  peer-port ${n.port};`);
      if (n.passive) lines.push('  passive true;');
      lines.push(`  family { ${fams.map((f) => `${f} unicast;`).join(' ')} }`,
        '  api { processes [ ctl ]; neighbor-changes; receive { parsed; update; } }', '  static {');
      for (const o of this.originated.values()) if (fams.includes(familyOf(o.prefix))) lines.push(`    ${routeSpec(o)};`);
      lines.push('  }', '}');
    }
    return `${lines.join('\n')}\n`;
  }

  private async command(line: string): Promise<void> {
    this.assertRunning();
    await appendFile(this.fifo, `${line}\n`);
  }

  private messages(): ExaMessage[] {
    if (!existsSync(this.recvPath)) return [];
    return readFileSync(this.recvPath, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ExaMessage);
  }

  async routes(family?: Family): Promise<Route[]> {
    // Replay the message log: a session going down forgets what that neighbor sent.
    const rib = new Map<string, Route>();
    for (const m of this.messages()) {
      const peer = m.neighbor?.address?.peer ?? '';
      if (m.type === 'state' && m.neighbor?.state !== 'up') {
        for (const k of [...rib.keys()]) if (k.startsWith(`${peer} `)) rib.delete(k);
      }
      const u = m.type === 'update' ? m.neighbor?.message?.update : undefined;
      if (!u) continue;
      for (const nlris of Object.values(u.withdraw ?? {})) for (const n of nlris) rib.delete(`${peer} ${n.nlri}`);
      for (const byHop of Object.values(u.announce ?? {})) {
        for (const [nextHop, nlris] of Object.entries(byHop)) for (const n of nlris) rib.set(`${peer} ${n.nlri}`, toRoute(n.nlri, nextHop, u.attribute ?? {}));
      }
    }
    return [...rib.values()].filter((r) => !family || familyOf(r.prefix) === family);
  }

  async neighborState(address: string): Promise<NeighborState> {
    const states = this.messages().filter((m) => m.type === 'state' && m.neighbor?.address?.peer === address);
    const last = states.at(-1)?.neighbor?.state;
    if (!last) return 'unknown';
    return last === 'up' ? 'established' : last === 'connected' ? 'opensent' : 'idle';
  }

  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    await this.command(`announce ${routeSpec(this.remember(prefix, attrs))}`);
  }

  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.command(`withdraw route ${prefix} next-hop self`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

function routeSpec(o: Originate): string {
  const parts = [`route ${o.prefix} next-hop self`];
  if (o.communities?.length) parts.push(`community [ ${o.communities.map((c) => splitCommunity(c, 2).join(':')).join(' ')} ]`);
  if (o.largeCommunities?.length) parts.push(`large-community [ ${o.largeCommunities.map((c) => splitCommunity(c, 3).join(':')).join(' ')} ]`);
  if (o.med !== undefined) parts.push(`med ${o.med}`);
  return parts.join(' ');
}

interface ExaAttrs {
  origin?: string; 'as-path'?: (number | number[])[]; med?: number; 'local-preference'?: number;
  community?: [number, number][]; 'large-community'?: [number, number, number][];
}
interface ExaMessage {
  type: string;
  neighbor?: {
    address?: { local?: string; peer?: string };
    state?: string;
    message?: { update?: { attribute?: ExaAttrs; announce?: Record<string, Record<string, { nlri: string }[]>>; withdraw?: Record<string, { nlri: string }[]> } };
  };
}

function toRoute(prefix: string, nextHop: string, a: ExaAttrs): Route {
  return {
    prefix, nextHop,
    asPath: (a['as-path'] ?? []).flat(),
    origin: parseOrigin(a.origin ?? 'incomplete'),
    ...(a.med !== undefined ? { med: a.med } : {}),
    ...(a['local-preference'] !== undefined ? { localPref: a['local-preference'] } : {}),
    communities: (a.community ?? []).map((c) => c.join(':')),
    largeCommunities: (a['large-community'] ?? []).map((c) => c.join(':')),
  };
}
