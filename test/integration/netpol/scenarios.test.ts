// NetworkPolicy enforced on real traffic: the controller programs a node namespace (bridge of pod
// namespaces + a routed outside namespace) and real TCP/UDP connections are checked allowed or
// denied, for scenarios modelled on the upstream network-policy e2e suite (namespaces x, y, z with
// pods a, b, c). Scenarios run in sequence on one node, so every step is also an incremental sync.
import type { ClusterView, NetworkPolicyView, PodView } from '../../../src/cluster/view.js';
import { NetpolController } from '../../../src/netpol/controller.js';
import { hostRunner, netnsRunner } from '../../../src/netfilter/exec.js';
import { node, pod, policy, rule, sel, view } from '../../unit/netpol/fixtures.js';
import { Agent, Topology } from './topology.js';

const T = 60_000;
const SERVE = { tcp: [80, 81, 8080, 9000, 9003, 9006], udp: [53, 81] };
const NSL = {
  x: { ns: 'x', 'kubernetes.io/metadata.name': 'x' },
  y: { ns: 'y', 'kubernetes.io/metadata.name': 'y' },
  z: { ns: 'z', 'kubernetes.io/metadata.name': 'z' },
  'kube-system': { 'kubernetes.io/metadata.name': 'kube-system' },
};
const PORTS = [{ name: 'serve-8080', containerPort: 8080, protocol: 'TCP' as const }, { name: 'dns', containerPort: 53, protocol: 'UDP' as const }];
// name → [namespace, pod, last octet, labels]
const PODS: Record<string, [string, string, number, Record<string, string>]> = {
  xa: ['x', 'a', 10, { pod: 'a' }],
  xb: ['x', 'b', 11, { pod: 'b' }],
  xc: ['x', 'c', 12, { pod: 'c' }],
  ya: ['y', 'a', 20, { pod: 'a' }],
  yb: ['y', 'b', 21, { pod: 'b' }],
  za: ['z', 'a', 30, { pod: 'a' }],
};
const EXT = '10.78.0.2';
const EXT2 = '10.78.0.3';

let topo: Topology;
let ctl: NetpolController;
const agents: Record<string, Agent> = {};
let labels: Record<string, Record<string, string>> = {};
let present: Set<string>;
let otherRulesBefore: string;

function v4(p: string): string {
  return `10.77.0.${PODS[p][2]}`;
}

function cluster(policies: NetworkPolicyView[]): ClusterView {
  const pods: PodView[] = [...present].map((k) => {
    const [ns, name, octet] = PODS[k];
    return pod(ns, name, [`10.77.0.${octet}`, `fd77::${octet.toString(16)}`], labels[k], PORTS, 'node-a');
  });
  // The outside namespace plays CoreDNS on another node (for egress-to-DNS) at EXT.
  pods.push(pod('kube-system', 'coredns', EXT, { 'k8s-app': 'kube-dns' }, [], 'node-b'));
  return view({ namespaces: NSL, pods, policies, nodes: [node('node-a', ['10.77.0.0/24', 'fd77::/64'])] });
}

async function enforce(policies: NetworkPolicyView[]): Promise<void> {
  await ctl.setView(cluster(policies));
  const st = ctl.status();
  if (st.lastError) throw new Error(st.lastError);
}

type Probe = [from: string, to: string, proto: 'tcp' | 'udp', port: number, expect: boolean, opts?: { local?: string }];

async function check(probes: Probe[]): Promise<void> {
  const results = await Promise.all(probes.map(async ([from, to, proto, port, expected, opts]) => {
    const a = from === 'ext' ? topo.extAgent : agents[from];
    const host = to === 'ext' ? EXT : to.includes('.') || to.includes(':') ? to : v4(to);
    const ok = await a.probe(proto, host, port, opts);
    // A loaded machine can make an allowed exchange miss the short timeout; a denied one never
    // completes however long we wait. So only a miss that should have passed gets a second, longer try.
    if (!ok && expected) return a.probe(proto, host, port, { ...opts, timeoutMs: 3000 });
    return ok;
  }));
  const got = probes.map((p, i) => `${p[0]}→${p[1]} ${p[2]}/${p[3]}${p[5]?.local ? ` from ${p[5].local}` : ''}: ${results[i] ? 'allowed' : 'denied'}`);
  const want = probes.map((p) => `${p[0]}→${p[1]} ${p[2]}/${p[3]}${p[5]?.local ? ` from ${p[5].local}` : ''}: ${p[4] ? 'allowed' : 'denied'}`);
  expect(got).toEqual(want);
}

