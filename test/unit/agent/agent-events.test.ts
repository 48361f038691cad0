// Which routing problems become Kubernetes Events, on which object, with which text: only the
// node's own agent reports a Node's bad annotation (every agent parses every node), a Service's
// bad annotation is reported by one node only, and problems that are not about an annotation
// produce no Event (the log line covers them).
import { EventEmitter } from 'node:events';
import { expect, test } from '@jest/globals';
import { Agent } from '../../../src/agent/agent.js';
import { EventLog } from '../../../src/agent/event-log.js';
import type { ClusterSource } from '../../../src/cluster/source.js';
import type { EventObjectRef, EventRecorder } from '../../../src/cluster/kubernetes/events.js';
import { emptyClusterView, type ClusterView, type NodeView } from '../../../src/cluster/view.js';
import { silentLogger } from '../../../src/util/log.js';

function source(nodes: string[]): ClusterSource {
  const view: ClusterView = {
    ...emptyClusterView(),
    nodes: new Map(nodes.map((name) => [name, { name, podCIDRs: [], internalIPs: [], externalIPs: [], labels: {}, annotations: {}, ready: true } satisfies NodeView])),
  };
  return Object.assign(new EventEmitter(), { start: async () => {}, stop: async () => {}, view: () => view, ready: () => true }) as unknown as ClusterSource;
}

function rig(nodeName: string, nodes = ['node-a', 'node-b']) {
  const got: [EventObjectRef, string, string][] = [];
  const recorder: EventRecorder = { warning: (o, r, m) => void got.push([o, r, m]) };
  const agent = new Agent({
    nodeName, source: source(nodes), log: silentLogger, events: new EventLog(), version: 'test', k8sEvents: recorder,
    routing: { nodeName, clusterAsn: 64512, fullMesh: true, bgpPort: 179, globalPeers: [], advertisePodCidr: true },
  });
  return { agent, got };
}

test("a bad annotation on this node → InvalidAnnotation on the Node, with the parser's exact reason", () => {
  const { agent, got } = rig('node-b');
  agent.routing.emit('problem', { node: 'node-b', annotation: 'podroute.io/node.asn', reason: '"x" is not an AS number (1..4294967295 or asdot x.y)' });
  expect(got).toEqual([[{ kind: 'Node', name: 'node-b' }, 'InvalidAnnotation', 'annotation podroute.io/node.asn: "x" is not an AS number (1..4294967295 or asdot x.y); keeping the last good setting']]);
});

test("another node's bad annotation is left to that node's agent; non-annotation problems make no Event", () => {
  const { agent, got } = rig('node-b');
  agent.routing.emit('problem', { node: 'node-a', annotation: 'podroute.io/node.asn', reason: 'bad' });
  agent.routing.emit('problem', { node: 'node-b', reason: 'node "node-b" is not in the cluster view' });
  expect(got).toEqual([]);
});

test('a Service annotation problem is reported once for the cluster, by the first node by name', () => {
  const problem = { node: 'x', annotation: 'podroute.io/service.advertise.externalip', reason: '"maybe" is not "true" or "false"; using the default (true)', object: { kind: 'Service' as const, namespace: 'shop', name: 'web' } };
  const a = rig('node-a');
  const b = rig('node-b');
  a.agent.routing.emit('problem', { ...problem, node: 'node-a' });
  b.agent.routing.emit('problem', { ...problem, node: 'node-b' });
  expect(a.got).toEqual([[{ kind: 'Service', namespace: 'shop', name: 'web' }, 'InvalidAnnotation', 'annotation podroute.io/service.advertise.externalip: "maybe" is not "true" or "false"; using the default (true)']]);
  expect(b.got).toEqual([]);
});
