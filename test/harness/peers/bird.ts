// BIRD 2 adapter: `bird -f` in the namespace with its own config, control socket and pid file;
// queried with `birdc -s`. Routes to originate are static blackhole routes exported to BGP only;
// the kernel protocols import and export nothing, so BIRD never touches the namespace's FIB.
// Runtime announce/withdraw rewrites the config and runs `birdc configure` (BIRD has no
// "add route" command), which reconfigures without dropping sessions.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, run, waitFor, type Netns } from '../netns.js';
import { DaemonInstance, splitCommunity } from './instance.js';
import {
  familyOf, neighborFamilies, normalizeState, parseOrigin,
  type BgpDaemon, type DaemonConfig, type Family, type NeighborState, type Originate, type Route, type RouteAttrs,
} from './types.js';

const BIRD = '/usr/sbin/bird';
const BIRDC = '/usr/sbin/birdc';

export class Bird extends DaemonInstance implements BgpDaemon {
  readonly kind = 'bird' as const;
  /** BIRD's control socket (birdc -s), also usable directly. */
  readonly sock: string;
  private readonly confPath: string;

  constructor(ns: Netns, config: DaemonConfig) {
    super(ns, config, 'bird');
    this.sock = join(this.dir, 'bird.ctl');
    this.confPath = join(this.dir, 'bird.conf');
  }

  static async start(ns: Netns, config: DaemonConfig): Promise<Bird> {
    requireBinary(BIRD, 'bird2');
    const b = new Bird(ns, config);
    await b.launch();
    return b;
  }

  /** `recovery`: start with `-R` (graceful restart recovery: Restart State and Forwarding bits set). */
  private async launch(recovery = false): Promise<void> {
    writeFileSync(this.confPath, this.render());
    this.proc = this.ns.spawn(`bird-${this.dir.split('-').pop()}`, BIRD, ['-f', '-c', this.confPath, '-s', this.sock, '-P', join(this.dir, 'bird.pid'), ...(recovery ? ['-R'] : [])]);
    await waitFor('BIRD control socket', async () => { this.assertRunning(); return (await this.birdc('show', 'status')).includes('Daemon is up'); }, { timeoutMs: 10_000, intervalMs: 100 });
  }

  /** Protocol names are derived from the neighbor's index, so `neighborState` can find them. */
  protoName(address: string): string {
    const i = this.config.neighbors.findIndex((n) => n.address === address);
    if (i < 0) throw new Error(`harness: ${address} is not a configured neighbor`);
    return `n${i}`;
  }

  render(): string {
    const c = this.config;
    const lines = [
      `router id ${c.routerId};`,
      'protocol device { scan time 10; }',
      // Present only to say so explicitly: nothing goes to or comes from the kernel FIB.
      'protocol kernel k4 { ipv4 { import none; export none; }; learn off; }',
      'protocol kernel k6 { ipv6 { import none; export none; }; learn off; }',
    ];
    for (const fam of ['ipv4', 'ipv6'] as Family[]) {
      const routes = [...this.originated.values()].filter((o) => familyOf(o.prefix) === fam);
      lines.push(`protocol static s${fam === 'ipv4' ? 4 : 6} { ${fam};`);
      for (const o of routes) lines.push(`  route ${o.prefix} blackhole { ${staticAttrs(o)} };`);
      lines.push('}');
    }
    c.neighbors.forEach((n, i) => {
      const local = [c.listenAddress && familyOf(c.listenAddress) === familyOf(n.address) ? c.listenAddress : '',
        c.listenPort && c.listenPort !== 179 ? `port ${c.listenPort}` : '', `as ${c.asn}`].filter(Boolean).join(' ');
      lines.push(`protocol bgp n${i} {`,
        `  local ${local};`,
        `  neighbor ${n.address}${n.port ? ` port ${n.port}` : ''} as ${n.asn};`,
        // iBGP is multihop in BIRD by default; `direct` keeps it on the link like eBGP.
        n.multihop ? `  multihop ${n.multihop};` : '  direct;',
        ...(n.password !== undefined ? [`  password ${JSON.stringify(n.password)};`] : []),
        ...(n.ttlSecurity ? ['  ttl security on;'] : []),
        ...(n.gracefulRestart !== undefined ? ['  graceful restart on;', `  graceful restart time ${n.gracefulRestart};`] : []),
        `  hold time ${n.holdTime ?? 9};`,
        '  connect retry time 1;',
        '  error wait time 1, 5;',
        `  passive ${n.passive ? 'on' : 'off'};`);
      for (const fam of neighborFamilies(n)) {
        // gateway direct: next hops are on the shared link; the default for iBGP (recursive) would
        // need an IGP route to resolve them and leave iBGP routes unreachable here.
        const exp = c.importOnly ? 'none' : `where proto = "s${fam === 'ipv4' ? 4 : 6}"`;
        // (BIRD refuses `gateway direct` on a multihop session: it must resolve next hops recursively.)
        lines.push(`  ${fam} { import all; export ${exp}; next hop self; gateway ${n.multihop ? 'recursive' : 'direct'}; };`);
      }
      lines.push('}');
    });
    return `${lines.join('\n')}\n`;
  }

