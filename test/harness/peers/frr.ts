// FRR adapter: bgpd alone, without zebra (`-Z`) and without kernel installs (`-n`), with its own
// config, pid file and vty socket directory so many instances coexist; queried through
// `vtysh --vty_socket <dir> -d bgpd -c '... json'`. FRR quirks this handles:
// - eBGP routes are dropped without a policy unless `no bgp ebgp-requires-policy`;
// - `network` statements need the route in the RIB unless `no bgp network import-check`;
// - `no bgp default ipv4-unicast` + explicit `activate` per family, or IPv6 never gets negotiated;
// - communities on originated routes come from a route-map on the `network` statement.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, run, waitFor, type Netns } from '../netns.js';
import { DaemonInstance, splitCommunity } from './instance.js';
import {
  familyOf, neighborFamilies, normalizeState, parseOrigin,
  type BgpDaemon, type DaemonConfig, type Family, type NeighborState, type Originate, type Route, type RouteAttrs,
} from './types.js';

const BGPD = '/usr/lib/frr/bgpd';
const VTYSH = '/usr/bin/vtysh';

export class Frr extends DaemonInstance implements BgpDaemon {
  readonly kind = 'frr' as const;
  private readonly confPath: string;
  private readonly logPath: string;
  private routeMapCounter = 0;
  /** The route-map carrying each originated prefix's attributes, by prefix. */
  private readonly routeMaps = new Map<string, string>();

  constructor(ns: Netns, config: DaemonConfig) {
    super(ns, config, 'frr');
    this.confPath = join(this.dir, 'bgpd.conf');
    this.logPath = join(this.dir, 'bgpd.log');
  }

  static async start(ns: Netns, config: DaemonConfig): Promise<Frr> {
    requireBinary(BGPD, 'frr');
    requireBinary(VTYSH, 'frr');
    const f = new Frr(ns, config);
    await f.launch();
    return f;
  }

  protected override logFiles(): string[] { return [this.logPath]; }

  private async launch(): Promise<void> {
    writeFileSync(this.confPath, this.render());
    const c = this.config;
    this.proc = this.ns.spawn(`bgpd-${this.dir.split('-').pop()}`, BGPD, [
      '-f', this.confPath, '-i', join(this.dir, 'bgpd.pid'), '--vty_socket', this.dir,
      '-Z', '-n', '-S', '-P', '0', '-p', String(c.listenPort ?? 179),
      ...(c.listenAddress ? ['-l', c.listenAddress] : []),
    ]);
    await waitFor('FRR bgpd vty socket', async () => { this.assertRunning(); return (await this.vtysh('show bgp summary json')).includes('{'); }, { timeoutMs: 15_000, intervalMs: 100 });
  }

  private routeMapFor(o: Originate): string[] {
    this.routeMaps.delete(o.prefix);
    if (!o.communities?.length && !o.largeCommunities?.length && o.med === undefined) return [];
    const name = `HN-${++this.routeMapCounter}`;
    const sets = [`route-map ${name} permit 10`];
    if (o.communities?.length) { o.communities.forEach((x) => splitCommunity(x, 2)); sets.push(` set community ${o.communities.join(' ')}`); }
    if (o.largeCommunities?.length) { o.largeCommunities.forEach((x) => splitCommunity(x, 3)); sets.push(` set large-community ${o.largeCommunities.join(' ')}`); }
    if (o.med !== undefined) sets.push(` set metric ${o.med}`);
    sets.push('exit');
    this.routeMaps.set(o.prefix, name);
    return sets;
  }

  private networkLine(o: Originate): string {
    const rm = this.routeMaps.get(o.prefix);
    return `network ${o.prefix}${rm ? ` route-map ${rm}` : ''}`;
  }