/** Every non-podroute rule and chain of the node, except our one hook line in FORWARD. */
async function otherRules(): Promise<string> {
  const out: string[] = [];
  for (const tool of ['iptables-nft-save', 'ip6tables-nft-save']) {
    const s = await topo.exec(topo.node, [tool]);
    // Rules and chain declarations only (an empty table appearing in the listing is not a change).
    out.push(...s.split('\n').filter((l) => (l.startsWith('-A') || l.startsWith(':')) && !l.includes('PODROUTE')).map((l) => `${tool} ${l.replace(/ \[\d+:\d+\]$/, '')}`));
  }
  const sets = await topo.exec(topo.node, ['ipset', 'save']);
  out.push(...sets.split('\n').filter((l) => l && !l.includes('podroute-')));
  return out.join('\n');
}

beforeAll(async () => {
  topo = await Topology.create({ tcp: [80, 443], udp: [53] });
  for (const [k, [, , octet]] of Object.entries(PODS)) agents[k] = await topo.addPod(octet, SERVE);
  labels = Object.fromEntries(Object.entries(PODS).map(([k, v]) => [k, { ...v[3] }]));
  present = new Set(Object.keys(PODS));
  // Another tool's rules and sets in the same tables: they must survive every sync untouched.
  await topo.exec(topo.node, ['ipset', 'create', 'other-tool', 'hash:ip']);
  await topo.exec(topo.node, ['ipset', 'add', 'other-tool', '192.0.2.1']);
  await topo.exec(topo.node, ['iptables-nft-restore', '--noflush'], [
    '*filter', ':OTHER-TOOL - [0:0]', '-A FORWARD -j OTHER-TOOL', '-A OTHER-TOOL -m set --match-set other-tool src -j DROP',
    '-A OTHER-TOOL -p tcp --dport 81 -j ACCEPT', 'COMMIT',
    '*nat', ':OTHER-NAT - [0:0]', '-A POSTROUTING -j OTHER-NAT', '-A OTHER-NAT -s 10.99.0.0/16 -j MASQUERADE', 'COMMIT', ''].join('\n'));
  await topo.exec(topo.node, ['ip6tables-nft-restore', '--noflush'], [
    '*filter', ':OTHER-TOOL6 - [0:0]', '-A FORWARD -j OTHER-TOOL6', '-A OTHER-TOOL6 -s 2001:db8::/32 -j DROP', 'COMMIT', ''].join('\n'));
  otherRulesBefore = await otherRules();
  ctl = new NetpolController({ nodeName: 'node-a', runner: netnsRunner(topo.node), nflogGroup: 42 });
}, T);

afterAll(async () => {
  ctl?.stop();
  await topo?.destroy();
}, T);

afterEach(async () => {
  // After every scenario: the other tool's rules are intact and ours are consistent.
  expect(await otherRules()).toBe(otherRulesBefore);
});

test('no policy: everything is reachable; the backend follows the host (nft here)', async () => {
  await enforce([]);
  expect(ctl.status().backend).toBe('nft');
  await check([['ya', 'xa', 'tcp', 80, true], ['xa', 'ya', 'udp', 53, true], ['ext', 'xa', 'tcp', 80, true], ['xa', 'ext', 'tcp', 443, true]]);
}, T);

