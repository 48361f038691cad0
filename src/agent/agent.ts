// The node agent: wires a cluster source to the controllers and the observe server. Controllers
// never import each other; this file is the only place that knows them all.
import { hostname } from 'node:os';
import type { ClusterSource } from '../cluster/source.js';
import { RoutingController, type PasswordSource } from '../routing/controller.js';
import type { RoutingFlags } from '../routing/desired.js';
import type { FibPort } from '../routing/fib-port.js';
import { PodNetwork, type PodNetworkOptions } from '../routing/podnet/pod-network.js';
import type { Logger } from '../util/log.js';
import { EventLog } from './event-log.js';
import { peersStatus, ribSummary, routesPage } from './bgp-status.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { startObserveServer, type ObserveServer } from '../observe/server.js';
import type { FibStatus, StatusProvider } from '../observe/status.js';
import type { EventRecorder } from '../cluster/kubernetes/events.js';
import type { ServiceAdvertiseFlags } from '../routing/service-routes.js';
import { shapeBgpStatus } from './node-status.js';
import { StatusPublisher } from './status-publisher.js';
import { NetpolWiring } from './netpol-wiring.js';
import { ProxyWiring, type ProxyWiringOptions } from './proxy-wiring.js';

export interface AgentOptions {
  nodeName: string;
  source: ClusterSource;
  routing: RoutingFlags;
  log: Logger;
  events: EventLog;
  fib?: Omit<FibPort, 'status'> & { status(): FibStatus };
  podNetwork?: Omit<PodNetworkOptions, 'log'>;
  gracefulRestart?: { restartTime: number };
  http?: { host: string; port: number } | { path: string };
  version: string;
  /** Kubernetes Events for configuration problems (absent with a cluster file). */
  k8sEvents?: EventRecorder;
  /**
   * Where the node's BGP status is published (the Node annotation, the PodrouteNodeStatus object);
   * each has its own publisher, so one failing (a CRD not installed) never holds up the other.
   */
  statusWriters?: { name: string; write: (text: string) => Promise<void> }[];
  /** Rate limits of the status annotation (tests shorten them). */
  statusIntervals?: { minMs: number; maxMs: number };
  /** Peer passwords from Secrets (passwordSecretRef), with the Kubernetes source. */
  passwords?: PasswordSource;
  /** Service VIP advertisement to external peers. */
  services?: ServiceAdvertiseFlags;
  /** NetworkPolicy enforcement (kube-router's --run-firewall). */
  netpol?: { nflogGroup?: number; resyncIntervalMs?: number };
  /** The IPVS service proxy (kube-router's --run-service-proxy). */
  proxy?: Omit<ProxyWiringOptions, 'nodeName' | 'source' | 'log'>;
}

/** The Event reason for an annotation that was rejected (the log line carries the same text). */
export const INVALID_ANNOTATION = 'InvalidAnnotation';

export class Agent {
  readonly routing: RoutingController;
  private server?: ObserveServer;
  private metrics?: Metrics;
  private readonly startedAt = new Date();
  private publishers: StatusPublisher[] = [];
  readonly netpol?: NetpolWiring;
  readonly proxy?: ProxyWiring;

  constructor(private readonly opts: AgentOptions) {
    this.routing = new RoutingController({
      source: opts.source,
      flags: opts.routing,
      log: opts.log.child({ component: 'routing' }),
      fib: opts.fib,
      podNetwork: opts.podNetwork ? new PodNetwork({ ...opts.podNetwork, log: opts.log.child({ component: 'podnet' }) }) : undefined,
      speaker: opts.gracefulRestart ? { gracefulRestart: { restartTime: opts.gracefulRestart.restartTime, restarting: false, forwarding: true } } : undefined,
      services: opts.services,
      passwords: opts.passwords,
    });
    const recorder = opts.k8sEvents;
    if (recorder) {
      this.routing.on('problem', (p) => {
        if (!p.annotation) return; // e.g. "node not in the view yet": not about an object's annotation
        // Every agent parses every node's annotations; only the node's own agent reports on it,
        // or a bad annotation would get one Event per node in the cluster.
        if (p.node !== opts.nodeName) return;
        if (p.object) {
          // A Service is every node's business; the first node by name speaks for all of them.
          if (firstNodeName(opts.source) !== opts.nodeName) return;
          recorder.warning({ kind: p.object.kind, namespace: p.object.namespace, name: p.object.name }, INVALID_ANNOTATION, `annotation ${p.annotation}: ${p.reason}`);
        } else {
          recorder.warning({ kind: 'Node', name: p.node }, INVALID_ANNOTATION, `annotation ${p.annotation}: ${p.reason}; keeping the last good setting`);
        }
      });
    }
    if (opts.netpol) this.netpol = new NetpolWiring({ nodeName: opts.nodeName, source: opts.source, log: opts.log.child({ component: 'netpol' }), ...opts.netpol });
    if (opts.proxy) this.proxy = new ProxyWiring({ nodeName: opts.nodeName, source: opts.source, log: opts.log.child({ component: 'proxy' }), ...opts.proxy });
    this.routing.on('synced', () => {
      const ms = this.routing.status().lastSyncMs;
      if (ms !== undefined) this.metrics?.observeSync('routing', ms / 1000);
    });
  }

