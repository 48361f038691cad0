// The Kubernetes source against our fake API server, through the real @kubernetes/client-node
// informers over HTTP: initial list, watch events, dropped watches, 410 Gone, an API outage.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { FakeApiServer, type KubeObject } from '../../fake-apiserver/server.js';
import { KubernetesClusterSource } from '../../../src/cluster/kubernetes/source.js';
import { silentLogger } from '../../../src/util/log.js';

let api: FakeApiServer;
let src: KubernetesClusterSource | undefined;

const node = (name: string, ip: string, annotations: Record<string, string> = {}): KubeObject => ({
  kind: 'Node', metadata: { name, annotations }, spec: { podCIDR: `10.244.${ip.split('.')[3]}.0/24` },
  status: { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: 'True' }] },
});

async function until(what: string, f: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function source(): KubernetesClusterSource {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
  src = new KubernetesClusterSource({ kubeConfig: kc, log: silentLogger, kinds: ['Node', 'Namespace'], backoffMs: { initial: 50, max: 200 }, debounceMs: 10 });
  return src;
}
const names = () => [...src!.view().nodes.keys()].sort();

beforeEach(async () => {
  api = new FakeApiServer();
  await api.start();
  api.put(node('n1', '10.0.0.1'));
  api.put(node('n2', '10.0.0.2'));
});
afterEach(async () => {
  await src?.stop();
  src = undefined;
  await api.stop();
});

test('initial list, then watch events: add, annotate, delete', async () => {
  const s = source();
  await s.start();
  expect(s.ready()).toBe(true);
  expect(names()).toEqual(['n1', 'n2']);
  expect(s.view().nodes.get('n1')).toMatchObject({ internalIPs: ['10.0.0.1'], podCIDRs: ['10.244.1.0/24'], ready: true });

  api.put(node('n3', '10.0.0.3'));
  await until('n3 in the view', () => names().includes('n3'));
  api.put(node('n1', '10.0.0.1', { 'podroute.io/node.asn': '65001' }));
  await until('annotation in the view', () => s.view().nodes.get('n1')?.annotations['podroute.io/node.asn'] === '65001');
  api.delete('Node', 'n2');
  await until('n2 gone', () => !names().includes('n2'));
  // The watch asked only for what the notes say client-node sends.
  expect(api.requests.some((r) => r.url.startsWith('/api/v1/nodes?watch=true&resourceVersion='))).toBe(true);
});

test('a dropped watch is resumed from the last resourceVersion; nothing is lost meanwhile', async () => {
  const s = source();
  await s.start();
  api.dropWatches();
  expect(names()).toEqual(['n1', 'n2']); // the last known objects stay
  await until('watch re-established', () => api.watchCount() >= 2);
  api.put(node('n4', '10.0.0.4'));
  await until('n4 after the reconnect', () => names().includes('n4'));
});

test('410 Gone → relist: objects deleted while away disappear, new ones appear', async () => {
  const s = source();
  await s.start();
  const lists = () => api.requests.filter((r) => r.url === '/api/v1/nodes').length;
  expect(lists()).toBe(1);
  await api.stop();
  api.delete('Node', 'n1');
  api.put(node('n5', '10.0.0.5'));
  api.compact();
  await api.start();
  await until('relisted after 410', () => names().join() === 'n2,n5', 10_000);
  expect(lists()).toBeGreaterThanOrEqual(2);
});

test('an API outage keeps the view; requests failing with 503 are retried with backoff', async () => {
  const s = source();
  await s.start();
  await api.stop();
  await new Promise((r) => setTimeout(r, 300));
  expect(names()).toEqual(['n1', 'n2']);
  api.failNext(3, 503);
  await api.start();
  api.put(node('n6', '10.0.0.6'));
  await until('n6 after the outage', () => names().includes('n6'), 10_000);
});

test('ready only after the first full sync, even if the API is down at start', async () => {
  await api.stop();
  const s = source();
  const started = s.start();
  await new Promise((r) => setTimeout(r, 200));
  expect(s.ready()).toBe(false);
  await api.start();
  await started;
  expect(s.ready()).toBe(true);
  expect(names()).toEqual(['n1', 'n2']);
});

test("the agents' own status annotation is not a change and stays out of the view; anything else is", async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
  src = new KubernetesClusterSource({ kubeConfig: kc, log: silentLogger, kinds: ['Node'], backoffMs: { initial: 50, max: 200 }, debounceMs: 10, ignoreAnnotations: ['podroute.io/bgp-status'] });
  await src.start();
  await new Promise((r) => setTimeout(r, 100)); // the initial sync's own 'change' goes by first
  let changes = 0;
  src.on('change', () => changes++);
  api.put(node('n1', '10.0.0.1', { 'podroute.io/bgp-status': '{"asn":1}' }));
  api.put(node('n1', '10.0.0.1', { 'podroute.io/bgp-status': '{"asn":2}' }));
  // Let both watch events arrive and the debounce pass: nothing.
  await new Promise((r) => setTimeout(r, 300));
  expect(changes).toBe(0);
  expect(src.view().nodes.get('n1')!.annotations).toEqual({});
  api.put(node('n1', '10.0.0.1', { 'podroute.io/bgp-status': '{"asn":3}', 'podroute.io/node.asn': '65001' }));
  await until('a real annotation change is a change', () => changes === 1);
  expect(src.view().nodes.get('n1')!.annotations).toEqual({ 'podroute.io/node.asn': '65001' });
});

test('loadKubeConfig: a file, the in-cluster account, or a clear error', async () => {
  const { loadKubeConfig } = await import('../../../src/cluster/kubernetes/source.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  writeFileSync(join(dir, 'kc'), api.kubeconfig());
  expect(loadKubeConfig(join(dir, 'kc')).getCurrentCluster()?.server).toBe(api.url);
  writeFileSync(join(dir, 'empty'), '{"apiVersion":"v1","kind":"Config"}');
  expect(() => loadKubeConfig(join(dir, 'empty'))).toThrow('no current context with a cluster');
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  try {
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_PORT;
    expect(() => loadKubeConfig()).toThrow('not running in a pod (KUBERNETES_SERVICE_HOST/PORT are unset); give --kubeconfig or --cluster-file');
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    expect(loadKubeConfig().getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  } finally {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  }
});