test('deny all ingress in x: x pods unreachable, they still reach out, replies pass', async () => {
  await enforce([policy('x', 'deny-all', { types: ['Ingress'] })]);
  await check([
    ['ya', 'xa', 'tcp', 80, false], ['xb', 'xa', 'tcp', 80, false], ['ext', 'xa', 'tcp', 80, false], ['ya', 'xa', 'udp', 53, false],
    ['xa', 'ya', 'tcp', 80, true], ['xa', 'ext', 'tcp', 80, true], ['xa', 'ya', 'udp', 53, true], ['ya', 'yb', 'tcp', 80, true],
  ]);
}, T);

test('denied traffic is counted per pod and logged', async () => {
  await enforce([policy('x', 'deny-all', { types: ['Ingress'] })]);
  await check([['ya', 'xa', 'tcp', 80, false], ['ya', 'xa', 'udp', 53, false]]);
  const denied = await ctl.deniedPackets();
  expect(denied.get('x/a') ?? 0).toBeGreaterThan(0);
  expect(denied.has('y/a')).toBe(false);
  // And logged: the rate-limited NFLOG rule in front of the DROP saw them.
  const listing = await topo.exec(topo.node, ['iptables-nft', '-S', '-v']);
  const logged = [...listing.matchAll(/-c (\d+) \d+ -j NFLOG --nflog-prefix "podroute deny in x\/a" --nflog-group 42/g)];
  expect(logged.length).toBe(1);
  expect(Number(logged[0][1])).toBeGreaterThan(0);
}, T);

test('allow from the same namespace', async () => {
  await enforce([policy('x', 'same-ns', { ingress: [rule([{ podSelector: sel() }])] })]);
  await check([['xb', 'xa', 'tcp', 80, true], ['xc', 'xa', 'udp', 81, true], ['ya', 'xa', 'tcp', 80, false], ['ext', 'xb', 'tcp', 80, false]]);
}, T);

test('allow from a namespace by label', async () => {
  await enforce([policy('x', 'from-y', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }])] })]);
  await check([['ya', 'xa', 'tcp', 80, true], ['yb', 'xa', 'tcp', 81, true], ['za', 'xa', 'tcp', 80, false], ['xb', 'xa', 'tcp', 80, false], ['za', 'xb', 'tcp', 80, true]]);
}, T);

test('allow from a pod by label in another namespace (namespace AND pod selector)', async () => {
  await enforce([policy('x', 'from-yb', { podSelector: sel({ pod: 'a' }), ingress: [rule([{
    namespaceSelector: sel({}, [{ key: 'ns', operator: 'In', values: ['y'] }]),
    podSelector: sel({}, [{ key: 'pod', operator: 'NotIn', values: ['a'] }]),
  }])] })]);
  await check([['yb', 'xa', 'tcp', 80, true], ['ya', 'xa', 'tcp', 80, false], ['za', 'xa', 'tcp', 80, false], ['xb', 'xa', 'tcp', 80, false]]);
}, T);

test('namespace selector OR pod selector (two peers)', async () => {
  await enforce([policy('x', 'or', { podSelector: sel({ pod: 'a' }), ingress: [rule([
    { namespaceSelector: sel({ ns: 'z' }) }, { podSelector: sel({}, [{ key: 'pod', operator: 'Exists', values: [] }, { key: 'nope', operator: 'DoesNotExist', values: [] }]) },
  ])] })]);
  await check([['za', 'xa', 'tcp', 80, true], ['xb', 'xa', 'tcp', 80, true], ['yb', 'xa', 'tcp', 80, false]]);
}, T);

test('ipBlock with except', async () => {
  await enforce([policy('x', 'cidr', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ ipBlock: { cidr: '10.78.0.0/24', except: ['10.78.0.3/32'] } }])] })]);
  await check([
    ['ext', 'xa', 'tcp', 80, true, { local: EXT }], ['ext', 'xa', 'tcp', 80, false, { local: EXT2 }],
    ['ext', 'xa', 'udp', 53, true, { local: EXT }], ['ya', 'xa', 'tcp', 80, false],
  ]);
}, T);