  provider(): StatusProvider {
    const r = this.routing;
    return {
      node: () => ({
        name: this.opts.nodeName,
        asn: r.status().desired?.asn ?? this.opts.routing.clusterAsn,
        routerId: r.status().desired?.routerId ?? '',
        version: this.opts.version,
        startedAt: this.startedAt.toISOString(),
      }),
      peers: () => peersStatus(r.speaker).map((p) => p),
      routes: (q) => routesPage(r.speaker, q),
      ribSummary: () => ribSummary(r.speaker),
      ...(this.opts.fib ? { fib: () => this.opts.fib!.status() } : {}),
      ...(this.netpol ? { policies: () => this.netpol!.policies() } : {}),
      ...(this.proxy ? { services: () => this.proxy!.services() } : {}),
      events: () => this.opts.events.list(),
      health: () => {
        const st = r.status();
        const sourceReady = this.opts.source.ready();
        const netpol = this.netpol?.health();
        // A kernel without IPVS reports the proxy ready (and unavailable): routing must not wait.
        const proxy = this.proxy?.health();
        const ready = sourceReady && st.ready && (netpol?.ready ?? true) && (proxy?.ready ?? true);
        const reason = (): string => !sourceReady ? 'waiting for the first cluster sync' : !st.ready ? st.lastError ?? 'routing not synced yet'
          : netpol && !netpol.ready ? netpol.lastError ?? 'network policies not applied yet' : proxy?.lastError ?? 'services not programmed yet';
        return {
          alive: true,
          ready,
          ...(ready ? {} : { reason: reason() }),
          controllers: [
            { name: 'cluster', ready: sourceReady },
            { name: 'routing', ready: st.ready, ...(st.lastSyncAt ? { lastSyncAt: st.lastSyncAt } : {}), ...(st.lastError ? { lastError: st.lastError } : {}) },
            ...(netpol ? [netpol] : []),
            ...(proxy ? [proxy] : []),
          ],
        };
      },
    };
  }

  async start(): Promise<void> {
    const provider = this.provider();
    this.metrics = createMetrics({ provider });
    if (this.opts.http) {
      this.server = await startObserveServer({ ...this.opts.http, port: 'port' in this.opts.http ? this.opts.http.port : 0, provider, metrics: this.metrics });
      this.opts.log.info('status API listening', { url: this.server.url });
    }
    await this.opts.source.start();
    await this.routing.start();
    await this.netpol?.start(this.metrics);
    await this.proxy?.start(this.metrics);
    const r = this.routing;
    const compute = () => {
      const d = r.status().desired;
      if (!d || !r.speaker) return undefined; // nothing true to say before the first sync
      return shapeBgpStatus({ asn: d.asn, routerId: d.routerId, peers: peersStatus(r.speaker), ...(this.opts.fib ? { fib: this.opts.fib.status() } : {}) });
    };
    for (const w of this.opts.statusWriters ?? []) {
      const p = new StatusPublisher({
        compute,
        write: w.write,
        log: this.opts.log.child({ component: 'status', target: w.name }),
        ...(this.opts.statusIntervals ? { minIntervalMs: this.opts.statusIntervals.minMs, maxIntervalMs: this.opts.statusIntervals.maxMs } : {}),
      });
      p.start();
      this.publishers.push(p);
    }
  }

  /** keepRoutes: leave kernel routes in place (graceful restart / upgrade); false withdraws everything. */
  async stop(keepRoutes: boolean): Promise<void> {
    for (const p of this.publishers) p.stop();
    // Policy rules stay in place across a restart: pods stay protected while the agent is away.
    await this.netpol?.stop();
    await this.proxy?.stop();
    await this.routing.stop({ keepRoutes });
    await this.opts.source.stop();
    await this.server?.close();
  }
}

function firstNodeName(source: ClusterSource): string | undefined {
  let first: string | undefined;
  for (const name of source.view().nodes.keys()) if (first === undefined || name < first) first = name;
  return first;
}

export function defaultNodeName(): string {
  return process.env.NODE_NAME ?? hostname();
}
