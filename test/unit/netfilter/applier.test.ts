// The applier against a recording fake runner: which restore files it emits, in which order.
import { Applier, type ApplySpec } from '../../../src/netfilter/applier.js';
import { toolsFor } from '../../../src/netfilter/backend.js';
import type { Runner } from '../../../src/netfilter/exec.js';

function fake(): { run: Runner; calls: { argv: string[]; stdin?: string }[] } {
  const calls: { argv: string[]; stdin?: string }[] = [];
  const run: Runner = async (argv, stdin) => {
    calls.push({ argv: [...argv], stdin });
    if (argv[0] === 'ipset' && argv[1] === 'list') return { code: 0, stdout: 'podroute-stray\nother\n', stderr: '' };
    if (argv.includes('-S')) return { code: 0, stdout: '-N PODROUTE-STRAY\n-N OTHER\n', stderr: '' };
    if (argv.includes('-C')) return { code: 1, stdout: '', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

const opts = { ownsSet: (n: string) => n.startsWith('podroute-'), ownsChain: (n: string) => n.startsWith('PODROUTE-'), hooks: [{ from: 'FORWARD', to: 'PODROUTE-FW' }, { from: 'OUTPUT', to: 'PODROUTE-OUT' }] };
function spec(local: string[], peers: string[], chainRules: string[]): ApplySpec {
  return {
    v4: {
      sets: new Map([
        ['podroute-other', { type: 'hash:ip' as const, family: 4 as const, members: local }],
        ['podroute-peers', { type: 'hash:ip' as const, family: 4 as const, members: peers }],
      ]),
      chains: new Map([['PODROUTE-FW', chainRules], ['PODROUTE-I-a', ['-j DROP']]]),
    },
    v6: { sets: new Map(), chains: new Map([['PODROUTE-FW', []]]) },
  };
}

test('first apply is full: sets before chains, strays (ours only) removed after, FORWARD hooked', async () => {
  const f = fake();
  const a = new Applier(f.run, toolsFor('nft'), opts);
  const st = await a.apply(spec(['10.0.0.1'], ['10.0.0.9'], ['-d 10.0.0.1 -j PODROUTE-I-a']));
  expect(st.full).toBe(true);
  const order = f.calls.map((c) => c.argv.join(' '));
  const firstIpset = order.indexOf('ipset restore');
  const ipt = order.indexOf('iptables-nft-restore -w --noflush');
  const lastIpset = order.lastIndexOf('ipset restore');
  expect(firstIpset).toBeLessThan(ipt);
  expect(ipt).toBeLessThan(lastIpset);
  const pre = f.calls[firstIpset].stdin!;
  expect(pre).toContain('add podroute-peers-t 10.0.0.9');
  expect(pre).toContain('swap podroute-peers-t podroute-peers');
  expect(pre).not.toContain('destroy podroute-stray'); // still referenced until the chains change
  const post = f.calls[lastIpset].stdin!;
  expect(post).toContain('destroy podroute-stray');
  expect(post).not.toContain('destroy other');
  const rules = f.calls[ipt].stdin!;
  expect(rules).toContain('-X PODROUTE-STRAY');
  expect(rules).not.toContain('OTHER');
  expect(order).toContain('iptables-nft -w -I FORWARD 1 -j PODROUTE-FW');
  expect(order).not.toContain('iptables-nft -w -I OUTPUT 1 -j PODROUTE-OUT'); // we have no such chain here
});

test('incremental apply writes only what changed', async () => {
  const f = fake();
  const a = new Applier(f.run, toolsFor('nft'), opts);
  await a.apply(spec(['10.0.0.1'], ['10.0.0.9'], ['-d 10.0.0.1 -j PODROUTE-I-a']));
  f.calls.length = 0;
  const st = await a.apply(spec(['10.0.0.1'], ['10.0.0.9', '10.0.0.10'], ['-d 10.0.0.1 -j PODROUTE-I-a']));
  expect(st).toMatchObject({ full: false, setsWritten: 1, chainsWritten: 0, chainsRemoved: 0 });
  expect(f.calls).toEqual([{ argv: ['ipset', 'restore'], stdin: 'add podroute-peers 10.0.0.10 -exist\n' }]);
  f.calls.length = 0;
  await a.apply(spec(['10.0.0.1'], ['10.0.0.9', '10.0.0.10'], ['-d 10.0.0.1 -j PODROUTE-I-a']));
  expect(f.calls).toEqual([]);
});

test('a failed restore makes the next apply full', async () => {
  const f = fake();
  let fail = true;
  const run: Runner = async (argv, stdin) => (fail && argv[0] === 'iptables-nft-restore' ? { code: 1, stdout: '', stderr: 'boom' } : f.run(argv, stdin));
  const a = new Applier(run, toolsFor('nft'), opts);
  await expect(a.apply(spec([], [], []))).rejects.toThrow(/boom/);
  fail = false;
  expect((await a.apply(spec([], [], []))).full).toBe(true);
});

test('a family with nothing desired may be missing on the host (no ip6tables)', async () => {
  const f = fake();
  const run: Runner = async (argv, stdin) => (argv[0].startsWith('ip6tables') ? { code: 3, stdout: '', stderr: 'no ipv6' } : f.run(argv, stdin));
  const a = new Applier(run, toolsFor('nft'), opts);
  const s = spec([], [], []);
  const v4only: ApplySpec = { v4: s.v4, v6: { sets: new Map(), chains: new Map() } };
  expect((await a.apply(v4only)).full).toBe(true);
  await expect(a.apply(spec([], [], []), { full: true })).rejects.toThrow(/no ipv6/);
});

test('a set of 300,000 members goes through (no call-stack limits on the way)', async () => {
  const f = fake();
  const a = new Applier(f.run, toolsFor('nft'), opts);
  const many = Array.from({ length: 300_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).sort();
  await a.apply(spec([], many, []));
  const restore = f.calls.find((c) => c.argv.join(' ') === 'ipset restore')!;
  expect(restore.stdin!.split('\n').filter((l) => l.startsWith('add podroute-peers-t ')).length).toBe(300_000);
});
