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
  // No legacy tables in the namespace: legacy is not even listed (listing would create them).
  expect(k.calls.filter((x) => x.endsWith('-save'))).toEqual(['iptables-nft-save', 'ip6tables-nft-save']);
  expect(c.status().backend).toBe('nft');
});

describe('a pod change touches only what it belongs to', () => {
  const base = () => {
    const pods = [
      pod('a', 'web', '10.1.0.10', { app: 'web' }),
      pod('a', 'db', '10.1.0.11', { app: 'db' }),
      pod('b', 'client', '10.2.0.20', { role: 'client' }, [], 'node-b'),
      pod('b', 'other', '10.2.0.21', { role: 'other' }, [], 'node-b'),
    ];
    const policies = [
      policy('a', 'web', { podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] }, ingress: [{ peers: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] }, podSelector: { matchLabels: { role: 'client' }, matchExpressions: [] } }], ports: [] }] }),
      policy('a', 'db', { podSelector: { matchLabels: { app: 'db' }, matchExpressions: [] }, ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] } }], ports: [] }] }),
    ];
    return { pods, policies };
  };
  const mk = (pods: ReturnType<typeof pod>[], policies: ReturnType<typeof policy>[]) =>
    view({ namespaces: { a: {}, b: {} }, pods, policies, nodes: [node('node-a', ['10.1.0.0/24'])] });

  test('a remote peer relabelled: one set, one delta line, no iptables', async () => {
    const k = fakeKernel();
    const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft' });
    const { pods, policies } = base();
    await c.setView(mk(pods, policies));
    k.calls.length = 0;
    pods[3] = { ...pods[3], labels: { role: 'client' } };
    await c.setView(mk(pods, policies));
    expect(c.status().lastSync!.stats).toMatchObject({ full: false, setsWritten: 1, chainsWritten: 0, setsDestroyed: 0, ipsetLines: 1 });
    expect(k.calls).toEqual(['ipset restore']);
  });

  test('a local pod appears: its chain and the dispatch/readiness chains, in one iptables commit', async () => {
    const k = fakeKernel();
    const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft' });
    const { pods, policies } = base();
    await c.setView(mk(pods, policies));
    k.calls.length = 0;
    await c.setView(mk([...pods, pod('a', 'web-2', '10.1.0.12', { app: 'web' })], policies));
    const st = c.status().lastSync!.stats;
    // PODROUTE-FW, READY-SRC, READY-DST, the new pod's ingress chain; plus the db policy's
    // peer set (app=web) gains the new address.
    expect(st).toMatchObject({ full: false, chainsWritten: 4, chainsRemoved: 0, setsWritten: 1 });
    expect(k.calls).toEqual(['ipset restore', 'iptables-nft-restore -w --noflush']);
  });

  test('an unrelated remote pod changing labels touches nothing at all', async () => {
    const k = fakeKernel();
    const c = new NetpolController({ nodeName: 'node-a', runner: k.run, backend: 'nft' });
    const { pods, policies } = base();
    await c.setView(mk(pods, policies));
    k.calls.length = 0;
    pods[3] = { ...pods[3], labels: { role: 'still-not-a-client' } };
    await c.setView(mk(pods, policies));
    expect(k.calls).toEqual([]);
  });
});

test('netpol owns only its own name shapes, never other podroute controllers\' sets and chains', async () => {
  const { isNetpolChain, isNetpolSet } = await import('../../../src/netpol/names.js');
  expect(isNetpolSet('podroute-abcdefgh234567ab')).toBe(true);
  expect(isNetpolSet('podroute-cluster-v4')).toBe(false); // the SNAT set
  expect(isNetpolChain('PODROUTE-FW')).toBe(true);
  expect(isNetpolChain('PODROUTE-I-abcdefgh234567ab')).toBe(true);
  expect(isNetpolChain('PODROUTE-SVC-FW')).toBe(false); // the service proxy's
  expect(isNetpolChain('PODROUTE-POSTROUTING')).toBe(false); // pod SNAT
});
