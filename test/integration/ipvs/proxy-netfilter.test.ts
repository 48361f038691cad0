// Masquerade (NodePort from outside, traffic policy Local keeps the client IP, hairpin) and the VIP
// firewall, with real traffic in the IPVS VM. One VM boot; each CHECK line becomes an assertion.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { buildVmPrograms, requireRoot, runVm, type VmRun } from '../../vm/lib/host.js';

let run: VmRun;

beforeAll(async () => {
  requireRoot();
  buildVmPrograms();
  run = await runVm('node dist/test/vm/scenarios/proxy-netfilter.js');
}, 600_000);

const expected = [
  'sync installs sets, chains and hooks (nothing else in the tables changes)',
  'NodePort from outside, traffic policy Cluster: answered, and the pod sees the node (masqueraded)',
  'NodePort from outside, traffic policy Local: the pod sees the real client address',
  'hairpin: a pod reaches itself through its own Service',
  'firewall: a VIP answers only on Service ports; other ports are rejected (not silently dropped)',
  'an endpoint change updates the hairpin set by delta',
  'remove() takes every chain, hook and set of ours away',
];

describe('service proxy netfilter in the VM', () => {
  test('the VM ran the scenario to the end', () => {
    expect({ code: run.code, tail: run.stdout.includes('CHECKS-DONE failures=0') ? 'done' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}` }).toEqual({ code: 0, tail: 'done' });
  });
  test.each(expected)('%s', (name) => {
    const c = run.checks.find((x) => x.name === name);
    expect(c ? { ok: c.ok, detail: c.ok ? '' : c.detail } : `check "${name}" never ran:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toEqual({ ok: true, detail: '' });
  });
});