  private async birdc(...args: string[]): Promise<string> {
    return (await run(BIRDC, ['-s', this.sock, ...args])).stdout;
  }

  async routes(family?: Family): Promise<Route[]> {
    const tables = family ? [family === 'ipv4' ? 'master4' : 'master6'] : ['master4', 'master6'];
    const out: Route[] = [];
    for (const t of tables) out.push(...parseBirdRoutes(await this.birdc('show', 'route', 'all', 'table', t)));
    return out;
  }

  async neighborState(address: string): Promise<NeighborState> {
    const name = this.protoName(address);
    const text = await this.birdc('show', 'protocols', name);
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    if (!line) return 'unknown';
    // Name Proto Table State Since Info: Info is the BGP state when the protocol is not down.
    const cols = line.trim().split(/\s+/);
    const info = cols[5];
    if (info) return normalizeState(info);
    return cols[3] === 'down' ? 'idle' : 'unknown';
  }

  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    this.remember(prefix, attrs);
    await this.reconfigure();
  }

  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.reconfigure();
  }

  private async reconfigure(): Promise<void> {
    writeFileSync(this.confPath, this.render());
    const out = await this.birdc('configure');
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) throw new Error(`harness: birdc configure failed: ${out}`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Dies at once (SIGKILL: no NOTIFICATION, the kernel just closes its sockets). */
  async crash(): Promise<void> {
    this.proc?.killNow();
    await this.proc?.exited;
  }

  /**
   * Starts again after crash(), no longer originating `dropped`: by default with graceful restart
   * recovery (`bird -R`: Restart State and Forwarding State bits set), or as a plain cold start.
   */
  async recover(dropped: string[] = [], opts: { recovery?: boolean } = {}): Promise<void> {
    for (const p of dropped) this.originated.delete(p);
    await this.launch(opts.recovery ?? true);
  }

  /** `birdc` with any arguments, e.g. `show route all` (the stale flag is only in its text). */
  async cli(...args: string[]): Promise<string> {
    return this.birdc(...args);
  }
}

function staticAttrs(o: Originate): string {
  const parts: string[] = [];
  for (const c of o.communities ?? []) parts.push(`bgp_community.add((${splitCommunity(c, 2).join(',')}));`);
  for (const c of o.largeCommunities ?? []) parts.push(`bgp_large_community.add((${splitCommunity(c, 3).join(',')}));`);
  if (o.med !== undefined) parts.push(`bgp_med = ${o.med};`);
  for (const id of o.clusterList ?? []) parts.push(`bgp_cluster_list.add(${id});`);
  return parts.join(' ');
}

/** Parses `show route all` output; only routes learned over BGP are returned. */
export function parseBirdRoutes(text: string): Route[] {
  const routes: Route[] = [];
  let prefix = '';
  let cur: (Route & { bgp: boolean }) | undefined;
  const flush = (): void => { if (cur?.bgp) { const { bgp: _b, ...r } = cur; routes.push(r); } cur = undefined; };
  for (const line of text.split('\n')) {
    const head = /^(\S+)?\s+\S+\s+\[\S+ [^\]]*\]/.exec(line);
    if (head && !line.startsWith('\t') && !line.startsWith('BIRD') && !line.startsWith('Table')) {
      flush();
      if (head[1]) prefix = head[1];
      cur = { prefix, nextHop: '', asPath: [], origin: 'incomplete', communities: [], largeCommunities: [], bgp: false };
      continue;
    }
    if (!cur) continue;
    const attr = /^\s+(?:BGP\.)?([a-z_]+|Type): (.*)$/i.exec(line);
    if (!attr) continue;
    const [, key, value] = attr;
    switch (key) {
      case 'Type': cur.bgp = value.startsWith('BGP'); break;
      case 'origin': cur.origin = parseOrigin(value); break;
      case 'as_path': cur.asPath = value.split(/\s+/).filter((x) => /^\d+$/.test(x)).map(Number); break;
      // IPv6 next hops list the global address, then the link-local one.
      case 'next_hop': cur.nextHop = value.split(/\s+/)[0]; break;
      case 'med': cur.med = Number(value); break;
      case 'local_pref': cur.localPref = Number(value); break;
      case 'community': cur.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`); break;
      case 'large_community': cur.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`); break;
      default: break;
    }
  }
  flush();
  return routes;
}
