// podroute's own standalone speaker as a test peer: `podroute bgp run` inside a namespace, its
// config written by the test, its state read from the status API on a unix socket.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitFor, type Netns, type NsProcess } from './netns.js';
import { fetchJson } from '../../src/observe/client.js';
import type { PeerStatus, RoutePage } from '../../src/observe/status.js';

export interface PodrouteSpeakerConfig {
  asn: number;
  routerId: string;
  listen?: { address: string; port?: number };
  clusterId?: string;
  gracefulRestart?: { restartTime: number };
  peers: {
    address: string; asn: number; port?: number; holdTime?: number; families?: string[]; passive?: boolean; nextHop6?: string; localAddress?: string;
    connectRetryTime?: number; password?: string; ttlSecurity?: boolean; ebgpMultihop?: number;
    maxPrefixes?: Record<string, number>; maxPrefixAction?: 'warn' | 'cease'; maxPrefixRestartSeconds?: number;
    rrClient?: boolean;
  }[];
  originate?: string[];
}

const REPO = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

export class PodrouteSpeaker {
  private proc?: NsProcess;
  private starts = 0;
  readonly sock: string;
  readonly confPath: string;

  private constructor(readonly ns: Netns, private config: PodrouteSpeakerConfig, readonly dir: string) {
    this.sock = join(dir, `podroute-${ns.name}.sock`);
    this.confPath = join(dir, `podroute-${ns.name}.yaml`);
  }

  static async start(ns: Netns, config: PodrouteSpeakerConfig): Promise<PodrouteSpeaker> {
    const s = new PodrouteSpeaker(ns, config, ns.lab.dir);
    await s.launch();
    return s;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  private write(): void {
    const c = this.config;
    writeFileSync(this.confPath, stringify({ ...c, listen: c.listen ? { port: 179, ...c.listen } : undefined, originate: c.originate ?? [] }));
  }

  private async launch(): Promise<void> {
    this.write();
    const main = join(REPO, 'bin', 'podroute.js');
    this.proc = this.ns.spawn(`podroute-${this.ns.name}-${++this.starts}`, process.execPath, [main, 'bgp', 'run', '--config', this.confPath, '--http', `unix:${this.sock}`, '--log-level', 'debug']);
    await waitFor('podroute status API', async () => {
      if (!this.proc!.running) throw new Error(`podroute exited:\n${this.proc!.output().slice(-3000)}`);
      return (await this.peers().catch(() => undefined)) !== undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });
  }

  peers(): Promise<PeerStatus[]> {
    return fetchJson<PeerStatus[]>(`unix:${this.sock}`, '/api/v1/bgp/peers');
  }

  async peer(address: string): Promise<PeerStatus | undefined> {
    return (await this.peers()).find((p) => p.address === address);
  }

  routes(prefix?: string): Promise<RoutePage> {
    return fetchJson<RoutePage>(`unix:${this.sock}`, `/api/v1/bgp/routes?limit=1000${prefix ? `&prefix=${encodeURIComponent(prefix)}` : ''}`);
  }

  /** Rewrites the config and sends SIGHUP: the speaker applies only the difference. */
  async reload(next: PodrouteSpeakerConfig): Promise<void> {
    this.config = next;
    this.write();
    process.kill(this.pid, 'SIGHUP');
  }

  async restart(): Promise<void> {
    await this.proc?.stop(10_000);
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.proc?.stop(10_000);
  }

  /** Starts again after stop(), with the same config or `next`. */
  async startAgain(next?: PodrouteSpeakerConfig): Promise<void> {
    if (next) this.config = next;
    await this.launch();
  }

  logs(): string {
    return this.proc?.output() ?? '';
  }
}
