// The IPVS generic netlink adapter against a real IPVS kernel: one VM boot runs every check in
// test/vm/scenarios/ipvs-adapter.ts; each CHECK line it prints becomes an assertion here.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { buildVmPrograms, requireRoot, runVm, type VmRun } from '../../vm/lib/host.js';

let run: VmRun;

beforeAll(async () => {
  requireRoot();
  buildVmPrograms();
  run = await runVm('node dist/test/vm/scenarios/ipvs-adapter.js');
}, 600_000);

const expected = [
  'info: version 1.2.1',
  'create a TCP rr service; ipvsadm sees it; dump decodes it',
  'adding it again is EEXIST with the errno',
  'schedulers with flags, persistence and netmask: sh, mh, wlc, dh, lc, wrr (UDP, SCTP, IPv6, fwmark)',
  'update a service (scheduler change) in place',
  'destinations: masq/route/tunnel, weight, thresholds; list and ipvsadm agree',
  'update a destination weight to 0 (graceful drain), then delete it',
  'deleting a missing destination reports ENOENT',
  'batch: 2,000 services and 4,000 destinations pipelined, per-op errno',
  'stats: a connection to a service is counted (per service and per destination)',
  'timeouts: set and read back',
  'delete services; the kernel is empty again',
  'the stopgap raw transport (netlink package) does the same round trip',
];

describe('IPVS adapter in the VM', () => {
  test('the VM ran the scenario to the end', () => {
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.stdout).toContain('CHECKS-DONE failures=0');
  });
  test.each(expected)('%s', (name) => {
    const c = run.checks.find((x) => x.name === name);
    expect(c ? { ok: c.ok, detail: c.ok ? '' : c.detail } : `check "${name}" never ran:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toEqual({ ok: true, detail: '' });
  });
});
