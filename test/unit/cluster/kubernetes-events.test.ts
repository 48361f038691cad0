// Events and the status annotation through the real @kubernetes/client-node against our fake API
// server: Event shape (namespace default, involvedObject = the Node, reason, Warning, message),
// deduplication by count/lastTimestamp with a merge patch, recovery from an expired Event, and the
// Node annotation written as a merge patch that leaves the rest of the Node alone.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { FakeApiServer } from '../../fake-apiserver/server.js';
import { KubernetesEventRecorder, kubernetesEventApi } from '../../../src/cluster/kubernetes/events.js';
import { nodeAnnotationWriter } from '../../../src/cluster/kubernetes/node-annotation.js';
import { silentLogger, type Logger } from '../../../src/util/log.js';

let api: FakeApiServer;
let kc: k8s.KubeConfig;

beforeEach(async () => {
  api = new FakeApiServer();
  await api.start();
  kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
  api.put({ kind: 'Node', metadata: { name: 'node-1', labels: { a: 'b' }, annotations: { keep: 'me' } }, spec: { podCIDR: '10.244.1.0/24' } });
});
afterEach(async () => {
  await api.stop();
});

function recorder(log: Logger = silentLogger, now = () => new Date('2026-01-01T00:00:00Z')) {
  return new KubernetesEventRecorder({ api: kubernetesEventApi(kc), component: 'podroute', host: 'node-1', log, now });
}

test('a problem becomes a Warning Event on the Node, in namespace default, with the exact reason', async () => {
  const r = recorder();
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'annotation podroute.io/node.asn: "abc" is not an AS number');
  await r.flush();
  const events = api.list('Event');
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    metadata: { namespace: 'default' },
    involvedObject: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
    reason: 'InvalidAnnotation',
    type: 'Warning',
    message: 'annotation podroute.io/node.asn: "abc" is not an AS number',
    count: 1,
    firstTimestamp: '2026-01-01T00:00:00.000Z',
    source: { component: 'podroute', host: 'node-1' },
  });
  expect(events[0].metadata.name).toMatch(/^node-1\./);
});

test('the same problem again bumps count and lastTimestamp with a merge patch instead of a new Event', async () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const r = recorder(silentLogger, () => new Date(t));
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'same');
  t += 10_000;
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'same');
  t += 10_000;
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'same');
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'different');
  await r.flush();
  const events = api.list('Event');
  expect(events).toHaveLength(2);
  const same = events.find((e) => e.message === 'same')!;
  expect(same).toMatchObject({ count: 3, firstTimestamp: '2026-01-01T00:00:00.000Z', lastTimestamp: '2026-01-01T00:00:20.000Z' });
  const patches = api.requests.filter((q) => q.method === 'PATCH');
  expect(patches).toHaveLength(2);
  expect(patches.every((p) => p.contentType === 'application/merge-patch+json')).toBe(true);
});

test('an expired Event is created anew; a Service problem lands in the service namespace', async () => {
  const r = recorder();
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'x');
  await r.flush();
  api.delete('Event', api.list('Event')[0].metadata.name, 'default');
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'x');
  r.warning({ kind: 'Service', namespace: 'shop', name: 'web' }, 'InvalidAnnotation', 'y');
  await r.flush();
  const events = api.list('Event');
  expect(events.map((e) => [e.metadata.namespace, (e.involvedObject as { kind: string }).kind, e.count])).toEqual([['default', 'Node', 1], ['shop', 'Service', 1]]);
});

test('an API failure is logged, never thrown, and later problems still get through', async () => {
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (msg: string) => warnings.push(msg), child: () => log } as unknown as Logger;
  const r = recorder(log);
  api.failNext(1, 503);
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'lost');
  r.warning({ kind: 'Node', name: 'node-1' }, 'InvalidAnnotation', 'kept');
  await r.flush();
  expect(warnings).toEqual(['could not write a Kubernetes Event']);
  expect(api.list('Event').map((e) => e.message)).toEqual(['kept']);
});

test('the status annotation is a merge patch that leaves other annotations, labels and spec alone', async () => {
  const write = nodeAnnotationWriter(kc, 'node-1', 'podroute.io/bgp-status');
  await write('{"asn":64512}');
  await write('{"asn":64513}');
  const n = api.get('Node', 'node-1')!;
  expect(n.metadata).toMatchObject({ labels: { a: 'b' }, annotations: { keep: 'me', 'podroute.io/bgp-status': '{"asn":64513}' } });
  expect(n.spec).toEqual({ podCIDR: '10.244.1.0/24' });
  expect(api.requests.filter((q) => q.method === 'PATCH').map((q) => q.contentType)).toEqual(['application/merge-patch+json', 'application/merge-patch+json']);
  await expect(nodeAnnotationWriter(kc, 'node-9', 'k')('v')).rejects.toThrow();
});
