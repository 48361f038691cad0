// The controller with a fake runner: syncs never overlap, views coalesce, failures are recorded
// and followed by a full resync, denied-packet counters map back to pods.
import { NetpolController } from '../../../src/netpol/controller.js';
import { podChainName } from '../../../src/netpol/names.js';
import type { Runner } from '../../../src/netfilter/exec.js';
import { node, pod, policy, view } from './fixtures.js';

function fakeKernel(opts: { failRestore?: () => boolean } = {}) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run: Runner = async (argv, stdin) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    calls.push(argv.join(' '));
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    if (argv[0].includes('restore') && argv[0] !== 'ipset' && opts.failRestore?.()) return { code: 1, stdout: '', stderr: 'kernel says no' };
    if (argv.includes('-S') && argv.includes('-v')) {
      return { code: 0, stdout: `-A ${podChainName('a', 'web', 'ingress')} -c 7 420 -j DROP\n-A OTHER -c 9 9 -j DROP\n`, stderr: '' };
    }
    if (argv.includes('-C')) return { code: 1, stdout: '', stderr: '' };
    void stdin;
    return { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls, maxInFlight: () => maxInFlight };
}

const v = (n: number) => view({
  namespaces: { a: {} },
  pods: [pod('a', 'web', '10.1.0.10', { app: 'web', gen: String(n) })],
  policies: [policy('a', 'deny', {})],
  nodes: [node('node-a', ['10.1.0.0/24'])],
});

test('views arriving during a sync coalesce into one next sync; syncs never overlap', async () => {
  const k = fakeKernel();
  const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft' });
  const all = [c.setView(v(1)), c.setView(v(2)), c.setView(v(3)), c.setView(v(4))];
  await Promise.all(all);
  expect(c.status().syncs).toBe(2);
  expect(c.status().fullSyncs).toBe(1);
  expect(k.maxInFlight()).toBe(1);
  expect(c.status()).toMatchObject({ backend: 'nft', policies: 1, isolatedPods: 1, errors: 0 });
});

test('a failed sync is recorded, and the next one is a full resync', async () => {
  let fail = true;
  const k = fakeKernel({ failRestore: () => fail });
  const errors: unknown[] = [];
  const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft', retryMs: 60_000, onError: (e) => errors.push(e) });
  await c.setView(v(1));
  expect(c.status().errors).toBe(1);
  expect(c.status().lastError).toMatch(/kernel says no/);
  expect(errors).toHaveLength(1);
  fail = false;
  await c.setView(v(2));
  expect(c.status().lastError).toBeUndefined();
  expect(c.status().lastSync!.stats.full).toBe(true);
  c.stop();
});

test('deniedPackets maps DROP counters of our chains to pods', async () => {
  const k = fakeKernel();
  const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft' });
  await c.setView(v(1));
  expect(await c.deniedPackets()).toEqual(new Map([['a/web', 14]])); // v4 + v6 listings, both 7
});

test('auto backend detection runs once, in the runner', async () => {
  const k = fakeKernel();
  const c = new NetpolController({ nodeName: 'node-a', runner: k.run });
  await c.setView(v(1));
  await c.setView(v(2));
  expect(k.calls.filter((x) => x.endsWith('-save')).length).toBe(4); // legacy+nft × v4+v6
  expect(c.status().backend).toBe('nft');
});
