// A node whose other tools use iptables-legacy: the controller must detect it and put its chains
// in the legacy tables (rules in nft tables would sit beside, not with, the host's own), enforce
// policy there, and leave the other tool's legacy rules as they were.
import { NetpolController } from '../../../src/netpol/controller.js';
import { netnsRunner } from '../../../src/netfilter/exec.js';
import { node, pod, policy, rule, sel, view } from '../../unit/netpol/fixtures.js';
import { Agent, Topology } from './topology.js';

const T = 60_000;
let topo: Topology;
let a: Agent;
let b: Agent;
let ctl: NetpolController;

const cluster = (policies: ReturnType<typeof policy>[]) => view({
  namespaces: { x: { ns: 'x' }, y: { ns: 'y' } },
  pods: [pod('x', 'a', ['10.77.0.10', 'fd77::a'], { pod: 'a' }), pod('y', 'b', ['10.77.0.11', 'fd77::b'], { pod: 'b' })],
  policies,
  nodes: [node('node-a', ['10.77.0.0/24', 'fd77::/64'])],
});

/** TCP 80 reachable; an expected success that misses the short timeout on a loaded machine gets a longer retry. */
async function reaches(from: Agent, host: string): Promise<boolean> {
  return (await from.probe('tcp', host, 80)) || from.probe('tcp', host, 80, { timeoutMs: 3000 });
}

async function legacyOther(): Promise<string> {
  const s = await topo.exec(topo.node, ['iptables-legacy-save']);
  return s.split('\n').filter((l) => l.startsWith('-A') && !l.includes('PODROUTE')).join('\n');
}

beforeAll(async () => {
  topo = await Topology.create({ tcp: [80] });
  a = await topo.addPod(10, { tcp: [80] });
  b = await topo.addPod(11, { tcp: [80] });
  await topo.exec(topo.node, ['iptables-legacy-restore', '--noflush'], [
    '*filter', ':LEGACY-TOOL - [0:0]', '-A FORWARD -j LEGACY-TOOL', '-A LEGACY-TOOL -s 192.0.2.0/24 -j DROP', 'COMMIT', ''].join('\n'));
  ctl = new NetpolController({ nodeName: 'node-a', runner: netnsRunner(topo.node) });
}, T);

afterAll(async () => {
  ctl?.stop();
  await topo?.destroy();
}, T);

test('detects legacy, enforces in the legacy tables, keeps the other tool\'s rules', async () => {
  const before = await legacyOther();
  await ctl.setView(cluster([policy('x', 'from-y', { ingress: [rule([{ namespaceSelector: sel({ ns: 'y' }) }], [{ protocol: 'TCP', port: 80 }])] })]));
  expect(ctl.status().lastError).toBeUndefined();
  expect(ctl.status().backend).toBe('legacy');
  expect(await reaches(b, '10.77.0.10')).toBe(true);
  expect(await reaches(b, 'fd77::a')).toBe(true);
  expect(await topo.extAgent.probe('tcp', '10.77.0.10', 80)).toBe(false);
  expect(await reaches(a, '10.77.0.11')).toBe(true);
  expect(await topo.exec(topo.node, ['iptables-legacy', '-S', 'FORWARD'])).toContain('-j PODROUTE-FW');
  expect(await topo.exec(topo.node, ['iptables-nft-save'])).not.toContain('PODROUTE');
  await ctl.setView(cluster([policy('x', 'deny', {})]));
  expect(await b.probe('tcp', '10.77.0.10', 80)).toBe(false);
  await ctl.resync();
  expect(await b.probe('tcp', '10.77.0.10', 80)).toBe(false);
  expect(await legacyOther()).toBe(before);
  await ctl.teardown();
  expect(await topo.exec(topo.node, ['iptables-legacy-save'])).not.toContain('PODROUTE');
  expect(await reaches(b, '10.77.0.10')).toBe(true);
  expect(await legacyOther()).toBe(before);
}, T);
