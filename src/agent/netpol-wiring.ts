// The NetworkPolicy controller inside the agent: every view change is handed to it (it coalesces
// bursts itself), its syncs are timed into the metrics, its per-pod drop counters are turned into
// counter deltas, and the policies it enforces are shown in the status API.
import type { ClusterSource } from '../cluster/source.js';
import type { LabelSelector, NetworkPolicyView } from '../cluster/view.js';
import { NetpolController } from '../netpol/controller.js';
import { matchesSelector } from '../netpol/selector.js';
import type { Metrics } from '../observe/metrics.js';
import type { ControllerHealth } from '../observe/status.js';
import type { PolicyView } from '../observe/views.js';
import type { Logger } from '../util/log.js';

export interface NetpolWiringOptions {
  nodeName: string;
  source: ClusterSource;
  log: Logger;
  nflogGroup?: number;
  resyncIntervalMs?: number;
  /** How often kernel drop counters are read into the metrics. */
  dropPollMs?: number;
}

export class NetpolWiring {
  readonly controller: NetpolController;
  private metrics?: Metrics;
  private readonly lastDrops = new Map<string, number>();
  private dropTimer?: NodeJS.Timeout;
  private readonly onChange = () => void this.push();

  constructor(private readonly opts: NetpolWiringOptions) {
    this.controller = new NetpolController({
      nodeName: opts.nodeName,
      ...(opts.nflogGroup !== undefined ? { nflogGroup: opts.nflogGroup } : {}),
      ...(opts.resyncIntervalMs !== undefined ? { resyncIntervalMs: opts.resyncIntervalMs } : {}),
      onError: (err) => opts.log.error('network policy sync failed; will retry', { err }),
    });
  }

  /** After the source's first sync: apply the view, then follow it. */
  async start(metrics: Metrics): Promise<void> {
    this.metrics = metrics;
    this.opts.source.on('change', this.onChange);
    await this.push();
    this.controller.start();
    this.dropTimer = setInterval(() => void this.pollDrops(), this.opts.dropPollMs ?? 15_000);
    this.dropTimer.unref();
  }

  private async push(): Promise<void> {
    const t0 = performance.now();
    await this.controller.setView(this.opts.source.view());
    this.metrics?.observeSync('netpol', (performance.now() - t0) / 1000);
  }

  /** Kernel counters only grow; a drop in value means the rules were rewritten (a resync). */
  private async pollDrops(): Promise<void> {
    let drops: Map<string, number>;
    try {
      drops = await this.controller.deniedPackets();
    } catch (err) {
      this.opts.log.warn('reading policy drop counters failed', { err });
      return;
    }
    for (const [pod, packets] of drops) {
      const before = this.lastDrops.get(pod) ?? 0;
      const delta = packets >= before ? packets - before : packets;
      this.lastDrops.set(pod, packets);
      if (delta > 0) {
        const [namespace, name] = pod.split('/');
        this.metrics?.addPolicyDrops({ namespace, pod: name }, delta);
      }
    }
  }

  health(): ControllerHealth {
    const st = this.controller.status();
    return {
      name: 'netpol',
      ready: st.syncs > 0,
      ...(st.lastSync ? { lastSyncAt: st.lastSync.at } : {}),
      ...(st.lastError ? { lastError: st.lastError } : {}),
    };
  }

  policies(): PolicyView[] {
    const view = this.opts.source.view();
    return [...view.networkPolicies.values()].map((p) => policyView(p, countSelected(view, p)));
  }

  async stop(): Promise<void> {
    this.opts.source.off('change', this.onChange);
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.controller.stop();
  }
}

function selectorText(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions) parts.push(`${e.key} ${e.operator}${e.values.length ? ` (${e.values.join(',')})` : ''}`);
  return parts.join(',');
}

function policyView(p: NetworkPolicyView, pods: number): PolicyView {
  return {
    namespace: p.namespace,
    name: p.name,
    podSelector: selectorText(p.podSelector),
    policyTypes: p.policyTypes,
    ingressRules: p.ingress.length,
    egressRules: p.egress.length,
    pods,
  };
}

/** Pods in the policy's namespace its podSelector selects (matchLabels and expressions). */
function countSelected(view: ReturnType<ClusterSource['view']>, p: NetworkPolicyView): number {
  let n = 0;
  for (const pod of view.pods.values()) {
    if (pod.namespace !== p.namespace || pod.hostNetwork) continue;
    if (matchesSelector(pod.labels, p.podSelector)) n++;
  }
  return n;
}