test('named port', async () => {
  await enforce([policy('x', 'named', { podSelector: sel({ pod: 'a' }), ingress: [rule([], [{ protocol: 'TCP', port: 'serve-8080' }, { protocol: 'UDP', port: 'dns' }])] })]);
  await check([['ya', 'xa', 'tcp', 8080, true], ['ya', 'xa', 'udp', 53, true], ['ya', 'xa', 'tcp', 80, false], ['ya', 'xa', 'udp', 81, false]]);
}, T);

test('endPort range', async () => {
  await enforce([policy('x', 'range', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel() }], [{ protocol: 'TCP', port: 9000, endPort: 9003 }])] })]);
  await check([['ya', 'xa', 'tcp', 9000, true], ['ya', 'xa', 'tcp', 9003, true], ['ya', 'xa', 'tcp', 9006, false], ['ya', 'xa', 'tcp', 80, false]]);
}, T);

test('UDP port ingress', async () => {
  await enforce([policy('x', 'udp', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }], [{ protocol: 'UDP', port: 53 }])] })]);
  await check([['ya', 'xa', 'udp', 53, true], ['ya', 'xa', 'udp', 81, false], ['ya', 'xa', 'tcp', 80, false], ['za', 'xa', 'udp', 53, false]]);
}, T);

test('deny all egress: nothing leaves, inbound connections and their replies still work', async () => {
  await enforce([policy('x', 'deny-egress', { podSelector: sel({ pod: 'a' }), types: ['Egress'] })]);
  await check([['xa', 'ya', 'tcp', 80, false], ['xa', 'ext', 'tcp', 80, false], ['xa', 'xb', 'udp', 53, false], ['ya', 'xa', 'tcp', 80, true], ['ya', 'xa', 'udp', 53, true], ['xb', 'ya', 'tcp', 80, true]]);
}, T);

test('egress to an ipBlock on one port', async () => {
  await enforce([policy('x', 'egress-cidr', { podSelector: sel({ pod: 'a' }), types: ['Egress'], egress: [rule([{ ipBlock: { cidr: '10.78.0.0/24', except: [] } }], [{ protocol: 'TCP', port: 80 }])] })]);
  await check([['xa', 'ext', 'tcp', 80, true], ['xa', 'ext', 'tcp', 443, false], ['xa', 'ya', 'tcp', 80, false]]);
}, T);

test('egress DNS allowed (to kube-dns in kube-system), nothing else', async () => {
  await enforce([policy('x', 'dns-only', { podSelector: sel(), types: ['Egress'], egress: [rule(
    [{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: sel({ 'k8s-app': 'kube-dns' }) }],
    [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  )] })]);
  await check([['xa', 'ext', 'udp', 53, true], ['xb', 'ext', 'udp', 53, true], ['xa', 'ext', 'tcp', 80, false], ['xa', 'ya', 'udp', 53, false]]);
}, T);

test('two policies add up', async () => {
  await enforce([
    policy('x', 'p80-from-y', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }], [{ protocol: 'TCP', port: 80 }])] }),
    policy('x', 'p81-from-z', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'z' }) }], [{ protocol: 'TCP', port: 81 }])] }),
  ]);
  await check([['ya', 'xa', 'tcp', 80, true], ['ya', 'xa', 'tcp', 81, false], ['za', 'xa', 'tcp', 81, true], ['za', 'xa', 'tcp', 80, false]]);
}, T);

test('ingress and egress policies both apply between two pods of the node', async () => {
  await enforce([
    policy('x', 'b-egress', { podSelector: sel({ pod: 'b' }), types: ['Egress'], egress: [rule([{ podSelector: sel({ pod: 'a' }) }])] }),
    policy('x', 'a-ingress', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ podSelector: sel({ pod: 'b' }) }], [{ protocol: 'TCP', port: 80 }])] }),
  ]);
  await check([['xb', 'xa', 'tcp', 80, true], ['xb', 'xa', 'tcp', 81, false], ['xb', 'xc', 'tcp', 80, false], ['xc', 'xa', 'tcp', 80, false]]);
}, T);

