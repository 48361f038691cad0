// GoBGP adapter: gobgpd with a generated TOML config and its gRPC API on a loopback port inside the
// namespace (each namespace has its own loopback, so ports only need to be unique per namespace);
// `gobgp -p PORT -u 127.0.0.1 ... -j` queries it and adds/deletes routes at runtime. GoBGP has no
// static routes in its config file, so originated prefixes are added through the API after start
// (and again after restart). gobgpd has no kernel side unless zebra is configured, which it is not.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, run, waitFor, type Netns } from '../netns.js';
import { DaemonInstance, splitCommunity } from './instance.js';
import {
  familyOf, neighborFamilies, parseOrigin,
  type BgpDaemon, type DaemonConfig, type Family, type NeighborState, type Originate, type Route, type RouteAttrs,
} from './types.js';

const GOBGPD = '/usr/bin/gobgpd';
const GOBGP = '/usr/bin/gobgp';
const STATES: NeighborState[] = ['unknown', 'idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];
let apiPort = 50051;

export class Gobgp extends DaemonInstance implements BgpDaemon {
  readonly kind = 'gobgp' as const;
  readonly apiPort = apiPort++;
  private readonly confPath: string;

  constructor(ns: Netns, config: DaemonConfig) {
    super(ns, config, 'gobgp');
    this.confPath = join(this.dir, 'gobgpd.toml');
  }

  static async start(ns: Netns, config: DaemonConfig): Promise<Gobgp> {
    requireBinary(GOBGPD, 'gobgpd');
    const g = new Gobgp(ns, config);
    await g.launch();
    return g;
  }

  private async launch(): Promise<void> {
    writeFileSync(this.confPath, this.render());
    this.proc = this.ns.spawn(`gobgpd-${this.dir.split('-').pop()}`, GOBGPD, ['-f', this.confPath, '-t', 'toml', '--api-hosts', `127.0.0.1:${this.apiPort}`, '--pprof-disable']);
    await waitFor('gobgpd API', async () => { this.assertRunning(); await this.cli('global'); return true; }, { timeoutMs: 15_000, intervalMs: 100 });
    for (const o of this.originated.values()) await this.add(o);
  }

  render(): string {
    const c = this.config;
    const q = (s: string): string => JSON.stringify(s);
    const lines = ['[global.config]', `  as = ${c.asn}`, `  router-id = ${q(c.routerId)}`, `  port = ${c.listenPort ?? 179}`];
    if (c.listenAddress) lines.push(`  local-address-list = [${q(c.listenAddress)}]`);
    if (c.importOnly) lines.push('[global.apply-policy.config]', '  default-export-policy = "reject-route"');
    for (const n of c.neighbors) {
      lines.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.asn}`,
        ...(n.password !== undefined ? [`    auth-password = ${q(n.password)}`] : []),
        '  [neighbors.timers.config]', `    hold-time = ${n.holdTime ?? 9}`, `    keepalive-interval = ${Math.max(1, Math.floor((n.holdTime ?? 9) / 3))}`,
        '    connect-retry = 1', '    idle-hold-time-after-reset = 1',
        '  [neighbors.transport.config]', `    passive-mode = ${n.passive ? 'true' : 'false'}`, `    remote-port = ${n.port ?? 179}`);
      if (n.ttlSecurity) lines.push('  [neighbors.ttl-security.config]', '    enabled = true', '    ttl-min = 255');
      if (n.multihop) lines.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', `    multihop-ttl = ${n.multihop}`);
      for (const fam of neighborFamilies(n)) lines.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = "${fam}-unicast"`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** Runs the gobgp CLI against this instance's API, inside its namespace. */
  async cli(...args: string[]): Promise<string> {
    return (await this.ns.exec(GOBGP, ['-p', String(this.apiPort), '-u', '127.0.0.1', ...args])).stdout;
  }

  private attrArgs(o: RouteAttrs): string[] {
    const a = ['origin', 'igp'];
    if (o.communities?.length) { o.communities.forEach((x) => splitCommunity(x, 2)); a.push('community', o.communities.join(',')); }
    if (o.largeCommunities?.length) { o.largeCommunities.forEach((x) => splitCommunity(x, 3)); a.push('large-community', o.largeCommunities.join(',')); }
    if (o.med !== undefined) a.push('med', String(o.med));
    return a;
  }

  private async add(o: Originate): Promise<void> {
    await this.cli('global', 'rib', '-a', familyOf(o.prefix), 'add', o.prefix, ...this.attrArgs(o));
  }

  async routes(family?: Family): Promise<Route[]> {
    const out: Route[] = [];
    for (const fam of family ? [family] : (['ipv4', 'ipv6'] as Family[])) {
      const text = (await this.cli('global', 'rib', '-a', fam, '-j')).trim();
      const rib = (text ? JSON.parse(text) : {}) as Record<string, GobgpPath[]>;
      for (const [prefix, paths] of Object.entries(rib)) {
        for (const p of paths) if (p['neighbor-ip'] && p['neighbor-ip'] !== '<nil>') out.push(toRoute(prefix, p));
      }
    }
    return out;
  }

  async neighborState(address: string): Promise<NeighborState> {
    const j = JSON.parse(await this.cli('neighbor', address, '-j')) as { state?: { session_state?: number | string } };
    const s = j.state?.session_state;
    return typeof s === 'number' ? STATES[s] ?? 'unknown' : 'unknown';
  }

  /** Cheap per-neighbor counters (no RIB walk, unlike `rib summary`): received/accepted of one family. */
  async received(address: string, family: Family = 'ipv4'): Promise<{ received: number; accepted: number }> {
    const j = JSON.parse(await this.cli('neighbor', address, '-j')) as { afi_safis?: { state?: { family?: { afi?: number }; received?: number; accepted?: number } }[] };
    const afi = family === 'ipv4' ? 1 : 2;
    const st = j.afi_safis?.find((a) => a.state?.family?.afi === afi)?.state;
    return { received: st?.received ?? 0, accepted: st?.accepted ?? 0 };
  }

  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    await this.add(this.remember(prefix, attrs));
  }

  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.cli('global', 'rib', '-a', familyOf(prefix), 'del', prefix);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

interface GobgpAttr {
  type: number; value?: unknown; metric?: number; nexthop?: string;
  as_paths?: { asns?: number[] }[]; communities?: number[];
}
interface GobgpPath { attrs?: GobgpAttr[]; 'neighbor-ip'?: string }

function toRoute(prefix: string, p: GobgpPath): Route {
  const r: Route = { prefix, nextHop: '', asPath: [], origin: 'incomplete', communities: [], largeCommunities: [] };
  for (const a of p.attrs ?? []) {
    switch (a.type) {
      case 1: r.origin = parseOrigin(String(a.value ?? 2)); break;
      case 2: r.asPath = (a.as_paths ?? []).flatMap((s) => s.asns ?? []); break;
      case 3: case 14: r.nextHop = a.nexthop ?? r.nextHop; break;
      case 4: r.med = a.metric ?? Number(a.value); break;
      case 5: r.localPref = Number(a.value); break;
      case 8: r.communities = (a.communities ?? []).map((c) => `${Math.floor(c / 65536)}:${c % 65536}`); break;
      case 32: r.largeCommunities = ((a.value ?? []) as { ASN: number; LocalData1: number; LocalData2: number }[]).map((l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`); break;
      default: break;
    }
  }
  return r;
}
