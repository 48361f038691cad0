// Peer passwords kept in a Secret instead of in a node annotation (`passwordSecretRef:
// [namespace/]name/key` in the peers annotation). Read with a plain GET of that one Secret — the
// agent never lists or watches Secrets — and cached, so routing stays synchronous: a missing
// value is fetched in the background and the routing controller recomputes when it arrives.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../util/log.js';

export interface SecretRef {
  namespace: string;
  name: string;
  key: string;
}

/** "name/key" (in the agent's namespace) or "namespace/name/key". */
export function parseSecretRef(ref: string, defaultNamespace: string): SecretRef {
  const parts = ref.split('/');
  const ok = (s: string | undefined): s is string => !!s && /^[A-Za-z0-9._-]+$/.test(s);
  if (parts.length === 2 && ok(parts[0]) && ok(parts[1])) return { namespace: defaultNamespace, name: parts[0], key: parts[1] };
  if (parts.length === 3 && ok(parts[0]) && ok(parts[1]) && ok(parts[2])) return { namespace: parts[0], name: parts[1], key: parts[2] };
  throw new Error(`passwordSecretRef "${ref}" must be name/key or namespace/name/key`);
}

export interface SecretReader {
  /** The Secret's data[key], decoded; throws with the reason when it cannot be read. */
  read(ref: SecretRef): Promise<string>;
}

export function kubernetesSecretReader(kc: k8s.KubeConfig): SecretReader {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async read(ref) {
      const s = await core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name });
      const b64 = s.data?.[ref.key];
      if (b64 === undefined) throw new Error(`Secret ${ref.namespace}/${ref.name} has no key "${ref.key}"`);
      return Buffer.from(b64, 'base64').toString('utf8');
    },
  };
}

/** Cache in front of a SecretReader: get() answers at once; a miss starts a fetch and calls onChange. */
export class SecretCache {
  private readonly values = new Map<string, { value?: string; error?: string; at: number }>();
  private readonly inflight = new Set<string>();

  constructor(
    private readonly reader: SecretReader,
    private readonly opts: { defaultNamespace: string; log: Logger; onChange: () => void; ttlMs?: number; now?: () => number },
  ) {}

  /** The password, or { pending } while it is being read, or { error } when it cannot be. */
  get(ref: string): { value: string } | { pending: true } | { error: string } {
    const now = (this.opts.now ?? Date.now)();
    let parsed: SecretRef;
    try {
      parsed = parseSecretRef(ref, this.opts.defaultNamespace);
    } catch (err) {
      return { error: (err as Error).message };
    }
    const hit = this.values.get(ref);
    const stale = !hit || now - hit.at > (this.opts.ttlMs ?? 60_000);
    if (stale) this.fetch(ref, parsed);
    if (hit?.value !== undefined) return { value: hit.value }; // keep using the last good value while refreshing
    if (hit?.error !== undefined) return { error: hit.error };
    return { pending: true };
  }

  private fetch(ref: string, parsed: SecretRef): void {
    if (this.inflight.has(ref)) return;
    this.inflight.add(ref);
    this.reader.read(parsed).then(
      (value) => {
        const before = this.values.get(ref)?.value;
        this.values.set(ref, { value, at: (this.opts.now ?? Date.now)() });
        if (before !== value) this.opts.onChange();
      },
      (err: unknown) => {
        const prev = this.values.get(ref);
        const reason = `cannot read ${parsed.namespace}/${parsed.name}: ${(err as Error)?.message ?? String(err)}`;
        // A failed refresh keeps the last good password: never lose what works.
        this.values.set(ref, prev?.value !== undefined ? { value: prev.value, at: (this.opts.now ?? Date.now)() } : { error: reason, at: (this.opts.now ?? Date.now)() });
        this.opts.log.warn('peer password Secret unreadable', { ref, reason });
        if (prev?.value === undefined) this.opts.onChange();
      },
    ).finally(() => this.inflight.delete(ref));
  }
}
