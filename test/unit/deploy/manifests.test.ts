// deploy/ checked offline: against the Kubernetes API schemas (kubernetes-models' validators for
// types, required fields and formats; client-node's typed models for unknown fields, which those
// validators let through), and against the code: the flags exist in `podroute agent --help`, the
// probes hit the agent's --http port, and the RBAC grants what the agent calls and nothing more.
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { AGENT_USAGE } from '../../../src/cli/agent.js';
import { CLEANUP_USAGE } from '../../../src/cli/cleanup.js';

const root = join(import.meta.dirname, '../../..');
const deploy = join(root, 'deploy');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

function load(dir: string): { file: string; obj: Obj }[] {
  const out: { file: string; obj: Obj }[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()) {
    for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
      const o = d.toJS() as Obj | null;
      if (o) out.push({ file: f, obj: o });
    }
  }
  return out;
}

const install = load(deploy);
const uninstall = load(join(deploy, 'uninstall'));
const everything = [...install, ...uninstall];
const find = <T = Obj>(kind: string, name?: string): T => install.find((x) => x.obj.kind === kind && (!name || x.obj.metadata.name === name))!.obj as T;

/** Flag names listed in a usage text ("  --name VALUE   help"). */
const flagsOf = (usage: string): Set<string> => new Set([...usage.matchAll(/^\s+--([a-z0-9-]+)/gm)].map((m) => m[1]));

// ---- schema ------------------------------------------------------------------------------------

const MODELS_INSTALL = 'npm install --save-exact --save-dev kubernetes-models@5.1.0';

async function modelFor(o: Obj): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(String(e)))
      throw new Error(`the Kubernetes schema validators are not installed: run \`${MODELS_INSTALL}\` (needed to check deploy/ against the API schemas offline). Import of ${path} failed: ${String(e)}`);
    throw e;
  }
  const cls = mod[o.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!cls) throw new Error(`${path} has no model ${o.kind}`);
  return cls;
}

type AttrMap = { name: string; baseName: string; type: string }[];
const models = k8s as unknown as Record<string, { getAttributeTypeMap?: () => AttrMap }>;
const PRIMITIVE: Record<string, string> = { string: 'string', number: 'number', boolean: 'boolean' };