test('a policy changed live, then deleted', async () => {
  const p = (ns: string) => policy('x', 'live', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns }) }])] });
  await enforce([p('y')]);
  await check([['ya', 'xa', 'tcp', 80, true], ['za', 'xa', 'tcp', 80, false]]);
  await enforce([p('z')]);
  await check([['ya', 'xa', 'tcp', 80, false], ['za', 'xa', 'tcp', 80, true]]);
  await enforce([]);
  await check([['ya', 'xa', 'tcp', 80, true], ['za', 'xa', 'tcp', 80, true]]);
  expect(ctl.status().isolatedPods).toBe(0);
}, T);

test('a pod relabelled live', async () => {
  const pols = [policy('x', 'from-b', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ podSelector: sel({ role: 'client' }) }])] })];
  labels.xb = { pod: 'b', role: 'client' };
  await enforce(pols);
  await check([['xb', 'xa', 'tcp', 80, true], ['xc', 'xa', 'tcp', 80, false]]);
  labels.xc = { pod: 'c', role: 'client' };
  labels.xb = { pod: 'b' };
  await enforce(pols);
  await check([['xb', 'xa', 'tcp', 80, false], ['xc', 'xa', 'tcp', 80, true]]);
  // The target pod relabelled out of the policy's podSelector: no longer isolated.
  labels.xa = { pod: 'a2' };
  await enforce(pols);
  await check([['xb', 'xa', 'tcp', 80, true]]);
  labels.xa = { pod: 'a' };
  labels.xb = { pod: 'b' };
  labels.xc = { pod: 'c' };
}, T);

test('a new pod is not reachable before its policy is in place', async () => {
  const pols = [policy('z', 'deny', { types: ['Ingress'] })];
  present.delete('za');
  await enforce(pols);
  // z/a exists on the bridge but is not in the view yet: dropped both ways.
  await check([['ya', 'za', 'tcp', 80, false], ['za', 'ya', 'tcp', 80, false]]);
  present.add('za');
  await enforce(pols);
  await check([['ya', 'za', 'tcp', 80, false], ['za', 'ya', 'tcp', 80, true]]);
}, T);

test('IPv6: namespace-label policy over the v6 addresses', async () => {
  await enforce([policy('x', 'v6', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }, { ipBlock: { cidr: 'fd78::/64', except: [] } }])] })]);
  await check([['ya', 'fd77::a', 'tcp', 80, true], ['za', 'fd77::a', 'tcp', 80, false], ['ext', 'fd77::a', 'tcp', 80, true], ['ya', 'fd77::a', 'udp', 53, true], ['za', 'fd77::a', 'udp', 53, false]]);
}, T);

test('OUTPUT: the node itself reaches isolated pods; pod-sourced packets it sends out (as IPVS does) are filtered', async () => {
  await enforce([policy('x', 'deny-all', { types: ['Ingress'] })]);
  const nodeAgent = await Agent.start(topo.node, [], {});
  topo.agents.push(nodeAgent);
  const fromNode = (await nodeAgent.probe('tcp', v4('xa'), 80)) || (await nodeAgent.probe('tcp', v4('xa'), 80, { timeoutMs: 3000 }));
  expect(fromNode).toBe(true); // kubelet-style: always allowed
  // A packet leaving the node through OUTPUT with a pod's address as source, as IPVS sends its
  // translated packets (IP_TRANSPARENT lets socat send from an address the node does not hold).
  // A locally sent packet that OUTPUT drops fails with EPERM: that is one of the expected outcomes.
  const spoof = async (src: string) => (await hostRunner(['ip', 'netns', 'exec', topo.node, 'socat', '-u', '-',
    `UDP4-SENDTO:${v4('xa')}:53,bind=${v4(src)},transparent`], 'x\n')).stderr.includes('Operation not permitted');
  const denied = async () => (await ctl.deniedPackets()).get('x/a') ?? 0;
  let before = await denied();
  expect(await spoof('ya')).toBe(true);
  expect(await denied()).toBe(before + 1);
  await enforce([policy('x', 'from-y', { ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }])] })]);
  before = await denied();
  expect(await spoof('ya')).toBe(false);
  expect(await denied()).toBe(before);
  expect(await spoof('za')).toBe(true);
  expect(await denied()).toBe(before + 1);
}, T);

