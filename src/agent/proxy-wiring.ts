// The IPVS service proxy inside the agent (kube-router's --run-service-proxy). View changes become
// per-Service dirtiness (only the Services and EndpointSlices whose value changed), the controller
// syncs them, syncs are timed into the metrics, and a kernel snapshot read on a timer feeds the
// status API and the per-service counters. A kernel without IPVS is not an error of the agent:
// the proxy reports itself unavailable and routing goes on.
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { ClusterSource } from '../cluster/source.js';
import type { ClusterView } from '../cluster/view.js';
import { detectBackend, toolsFor } from '../netfilter/backend.js';
import { hostRunner } from '../netfilter/exec.js';
import { IpvsClient } from '../netlink/ipvs/client.js';
import { serviceIdKey } from '../netlink/ipvs/keys.js';
import { SocketIpvsTransport } from '../netlink/ipvs/socket-transport.js';
import type { IpvsTransport } from '../netlink/ipvs/transport.js';
import type { Metrics } from '../observe/metrics.js';
import type { ControllerHealth } from '../observe/status.js';
import { defaultProxyConfig, type ProxyConfig } from '../proxy/config.js';
import { ProxyController } from '../proxy/controller.js';
import { HealthCheckServers } from '../proxy/healthcheck.js';
import { ServiceNetfilter } from '../proxy/netfilter-apply.js';
import { OwnershipStore } from '../proxy/ownership.js';
import { VipInterface } from '../proxy/vip.js';
import type { Logger } from '../util/log.js';
import { clusterCidrsOf, proxyChanges } from './proxy-changes.js';
import { byOwner, serviceStatus, type OwnedVirtualServer, type ProxyServiceStatus } from './proxy-status.js';

export const NO_IPVS = 'unavailable: the kernel has no IPVS';

/** What an operator sets (flags); the rest of ProxyConfig comes from the defaults and the view. */
export type ProxyFlags = Partial<Pick<ProxyConfig, 'masqueradeAll' | 'nodePortAddresses' | 'excludedCidrs' | 'gracefulTerminationSeconds' | 'defaultScheduler'>>;

export interface ProxyWiringOptions {
  nodeName: string;
  source: ClusterSource;
  log: Logger;
  config?: ProxyFlags;
  /** CIDRs inside the cluster besides every node's podCIDR (never masqueraded as "from outside"). */
  extraClusterCidrs?: string[];
  /** Where IPVS ownership is kept across restarts; without it a restarted agent owns nothing. */
  ownershipFile?: string;
  resyncMs?: number;
  /** How often the kernel's per-service counters and destinations are read for status/metrics. */
  statsPollMs?: number;
  debounceMs?: number;
  /** Test seam: the IPVS transport (default: generic netlink in the agent's namespace). */
  openTransport?: () => Promise<IpvsTransport>;
  /** false: leave the VIP interface, iptables/ipsets and health-check ports alone (unit tests). */
  kernelObjects?: boolean;
}

/** The generic netlink controller answers ENOENT for a family the kernel does not have. */
function isNoFamily(e: unknown): boolean {
  const x = e as { errno?: number; code?: string };
  return x?.errno === 2 || x?.code === 'ENOENT';
}

const msgOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ProxyWiring {
  controller?: ProxyController;
  private client?: IpvsClient;
  private ownership?: OwnershipStore;
  private healthChecks?: HealthCheckServers;
  private metrics?: Metrics;
  private cfg?: ProxyConfig;
  private prev?: ClusterView;
  private state: 'off' | 'unavailable' | 'failed' | 'running' = 'off';
  private problem?: string;
  private syncs = 0;
  private lastSyncAt?: string;
  private lastSyncError?: string;
  private snapshot: OwnedVirtualServer[] = [];
  private statsTimer?: NodeJS.Timeout;
  private statsPending?: NodeJS.Timeout;
  private reading = false;
  private readonly onChange = () => this.viewChanged();

  constructor(private readonly opts: ProxyWiringOptions) {}

  /** After the source's first sync. Never throws: a proxy that cannot run is reported in health. */
  async start(metrics?: Metrics): Promise<void> {
    this.metrics = metrics;
    const log = this.opts.log;
    let transport: IpvsTransport;
    try {
      transport = await (this.opts.openTransport ?? (() => SocketIpvsTransport.open()))();
    } catch (e) {
      if (isNoFamily(e)) {
        this.state = 'unavailable';
        this.problem = NO_IPVS;
        log.warn('the kernel has no IPVS (generic netlink family "IPVS" not found): the service proxy is off on this node; routing goes on');
      } else {
        this.state = 'failed';
        this.problem = `cannot open IPVS: ${msgOf(e)}`;
        log.error('cannot open IPVS; the service proxy is off', { err: e });
      }
      return;
    }
    this.client = new IpvsClient(transport);
    try {
      this.ownership = new OwnershipStore(this.opts.ownershipFile).load();
    } catch (e) {
      // Never guess ownership: with an unreadable record we could delete someone else's services.
      this.state = 'failed';
      this.problem = `IPVS ownership file ${this.opts.ownershipFile}: ${msgOf(e)}`;
      log.error('cannot read the IPVS ownership file; the service proxy is off (fix or remove the file)', { file: this.opts.ownershipFile, err: e });
      this.client.close();
      this.client = undefined;
      return;
    }
    const view = this.opts.source.view();
    const cfg: ProxyConfig = { ...defaultProxyConfig(this.opts.nodeName), ...this.opts.config };
    cfg.clusterCidrs = clusterCidrsOf(view, this.opts.extraClusterCidrs ?? []);
    cfg.localAddresses = localAddresses(cfg.vipInterface);
    this.cfg = cfg;
    const kernel = this.opts.kernelObjects !== false;
    if (kernel) {
      // IPVS masquerade needs conntrack entries for its connections (kube-router sets it too).
      try {
        writeFileSync('/proc/sys/net/ipv4/vs/conntrack', '1');
      } catch (e) {
        log.warn('cannot set net.ipv4.vs.conntrack=1; masqueraded service traffic may break', { err: e });
      }
      this.healthChecks = new HealthCheckServers();
    }
    let netfilter: ServiceNetfilter | undefined;
    let vip: VipInterface | undefined;
    if (kernel) {
      try {
        netfilter = new ServiceNetfilter(hostRunner, toolsFor(await detectBackend(hostRunner)));
        vip = new VipInterface(cfg.vipInterface);
        // Made here, not in controller.start(): a node that cannot have it (no dummy interfaces)
        // gets the reason in health instead of a proxy that silently never syncs.
        vip.ensure();
      } catch (e) {
        this.state = 'failed';
        this.problem = `cannot set up the service proxy: ${msgOf(e)}`;
        log.error('cannot set up the service proxy (VIP interface or iptables); it is off', { err: e });
        this.client.close();
        this.client = undefined;
        return;
      }
    }
    this.controller = new ProxyController({
      client: this.client,
      ownership: this.ownership,
      cfg,
      getView: () => this.opts.source.view(),
      ...(kernel ? { vip, netfilter, healthChecks: this.healthChecks } : {}),
      log: (m, f) => log.warn(m, f),
      onSync: ({ full, seconds, stats }) => {
        this.syncs++;
        this.lastSyncAt = new Date().toISOString();
        this.lastSyncError = stats.errors.length ? `${stats.errors.length} IPVS operations failed, e.g. ${stats.errors[0]}` : undefined;
        this.metrics?.observeSync('proxy', seconds);
        if (full || stats.ops) this.scheduleStats();
      },
      onSyncError: ({ full, error }) => {
        this.lastSyncError = `${full ? 'full' : 'service'} sync failed: ${msgOf(error)}`;
        log.error('service proxy sync failed; will retry', { full, err: error });
      },
    });
    this.state = 'running';
    this.prev = view;
    this.opts.source.on('change', this.onChange);
    try {
      await this.controller.start({ resyncMs: this.opts.resyncMs ?? 300_000, debounceMs: this.opts.debounceMs ?? 50 });
    } catch (e) {
      // A failed first sync was reported by onSyncError and is retried by the controller; this
      // records anything that failed before a sync could run.
      this.lastSyncError ??= `start failed: ${msgOf(e)}`;
    }
    this.statsTimer = setInterval(() => void this.readStats(), this.opts.statsPollMs ?? 15_000);
    this.statsTimer.unref();
    await this.readStats();
  }

  /** Level-triggered source → per-Service dirtiness: only what changed since the last view. */
  private viewChanged(): void {
    const ctl = this.controller;
    if (!ctl || !this.cfg) return;
    const next = this.opts.source.view();
    const ch = proxyChanges(this.prev, next, this.opts.nodeName);
    this.prev = next;
    if (ch.global) {
      // The controller reads cfg on every sync; these two follow the cluster, not the flags.
      this.cfg.clusterCidrs = clusterCidrsOf(next, this.opts.extraClusterCidrs ?? []);
      this.cfg.localAddresses = localAddresses(this.cfg.vipInterface);
      ctl.resync().catch(() => { /* reported by onSyncError */ });
      return;
    }
    for (const s of ch.services) ctl.serviceChanged(s.namespace, s.name);
    for (const s of ch.slices) ctl.endpointSliceChanged(s);
  }

  /** A status refresh shortly after a sync that changed something (coalesced). */
  private scheduleStats(): void {
    if (this.statsPending || this.state !== 'running') return;
    this.statsPending = setTimeout(() => {
      this.statsPending = undefined;
      void this.readStats();
    }, 200);
    this.statsPending.unref();
  }

  /** Reads what we own from the kernel (between syncs); the cache answers every status request. */
  private async readStats(): Promise<void> {
    const ctl = this.controller, client = this.client, own = this.ownership;
    if (!ctl || !client || !own || this.reading) return;
    this.reading = true;
    await ctl.between(async () => {
      try {
        const out: OwnedVirtualServer[] = [];
        const services = await client.listServices();
        const mine = services.filter((s) => own.has(serviceIdKey(s.id)));
        for (let i = 0; i < mine.length; i += 64) {
          await Promise.all(mine.slice(i, i + 64).map(async (s) => {
            const owner = own.get(serviceIdKey(s.id))?.owner;
            if (owner) out.push({ owner, service: s, dests: await client.listDestinations(s.id) });
          }));
        }
        this.snapshot = out;
      } catch (e) {
        this.opts.log.warn('reading IPVS counters failed', { err: e });
      }
    });
    this.reading = false;
  }

  /** Services with IPVS entries of ours, with endpoints and kernel counters (cached). */
  services(): ProxyServiceStatus[] {
    const view = this.opts.source.view();
    return [...byOwner(this.snapshot)].map(([owner, vss]) => serviceStatus(owner, view.services.get(owner), vss));
  }

  health(): ControllerHealth {
    if (this.state === 'unavailable') return { name: 'proxy', ready: true, lastError: this.problem };
    if (this.state !== 'running') return { name: 'proxy', ready: false, lastError: this.problem ?? 'not started' };
    return {
      name: 'proxy',
      ready: this.syncs > 0,
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt } : {}),
      ...(this.lastSyncError ? { lastError: this.lastSyncError } : {}),
    };
  }

  /** True when the proxy runs (a kernel without IPVS leaves it off). */
  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * IPVS services, VIPs and rules stay in place: Services keep answering while the agent restarts,
   * and the ownership file lets the next agent adopt (and clean up) what this one made.
   */
  async stop(): Promise<void> {
    this.opts.source.off('change', this.onChange);
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.statsPending) clearTimeout(this.statsPending);
    this.statsTimer = this.statsPending = undefined;
    await this.controller?.stop();
    await this.healthChecks?.close();
    this.client?.close();
  }
}

/** Every address on this node's interfaces except our VIPs (for --nodeport-bindon-all-ip). */
function localAddresses(vipInterface: string): string[] {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === vipInterface) continue;
    for (const a of addrs ?? []) if (!a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80:'))) out.push(a.address);
  }
  return out;
}
