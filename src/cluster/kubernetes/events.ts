// Kubernetes Events for configuration problems, so `kubectl describe node` shows why an annotation
// was ignored. The controllers never see HTTP: the agent hands each problem to an EventRecorder.
//
// Events are deduplicated the way client-go's EventRecorder does it: the same (object, reason,
// message) seen again bumps `count` and `lastTimestamp` on the existing Event with a merge patch
// instead of creating a new one, so a flapping annotation cannot flood etcd. Writes run one at a
// time in the background; a failed write is logged and dropped (the log line already carries the
// problem), never thrown into the caller.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../util/log.js';

export interface EventObjectRef {
  kind: 'Node' | 'Service';
  name: string;
  /** Namespaced objects only. */
  namespace?: string;
}

export interface EventRecorder {
  /** A Warning Event on `object`; returns at once (the write happens in the background). */
  warning(object: EventObjectRef, reason: string, message: string): void;
}

/** Where Events are written: the Kubernetes API, or a fake in unit tests. */
export interface EventApi {
  create(namespace: string, body: k8s.CoreV1Event): Promise<void>;
  /** Rejects with an error whose `code` is 404 when the Event has expired. */
  bump(namespace: string, name: string, patch: { count: number; lastTimestamp: string }): Promise<void>;
}

const MAX_REMEMBERED = 1000;

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

export class KubernetesEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { api: EventApi; component: string; host: string; log: Logger; now?: () => Date }) {}

  warning(object: EventObjectRef, reason: string, message: string): void {
    // The time of the problem, not of the (queued) write.
    const at = (this.opts.now?.() ?? new Date()).toISOString();
    this.chain = this.chain.then(() => this.write(object, reason, message, at)).catch((err: unknown) => {
      this.opts.log.warn('could not write a Kubernetes Event', { object: `${object.kind}/${object.name}`, reason, err: String((err as Error)?.message ?? err) });
    });
  }

  /** Resolves when every write queued so far is done (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(object: EventObjectRef, reason: string, message: string, now: string): Promise<void> {
    // A Node's Events live in `default` (cluster-scoped objects have no namespace of their own).
    const namespace = object.namespace ?? 'default';
    const key = `${object.kind}|${namespace}|${object.name}|${reason}|${message}`;
    const prev = this.seen.get(key);
    if (prev) {
      try {
        await this.opts.api.bump(prev.namespace, prev.name, { count: prev.count + 1, lastTimestamp: now });
        prev.count++;
        return;
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
        // Expired (Events have a TTL): start a new one below.
      }
    }
    const name = `${object.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`;
    await this.opts.api.create(namespace, {
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: object.kind,
        name: object.name,
        ...(object.namespace ? { namespace: object.namespace } : {}),
        // The kubelet's own Node events use the node name as uid; kubectl matches on kind+name.
        ...(object.kind === 'Node' ? { uid: object.name } : {}),
      },
      reason,
      message,
      type: 'Warning',
      count: 1,
      firstTimestamp: new Date(now),
      lastTimestamp: new Date(now),
      source: { component: this.opts.component, host: this.opts.host },
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host,
    });
    this.seen.set(key, { name, namespace, count: 1 });
    // Bounded: a stream of distinct messages must not grow the agent; the oldest is forgotten
    // (at worst a later repeat creates a new Event instead of counting).
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }
}

function statusCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  const c = e?.code ?? e?.statusCode;
  return typeof c === 'number' ? c : undefined;
}

/** EventApi over client-node. */
export function kubernetesEventApi(kc: k8s.KubeConfig): EventApi {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async create(namespace, body) {
      await core.createNamespacedEvent({ namespace, body });
    },
    async bump(namespace, name, patch) {
      // client-node defaults to JSON-patch; a merge patch needs its Content-Type set explicitly.
      await core.patchNamespacedEvent({ namespace, name, body: patch }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    },
  };
}
