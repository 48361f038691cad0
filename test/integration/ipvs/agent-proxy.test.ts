// The agent's service proxy end to end in the IPVS VM: the real `bin/podroute.js agent` in a node
// namespace, pods serving TCP, a client reaching a ClusterIP from the cluster file, the file
// changing, the status API and metrics over the unix socket, and a foreign IPVS service left alone.
// One VM boot; each CHECK line becomes an assertion.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { buildVmPrograms, requireRoot, runVm, type VmRun } from '../../vm/lib/host.js';

let run: VmRun;

beforeAll(async () => {
  requireRoot();
  buildVmPrograms();
  run = await runVm('node dist/test/vm/scenarios/agent-proxy.js');
}, 600_000);

const expected = [
  'the agent starts in the node namespace and is ready, with the proxy controller synced',
  'the ClusterIP from the cluster file is in IPVS with both pods; a client reaches it, spread over both',
  'the cluster file changes (pod2 removed, pod3 added): IPVS and traffic follow',
  '/api/v1/services lists the Service with its endpoints, scheduler and IPVS stats',
  '/metrics has the per-service IPVS counters and proxy sync durations',
  'a NodePort Service added to the file: reached on the node\'s InternalIP',
  'the foreign IPVS service (ipvsadm) is untouched, and the ownership file names only ours',
  'the Service leaves the file: its IPVS service and VIP go, the foreign one stays',
  'SIGTERM: the agent exits 0; its IPVS services keep answering while it is away; the foreign one stays',
  'restart: the new agent adopts what the old one made (ownership file) and removes a Service deleted meanwhile',
  'podroute cleanup removes the IPVS services, VIPs and chains the agent made, and leaves the foreign service',
];

describe('the agent runs the service proxy (VM)', () => {
  test('the VM ran the scenario to the end', () => {
    expect({ code: run.code, tail: run.stdout.includes('CHECKS-DONE failures=0') ? 'done' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}` }).toEqual({ code: 0, tail: 'done' });
  });
  test.each(expected)('%s', (name) => {
    const c = run.checks.find((x) => x.name === name);
    expect(c ? { ok: c.ok, detail: c.ok ? '' : c.detail } : `check "${name}" never ran:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toEqual({ ok: true, detail: '' });
  });
});