/** Unknown fields and wrong primitive types, walking client-node's models (generated from the same OpenAPI). */
function strictProblems(value: unknown, type: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return Array.isArray(value) ? value.flatMap((v, i) => strictProblems(v, arr[1], `${path}[${i}]`)) : [`${path}: expected a list`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return typeof value === 'object' ? Object.entries(value as object).flatMap(([k, v]) => strictProblems(v, map[1], `${path}.${k}`)) : [`${path}: expected a map`];
  if (PRIMITIVE[type]) return typeof value === PRIMITIVE[type] ? [] : [`${path}: expected ${type}, got ${JSON.stringify(value)}`];
  const model = models[type];
  if (!model?.getAttributeTypeMap) return []; // IntOrString, Quantity, any: left to the schema validators
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object (${type})`];
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as object)) {
    const t = attrs.get(k);
    if (t === undefined) out.push(`${path}.${k}: unknown field of ${type}`);
    else out.push(...strictProblems(v, t, `${path}.${k}`));
  }
  return out;
}

describe('schemas', () => {
  test.each(everything.map((x) => [`${x.file}: ${x.obj.kind}/${x.obj.metadata.name}`, x.obj] as const))('%s validates against the Kubernetes API schema', async (_name, obj) => {
    const Model = await modelFor(obj);
    expect(() => new Model(obj).validate()).not.toThrow();
  });

  test.each(everything.map((x) => [`${x.file}: ${x.obj.kind}/${x.obj.metadata.name}`, x.obj] as const))('%s has no unknown field (strict, as kubectl --validate=strict)', (_name, obj) => {
    expect(strictProblems(obj, `V1${obj.kind}`, obj.kind)).toEqual([]);
  });

  test('the schema validators do catch a missing required field and a wrong type', async () => {
    const ds = structuredClone(find('DaemonSet')) as unknown as Obj & { spec: { selector?: unknown; template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    const Model = await modelFor(ds);
    delete ds.spec.selector;
    expect(() => new Model(ds).validate()).toThrow(/selector/);
    const ds2 = structuredClone(find('DaemonSet')) as typeof ds;
    ds2.spec.template.spec.containers[0].ports[0].containerPort = '179';
    expect(() => new Model(ds2).validate()).toThrow(/containerPort must be integer/);
  });

  test('the strict walk does catch a misspelt field and a wrong type', () => {
    const ds = structuredClone(find('DaemonSet')) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    ds.spec.template.spec.tolerration = [];
    ds.spec.template.spec.hostNetwork = 'yes';
    expect(strictProblems(ds, 'V1DaemonSet', 'DaemonSet')).toEqual(['DaemonSet.spec.template.spec.hostNetwork: expected boolean, got "yes"', 'DaemonSet.spec.template.spec.tolerration: unknown field of V1PodSpec']);
  });

  test('the kustomizations list exactly the manifests beside them', () => {
    for (const dir of [deploy, join(deploy, 'uninstall')]) {
      const k = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[]; namespace: string };
      expect(k.resources.sort()).toEqual(readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort());
      expect(k.namespace).toBe('kube-system');
    }
  });
});

// ---- the DaemonSet against the agent -------------------------------------------------------------

interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: { name: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  livenessProbe?: { httpGet: { host?: string; path: string; port: number | string } };
  readinessProbe?: { httpGet: { host?: string; path: string; port: number | string } };
  securityContext?: { privileged?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  ports?: { name: string; containerPort: number }[];
}
interface PodSpec {
  hostNetwork: boolean;
  dnsPolicy: string;
  priorityClassName: string;
  serviceAccountName: string;
  tolerations: { operator: string; key?: string; effect?: string }[];
  containers: Container[];
  initContainers?: Container[];
  volumes: { name: string; hostPath?: { path: string } }[];
}

const ds = find<{ spec: { template: { spec: PodSpec } } }>('DaemonSet', 'podroute');
const pod = ds.spec.template.spec;
const agent = pod.containers.find((c) => c.name === 'agent')!;
const config = find<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap', 'podroute-config');
const envOf = new Map((agent.env ?? []).map((e) => [e.name, e]));
const agentFlags = flagsOf(AGENT_USAGE);

describe('DaemonSet', () => {
  test('runs `podroute agent` with flags that all exist in `podroute agent --help`', () => {
    expect(agent.args?.[0]).toBe('agent');
    const used = agent.args!.slice(1).map((a) => /^--([a-z0-9-]+)=/.exec(a)?.[1]);
    expect(used).not.toContain(undefined);
    for (const f of used) expect([f, agentFlags.has(f!)]).toEqual([f, true]);
    expect(new Set(used).size).toBe(used.length);
  });

  test('every ConfigMap key is a flag of the agent and is passed to it; every $(VAR) is defined', () => {
    for (const key of Object.keys(config.data)) expect([key, agentFlags.has(key)]).toEqual([key, true]);
    const fromConfig = new Map<string, string>(); // flag → env var
    for (const e of agent.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef;
      if (!ref) continue;
      expect(ref.name).toBe(config.metadata.name);
      expect([ref.key, ref.key in config.data]).toEqual([ref.key, true]);
      fromConfig.set(ref.key, e.name);
    }
    expect([...fromConfig.keys()].sort()).toEqual(Object.keys(config.data).sort());
    for (const [flag, env] of fromConfig) expect(agent.args).toContain(`--${flag}=$(${env})`);
    for (const a of agent.args!) for (const m of a.matchAll(/\$\(([A-Z0-9_]+)\)/g)) expect([m[1], envOf.has(m[1])]).toEqual([m[1], true]);
  });

  test('NODE_NAME comes from spec.nodeName and names the node', () => {
    expect(envOf.get('NODE_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(agent.args).toContain('--node-name=$(NODE_NAME)');
  });

  test('probes hit /healthz and /readyz on the port of --http, where the kubelet can reach it', () => {
    const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(config.data.http)!;
    expect(m).not.toBeNull();
    const host = m[1] ?? m[2];
    const port = Number(m[3]);
    expect(agent.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port });
    expect(agent.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port });
    expect(agent.ports?.find((p) => p.name === 'http')?.containerPort).toBe(port);
    // hostNetwork: the probe's default host is the node IP, which a loopback listener never answers.
    for (const p of [agent.livenessProbe!, agent.readinessProbe!]) {
      if (['127.0.0.1', 'localhost', '::1'].includes(host)) expect(p.httpGet.host).toBe(host === 'localhost' ? '127.0.0.1' : host);
      else expect(['0.0.0.0', '::', '', undefined, '127.0.0.1']).toContain(p.httpGet.host ?? '');
    }
  });

  test('host network, cluster DNS, node-critical, tolerates every taint', () => {
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.tolerations).toContainEqual({ operator: 'Exists' });
    expect(pod.serviceAccountName).toBe(find('ServiceAccount').metadata.name);
  });

  test('the agent is not privileged: root with NET_ADMIN, NET_RAW, NET_BIND_SERVICE only', () => {
    const sc = agent.securityContext!;
    expect(sc.privileged ?? false).toBe(false);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.capabilities?.drop).toEqual(['ALL']);
    expect([...(sc.capabilities?.add ?? [])].sort()).toEqual(['NET_ADMIN', 'NET_BIND_SERVICE', 'NET_RAW']);
  });

  test('host mounts: CNI config and state rw, the xtables lock, /lib/modules read-only', () => {
    const vol = new Map(pod.volumes.map((v) => [v.name, v.hostPath?.path]));
    const mounts = [...pod.containers, ...(pod.initContainers ?? [])].flatMap((c) => c.volumeMounts ?? []);
    const mounted = (host: string): { mountPath: string; readOnly?: boolean } | undefined => mounts.find((m) => vol.get(m.name) === host);
    expect(mounted('/etc/cni/net.d')).toMatchObject({ mountPath: config.data['cni-conf-dir'] });
    expect(mounted('/etc/cni/net.d')?.readOnly ?? false).toBe(false);
    expect(mounted('/var/lib/cni')?.mountPath).toBe('/var/lib/cni');
    expect(mounted('/run/xtables.lock')?.mountPath).toBe('/run/xtables.lock');
    expect(mounted('/lib/modules')).toMatchObject({ mountPath: '/lib/modules', readOnly: true });
  });

  test('images carry a version tag, never latest', () => {
    for (const { obj } of everything) {
      if (obj.kind !== 'DaemonSet') continue;
      const spec = (obj as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) expect(c.image).toMatch(/^[^:]+:\d+\.\d+\.\d+$/);
    }
  });

  test('the uninstall DaemonSet runs `podroute cleanup` with flags it has', () => {
    const u = uninstall.find((x) => x.obj.kind === 'DaemonSet')!.obj as unknown as { spec: { template: { spec: PodSpec } } };
    const c = u.spec.template.spec.initContainers!.find((x) => x.args?.[0] === 'cleanup')!;
    const known = flagsOf(CLEANUP_USAGE);
    for (const a of c.args!.slice(1)) {
      const f = /^--([a-z0-9-]+)/.exec(a)![1];
      expect([f, known.has(f)]).toEqual([f, true]);
    }
    expect(c.securityContext?.privileged ?? false).toBe(false);
  });
});

// ---- RBAC against the code ---------------------------------------------------------------------

type Grant = string; // "group/resource/verb"

/** Kinds the code may touch → their API group and plural. */
const RESOURCES: Record<string, { group: string; plural: string }> = {
  Node: { group: '', plural: 'nodes' },
  Namespace: { group: '', plural: 'namespaces' },
  Pod: { group: '', plural: 'pods' },
  Service: { group: '', plural: 'services' },
  Secret: { group: '', plural: 'secrets' },
  Event: { group: '', plural: 'events' },
  EndpointSlice: { group: 'discovery.k8s.io', plural: 'endpointslices' },
  NetworkPolicy: { group: 'networking.k8s.io', plural: 'networkpolicies' },
};

/**
 * Grants the design asks for that no code calls yet, each with its reason. Empty: today every
 * rule is backed by a call; anything the ClusterRole grants beyond the code fails the test.
 */
const DECLARED: Record<Grant, string> = {};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** API calls in the Kubernetes source: informer paths (list+watch) and typed client methods. */
function usedGrants(sources: string[]): Set<Grant> {
  const out = new Set<Grant>();
  for (const src of sources) {
    for (const m of src.matchAll(/path: '\/apis?\/(?:([a-z0-9.-]+)\/)?v1\/([a-z]+)'/g)) {
      const group = m[1] && m[1].includes('.') ? m[1] : '';
      for (const v of ['list', 'watch']) out.add(`${group}/${m[2]}/${v}`);
    }
    for (const m of src.matchAll(/\.(list|read|create|patch|replace|delete)(?:Namespaced)?([A-Z][A-Za-z]+?)(?:ForAllNamespaces|Status)?\(/g)) {
      const r = RESOURCES[m[2]];
      if (!r) throw new Error(`API call .${m[1]}${m[2]}() on a kind this test does not know: add it to RESOURCES`);
      const verb = m[1] === 'read' ? 'get' : m[1] === 'replace' ? 'update' : m[1];
      out.add(`${r.group}/${r.plural}/${verb}`);
      if (m[1] === 'list') out.add(`${r.group}/${r.plural}/watch`); // listed kinds are informers
    }
  }
  return out;
}

describe('RBAC', () => {
  const role = find<{ rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] }>('ClusterRole', 'podroute');
  const granted = new Set<Grant>();
  for (const r of role.rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) granted.add(`${g}/${res}/${v}`);
  const sources = walk(join(root, 'src/cluster/kubernetes')).map((f) => readFileSync(f, 'utf8'));
  const used = usedGrants(sources);
  // Secrets are granted only by the namespaced Role, for named Secrets: never cluster-wide.
  const secretRole = find<{ metadata: { namespace: string }; rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] }>('Role', 'podroute-bgp-passwords');
  const secretGrants = new Set<Grant>();
  for (const r of secretRole.rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) secretGrants.add(`${g}/${res}/${v}`);

  test('the code scan finds the informers (guards the scan itself)', () => {
    for (const k of ['/nodes/list', '/pods/watch', 'discovery.k8s.io/endpointslices/list', 'networking.k8s.io/networkpolicies/watch', '/nodes/patch', '/events/create', '/events/patch']) expect(used).toContain(k);
  });

  test('only src/cluster/kubernetes talks to the API, so scanning it finds every call', () => {
    const outside = walk(join(root, 'src')).filter((f) => !f.includes('/src/cluster/kubernetes/') && /@kubernetes\/client-node/.test(readFileSync(f, 'utf8')));
    expect(outside).toEqual([]);
  });

  test('covers every API call the agent makes', () => {
    expect([...used].filter((g) => !granted.has(g) && !secretGrants.has(g))).toEqual([]);
  });

  test('the Secret Role: get only, named Secrets only, in the agent\'s namespace, bound to its ServiceAccount', () => {
    expect([...secretGrants]).toEqual(['/secrets/get']);
    expect(used.has('/secrets/get')).toBe(true);
    for (const r of secretRole.rules) expect(r.resourceNames?.length).toBeGreaterThan(0);
    const sa = find('ServiceAccount');
    expect(secretRole.metadata.namespace).toBe(sa.metadata.namespace);
    const b = find<{ roleRef: { kind: string; name: string }; subjects: { name: string; namespace: string }[] }>('RoleBinding', 'podroute-bgp-passwords');
    expect(b.roleRef).toMatchObject({ kind: 'Role', name: 'podroute-bgp-passwords' });
    expect(b.subjects).toEqual([expect.objectContaining({ name: sa.metadata.name, namespace: sa.metadata.namespace })]);
  });

  test('grants nothing more: beyond the calls, only get on listed kinds and the declared uses', () => {
    const implied = new Set([...used].filter((g) => g.endsWith('/list')).map((g) => g.replace(/\/list$/, '/get')));
    const extra = [...granted].filter((g) => !used.has(g) && !implied.has(g) && !(g in DECLARED));
    expect(extra).toEqual([]);
  });

  test('no wildcards, no secrets, no escalation verbs', () => {
    for (const r of role.rules) for (const x of [...r.apiGroups, ...r.resources, ...r.verbs]) expect(x).not.toBe('*');
    for (const g of granted) expect(g).not.toMatch(/\/secrets\/|\/(escalate|bind|impersonate)$/);
  });

  test('the binding gives the role to the agent\'s ServiceAccount', () => {
    const b = find<{ roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] }>('ClusterRoleBinding', 'podroute');
    const sa = find('ServiceAccount');
    expect(b.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'podroute' });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
  });
});