test('full resync repairs drift (a flushed chain, a removed set member, a deleted hook)', async () => {
  const pols = [policy('x', 'from-y', { podSelector: sel({ pod: 'a' }), ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }])] })];
  await enforce(pols);
  await check([['ya', 'xa', 'tcp', 80, true], ['za', 'xa', 'tcp', 80, false]]);
  await topo.exec(topo.node, ['iptables-nft', '-D', 'FORWARD', '-j', 'PODROUTE-FW']);
  await check([['za', 'xa', 'tcp', 80, true]]); // drift: the hook is gone
  await ctl.resync();
  await check([['ya', 'xa', 'tcp', 80, true], ['za', 'xa', 'tcp', 80, false]]);
  const listing = await topo.exec(topo.node, ['iptables-nft', '-S']);
  const chain = /-A PODROUTE-FW -d 10\.77\.0\.10\/32 -j (\S+)/.exec(listing)![1];
  await topo.exec(topo.node, ['iptables-nft', '-F', chain]);
  await check([['za', 'xa', 'tcp', 80, true]]);
  // Strays in netpol's own name shapes are repaired away; a sibling controller's set (the pod SNAT
  // set) has the podroute- prefix too and must survive netpol's drift repair.
  await topo.exec(topo.node, ['iptables-nft', '-N', 'PODROUTE-I-strayaaaaaaaaaaa']);
  await topo.exec(topo.node, ['ipset', 'create', 'podroute-strayaaaaaaaaaaa', 'hash:ip']);
  await topo.exec(topo.node, ['ipset', 'create', 'podroute-cluster-v4', 'hash:net', '-exist']);
  await ctl.resync();
  const sets = await topo.exec(topo.node, ['ipset', 'list', '-n']);
  expect(sets).not.toContain('podroute-strayaaaaaaaaaaa');
  expect(sets).toContain('podroute-cluster-v4');
  await topo.exec(topo.node, ['ipset', 'destroy', 'podroute-cluster-v4']);
  await check([['ya', 'xa', 'tcp', 80, true], ['za', 'xa', 'tcp', 80, false]]);
  expect(await topo.exec(topo.node, ['iptables-nft', '-S'])).not.toContain('PODROUTE-I-strayaaaaaaaaaaa');
  expect((await topo.exec(topo.node, ['iptables-nft', '-S', 'FORWARD'])).match(/PODROUTE-FW/g)).toHaveLength(1);
  expect(ctl.status().fullSyncs).toBeGreaterThanOrEqual(3);
}, T);

test('allowed traffic continues to the other tool\'s rules after ours (RETURN, not ACCEPT)', async () => {
  await enforce([]);
  const before = await topo.exec(topo.node, ['iptables-nft', '-S', 'OTHER-TOOL', '-v']);
  await check([['ya', 'xa', 'tcp', 81, true]]);
  const after = await topo.exec(topo.node, ['iptables-nft', '-S', 'OTHER-TOOL', '-v']);
  const count = (s: string) => Number(/--dport 81 -c (\d+)/.exec(s)?.[1] ?? /-c (\d+) \d+ -p tcp -m tcp --dport 81/.exec(s)?.[1] ?? -1);
  expect(count(after)).toBeGreaterThan(count(before));
}, T);

test('teardown removes everything of ours and nothing else', async () => {
  await enforce([policy('x', 'deny-all', {})]);
  await ctl.teardown();
  const listing = await topo.exec(topo.node, ['iptables-nft-save']);
  expect(listing).not.toContain('PODROUTE');
  expect(await topo.exec(topo.node, ['ipset', 'list', '-n'])).not.toContain('podroute-');
  await check([['ya', 'xa', 'tcp', 80, true]]);
}, T);