  render(): string {
    const c = this.config;
    const lines = ['frr defaults traditional', 'hostname hn', `log file ${this.logPath}`, '!'];
    for (const o of this.originated.values()) lines.push(...this.routeMapFor(o));
    if (c.importOnly) lines.push('route-map HN-NONE deny 10', 'exit');
    lines.push(`router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`, ' no bgp ebgp-requires-policy',
      ' no bgp default ipv4-unicast', ' no bgp network import-check');
    for (const n of c.neighbors) {
      lines.push(` neighbor ${n.address} remote-as ${n.asn}`);
      if (n.port) lines.push(` neighbor ${n.address} port ${n.port}`);
      if (n.passive) lines.push(` neighbor ${n.address} passive`);
      if (n.password !== undefined) lines.push(` neighbor ${n.address} password ${n.password}`);
      if (n.ttlSecurity) lines.push(` neighbor ${n.address} ttl-security hops 1`);
      if (n.multihop) lines.push(` neighbor ${n.address} ebgp-multihop ${n.multihop}`);
      const hold = n.holdTime ?? 9;
      lines.push(` neighbor ${n.address} timers ${Math.max(1, Math.floor(hold / 3))} ${hold}`, ` neighbor ${n.address} timers connect 1`);
    }
    for (const fam of ['ipv4', 'ipv6'] as Family[]) {
      lines.push(` address-family ${fam} unicast`);
      for (const o of this.originated.values()) if (familyOf(o.prefix) === fam) lines.push(`  ${this.networkLine(o)}`);
      for (const n of c.neighbors) {
        if (!neighborFamilies(n).includes(fam)) continue;
        lines.push(`  neighbor ${n.address} activate`);
        if (c.importOnly) lines.push(`  neighbor ${n.address} route-map HN-NONE out`);
      }
      lines.push(' exit-address-family');
    }
    return `${lines.join('\n')}\n`;
  }

  private async vtysh(...commands: string[]): Promise<string> {
    return (await run(VTYSH, ['--vty_socket', this.dir, '-d', 'bgpd', ...commands.flatMap((c) => ['-c', c])])).stdout;
  }

  async routes(family?: Family): Promise<Route[]> {
    const out: Route[] = [];
    for (const fam of family ? [family] : (['ipv4', 'ipv6'] as Family[])) {
      const table = JSON.parse(await this.vtysh(`show bgp ${fam} unicast json`)) as { routes?: Record<string, { peerId: string }[]> };
      const learned = Object.entries(table.routes ?? {}).filter(([, paths]) => paths.some((p) => p.peerId !== '(unspec)')).map(([p]) => p);
      // The table view lacks communities; the per-prefix view has every attribute.
      const details = await Promise.all(learned.map(async (p) => JSON.parse(await this.vtysh(`show bgp ${fam} unicast ${p} json`)) as FrrPrefixDetail));
      for (const d of details) for (const path of d.paths ?? []) if (path.peer?.peerId && path.peer.peerId !== '(unspec)') out.push(toRoute(d.prefix, path));
    }
    return out;
  }

  async neighborState(address: string): Promise<NeighborState> {
    const j = JSON.parse(await this.vtysh(`show bgp neighbors ${address} json`)) as Record<string, { bgpState?: string }>;
    const s = j[address]?.bgpState;
    return s ? normalizeState(s) : 'unknown';
  }

  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    const o = this.remember(prefix, attrs);
    const rm = this.routeMapFor(o);
    await this.vtysh('configure terminal', ...rm, `router bgp ${this.config.asn}`, `address-family ${familyOf(prefix)} unicast`, this.networkLine(o));
  }

  async withdraw(prefix: string): Promise<void> {
    const o = this.originated.get(prefix);
    this.originated.delete(prefix);
    if (!o) return;
    await this.vtysh('configure terminal', `router bgp ${this.config.asn}`, `address-family ${familyOf(prefix)} unicast`, `no ${this.networkLine(o)}`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Any vtysh commands against this bgpd, e.g. `show bgp ipv4 unicast 10.0.0.0/24 json`. */
  async cli(...commands: string[]): Promise<string> {
    return this.vtysh(...commands);
  }
}

interface FrrPath {
  aspath?: { segments?: { type: string; list: number[] }[] };
  origin?: string;
  metric?: number;
  locPrf?: number;
  localpref?: number;
  community?: { list?: string[] };
  largeCommunity?: { list?: string[] };
  nexthops?: { ip: string; scope?: string }[];
  peer?: { peerId?: string };
}
interface FrrPrefixDetail { prefix: string; paths?: FrrPath[] }

function toRoute(prefix: string, p: FrrPath): Route {
  const global = p.nexthops?.find((n) => n.scope !== 'link-local') ?? p.nexthops?.[0];
  return {
    prefix,
    nextHop: global?.ip ?? '',
    asPath: (p.aspath?.segments ?? []).flatMap((s) => s.list),
    origin: parseOrigin(p.origin ?? 'incomplete'),
    ...(p.metric !== undefined ? { med: p.metric } : {}),
    ...((p.locPrf ?? p.localpref) !== undefined ? { localPref: p.locPrf ?? p.localpref } : {}),
    communities: p.community?.list ?? [],
    largeCommunities: p.largeCommunity?.list ?? [],
  };
}
