// The cluster file: Kubernetes objects written as YAML (multi-document, or a `kind: List`), the
// same shapes `kubectl get -o yaml` prints. The demo and standalone installs describe their
// cluster this way, and the very same normalizers as the API source turn it into a ClusterView.
import { parseAllDocuments } from 'yaml';
import { emptyClusterView, type ClusterView } from './view.js';
import { KINDS, NormalizeError, type KindName } from './normalize.js';

export class ClusterFileError extends Error {}

export function parseClusterFile(text: string, source = 'cluster file'): ClusterView {
  const docs = parseAllDocuments(text);
  const objects: Record<string, unknown>[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length) throw new ClusterFileError(`${source}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
    const v = doc.toJS() as unknown;
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) throw new ClusterFileError(`${source}: document ${i + 1} is not a Kubernetes object`);
    const o = v as Record<string, unknown>;
    if (o.kind === 'List' || (o.kind === undefined && Array.isArray(o.items))) objects.push(...((o.items as Record<string, unknown>[]) ?? []));
    else objects.push(o);
  }
  const view = emptyClusterView() as { [K in keyof ClusterView]: Map<string, unknown> };
  for (const [i, o] of objects.entries()) {
    const kind = o?.kind as string;
    const k = KINDS[kind as KindName];
    if (!k) throw new ClusterFileError(`${source}: object ${i + 1}: unsupported kind ${JSON.stringify(kind)} (supported: ${Object.keys(KINDS).join(', ')})`);
    let value: unknown;
    try {
      value = k.normalize(o);
    } catch (err) {
      if (err instanceof NormalizeError) throw new ClusterFileError(`${source}: object ${i + 1}: ${err.message}`);
      throw err;
    }
    const key = (k.key as (v: unknown) => string)(value);
    const map = view[k.field];
    if (map.has(key)) throw new ClusterFileError(`${source}: ${kind} ${key} is defined twice`);
    map.set(key, value);
  }
  // Namespaces referenced by objects exist implicitly, as `kubectl apply` users expect of a file.
  for (const field of ['pods', 'services', 'endpointSlices', 'networkPolicies'] as const) {
    for (const v of view[field].values() as Iterable<{ namespace: string }>) {
      if (!view.namespaces.has(v.namespace)) {
        view.namespaces.set(v.namespace, { name: v.namespace, labels: { 'kubernetes.io/metadata.name': v.namespace } });
      }
    }
  }
  return view as unknown as ClusterView;
}
