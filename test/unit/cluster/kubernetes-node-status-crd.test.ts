// The PodrouteNodeStatus object through the real client against the fake API server: created on
// the first write, merge-patched after, a clear error when the CRD is missing; and every printer
// column of the CRD points at a field the object really has.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { FakeApiServer } from '../../fake-apiserver/server.js';
import { nodeStatusCrdWriter, nodeStatusObject, podrouteNodeStatusCrd } from '../../../src/cluster/kubernetes/node-status-crd.js';
import type { BgpStatusSummary } from '../../../src/agent/node-status.js';

let api: FakeApiServer;
let kc: k8s.KubeConfig;

const summary = (established: number): BgpStatusSummary & { updatedAt: string } => ({
  asn: 64512, routerId: '10.0.0.1', established,
  peers: [
    { address: '10.0.0.2', asn: 64512, name: 'node-2', state: established ? 'Established' : 'Active', in: 1, out: 1 },
    { address: '10.0.0.3', asn: 64512, name: 'node-3', state: 'Active', in: 0, out: 0 },
  ],
  fib: { installed: 1, errors: 0 },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

beforeEach(async () => {
  api = new FakeApiServer();
  await api.start();
  kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
});
afterEach(async () => {
  await api.stop();
});

test('first write creates the object named after the node; later writes merge-patch its status', async () => {
  const write = nodeStatusCrdWriter(kc, 'node-1');
  await write(JSON.stringify(summary(0)));
  await write(JSON.stringify(summary(1)));
  const o = api.get('PodrouteNodeStatus', 'node-1')!;
  expect(o).toMatchObject({ apiVersion: 'podroute.io/v1alpha1', kind: 'PodrouteNodeStatus', metadata: { name: 'node-1' } });
  expect(o.status).toEqual({ ...summary(1), configured: 2 });
  const writes = api.requests.filter((r) => r.url.startsWith('/apis/podroute.io/'));
  expect(writes.map((r) => [r.method, r.contentType])).toEqual([
    ['PATCH', 'application/merge-patch+json'], ['POST', 'application/json'], ['PATCH', 'application/merge-patch+json'],
  ]);
});

test('without the CRD the error says so', async () => {
  api.crdMissing();
  await expect(nodeStatusCrdWriter(kc, 'node-1')(JSON.stringify(summary(1)))).rejects.toThrow('the podroutenodestatuses.podroute.io CRD is not installed');
});

test('every printer column resolves on the object the agent writes', () => {
  const crd = podrouteNodeStatusCrd() as { spec: { versions: { additionalPrinterColumns: { name: string; jsonPath: string }[] }[] } };
  const obj = nodeStatusObject('node-1', summary(1));
  const at = (path: string): unknown => path.split('.').filter(Boolean).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obj);
  const cols = crd.spec.versions[0].additionalPrinterColumns;
  expect(cols.map((c) => [c.name, at(c.jsonPath)])).toEqual([
    ['ASN', 64512], ['Router-ID', '10.0.0.1'], ['Established', 1], ['Peers', 2], ['FIB', 1], ['Updated', '2026-01-01T00:00:00.000Z'],
  ]);
});

test('the CRD printed in docs/agent.md is the one in the code', async () => {
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const doc = readFileSync(new URL('../../../docs/agent.md', import.meta.url), 'utf8');
  const m = /```yaml\n(apiVersion: apiextensions\.k8s\.io\/v1\n[\s\S]*?)```/.exec(doc);
  expect(m).not.toBeNull();
  expect(parse(m![1])).toEqual(podrouteNodeStatusCrd());
});
