// The service proxy end to end in the IPVS VM: pod namespaces serving TCP and UDP, real traffic to
// ClusterIPs and NodePorts, endpoint changes, ClientIP affinity, graceful termination, drift repair,
// and a foreign IPVS service left alone. One VM boot; each CHECK line becomes an assertion.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { buildVmPrograms, requireRoot, runVm, type VmRun } from '../../vm/lib/host.js';

let run: VmRun;

beforeAll(async () => {
  requireRoot();
  buildVmPrograms();
  run = await runVm('node dist/test/vm/scenarios/proxy-dataplane.js');
}, 600_000);

const expected = [
  'full sync: ClusterIP (TCP+UDP), NodePort, VIPs on podroute-vip; foreign service untouched',
  'a client reaches the ClusterIP over TCP, spread over both pods (rr)',
  'dual-stack: an IPv6 ClusterIP reaches the pods over IPv6',
  'a client reaches the ClusterIP over UDP',
  'a client reaches the NodePort (TCP and UDP) on the node address',
  'endpoints change (pod2 → pod3): traffic follows; only that Service is touched',
  'ClientIP affinity: every request sticks to one pod',
  'a terminating endpoint gets weight 0, keeps its open connection, gets no new ones',
  'an endpoint that never had a connection is removed at once',
  'drift: a destination deleted behind our back is restored by the full resync; foreign still untouched',
  'deleting a Service removes its IPVS services and VIP; the foreign service stays',
  'ownership survives a restart: a new controller with the same store deletes what the old one made',
];

describe('service proxy in the VM', () => {
  test('the VM ran the scenario to the end', () => {
    expect({ code: run.code, tail: run.stdout.includes('CHECKS-DONE failures=0') ? 'done' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}` }).toEqual({ code: 0, tail: 'done' });
  });
  test.each(expected)('%s', (name) => {
    const c = run.checks.find((x) => x.name === name);
    expect(c ? { ok: c.ok, detail: c.ok ? '' : c.detail } : `check "${name}" never ran:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toEqual({ ok: true, detail: '' });
  });
});
