// The demo as a test: a 3-node cluster network in namespaces (real podroute agents, a real BIRD
// ToR, pods made by the real CNI bridge plugin), every check asserted; then one node's agent is
// restarted while a pod keeps sending traffic to a pod on that node.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor } from '../../../src/lab/netns.js';
import { agentGet, buildDemo, fibPrefixes, waitConverged, type DemoWorld } from '../../../src/demo/run.js';
import { runChecks } from '../../../src/demo/checks.js';
import { PODROUTE_RTPROT_DEFAULT } from '../../../src/netlink/route/protocol.js';

jest.setTimeout(180_000);

let lab: Lab;
let world: DemoWorld;

beforeAll(async () => {
  for (const bin of ['/usr/sbin/bird', '/usr/lib/cni/bridge', '/usr/bin/socat', '/usr/bin/ping']) {
    if (!existsSync(bin)) throw new Error(`demo test needs ${bin}: run scripts/install-deps.sh`);
  }
  if (!existsSync('dist/src/cli/main.js')) throw new Error('demo test runs the built agent: run `npm run build` first');
  lab = new Lab('prt');
  world = await buildDemo({ nodes: 3, keep: false, statusPort: 0, out: () => {}, routeProtocol: PODROUTE_RTPROT_DEFAULT }, lab);
});

afterAll(async () => {
  await lab?.dispose();
});

test('every demo check passes, each one measured', async () => {
  const results = await runChecks(world);
  const failed = results.filter((r) => !r.ok).map((r) => `${r.check} ${r.from} → ${r.to}: ${r.measured}`);
  expect(failed).toEqual([]);
  // 3 nodes: 3 BGP + 3 FIB + 1 ToR + 6×2 pod pairs + 1 same-node + 3 node→pods + 3 host→pod
  // + 1 outside→pod + 2 pod→outside (SNAT) + 3 NetworkPolicy (allowed, denied, removed).
  expect(results).toHaveLength(32);
  expect(results.find((r) => r.check === 'NetworkPolicy denies')?.measured).toMatch(/dropped/);
  const snat = results.filter((r) => r.check === 'pod → outside TCP, SNAT');
  expect(snat.map((r) => r.measured)).toEqual(['server saw 192.168.100.11 (node node-1)', 'server saw 192.168.100.13 (node node-3)']);
  const noNat = results.filter((r) => r.check === 'pod → pod TCP, no NAT');
  expect(noNat).toHaveLength(6);
  for (const r of noNat) expect(r.measured).toContain(`server saw ${r.from.split(' ')[1]}`);
});

test('restarting one agent keeps pod-to-pod traffic flowing (routes stay in the FIB)', async () => {
  const src = world.podNs.get('pod-1-1')!;
  const dst = world.plan.nodes[1].pods[0];
  const node2 = world.nodeNs.get('node-2')!;
  const before = await fibPrefixes(node2, PODROUTE_RTPROT_DEFAULT);
  expect([...before].sort()).toEqual(['10.244.1.0/24', '10.244.3.0/24']);

  // The FIB's start-up deferral is over (BGP converged), so only graceful restart can keep routes.
  const events1 = await agentGet<{ message: string }[]>(world.sockets.get('node-1')!, '/api/v1/events');
  expect(events1.some((e) => e.message.startsWith('initial BGP convergence'))).toBe(true);

  // 20 pings a second from pod-1-1 to a pod on node-2, for 10 s around the whole restart.
  const pinger = src.spawn('restart-ping', 'ping', ['-c', '200', '-i', '0.05', '-W', '1', dst.ip!]);
  await new Promise((r) => setTimeout(r, 500));
  await world.stopAgent('node-2');
  // The agent is gone; its routes are still in node-2's kernel FIB and traffic still flows.
  const during = await fibPrefixes(node2, PODROUTE_RTPROT_DEFAULT);
  expect([...during].sort()).toEqual(['10.244.1.0/24', '10.244.3.0/24']);
  // …and the other nodes, as graceful-restart helpers, keep node-2's podCIDR while it is away.
  const node1 = await fibPrefixes(world.nodeNs.get('node-1')!, PODROUTE_RTPROT_DEFAULT);
  expect(node1.has('10.244.2.0/24')).toBe(true);
  const helperEvents = await agentGet<{ message: string }[]>(world.sockets.get('node-1')!, '/api/v1/events');
  expect(helperEvents.some((e) => e.message.startsWith("graceful restart: keeping the peer's routes as stale"))).toBe(true);
  await new Promise((r) => setTimeout(r, 1500));
  await world.startAgent('node-2');
  await waitConverged(world);
  // node-2 came back and re-sent its table: the helpers swept what was still stale.
  await waitFor('stale routes swept after End-of-RIB', async () =>
    (await agentGet<{ message: string }[]>(world.sockets.get('node-1')!, '/api/v1/events')).some((e) => e.message.startsWith('graceful restart: stale routes swept')));
  await pinger.exited;
  const out = pinger.output();
  const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
  if (!m) throw new Error(`no ping summary:\n${out.slice(-500)}`);
  const [sent, received] = [Number(m[1]), Number(m[2])];
  expect(sent).toBe(200);
  // Forwarding never stopped: at most one probe lost to the moment of the restart itself.
  expect(sent - received).toBeLessThanOrEqual(1);
});
