// `podroute cleanup` against the real kernel, iptables (both backends) and ipset, inside a
// namespace this test creates: podroute's objects and look-alikes of someone else's are made
// side by side; cleanup must remove exactly ours.
import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type Netns } from '../../../src/lab/netns.js';
import { cleanupCommand } from '../../../src/cli/cleanup.js';
import { snatPlan } from '../../../src/routing/podnet/snat.js';

const labs: Lab[] = [];
afterEach(async () => {
  while (labs.length) await labs.pop()!.dispose();
});

async function sh(ns: Netns, cmd: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await ns.exec(cmd, args)).stdout;
  return (await ns.lab.runWithInput('ip', ['netns', 'exec', ns.name, cmd, ...args], input)).stdout;
}

interface Node { ns: Netns; cniDir: string; ipamDir: string; vip: boolean }

/**
 * The proxy's VIP interface is a dummy; some kernels (this machine's) are built without the dummy
 * driver, and then there is no podroute-vip to clean: said out loud, and the look-alike test below
 * still covers the "only a dummy" rule.
 */
let warnedNoDummy = false;
async function addVip(ns: Netns): Promise<boolean> {
  try {
    await ns.ip('link', 'add', 'podroute-vip', 'type', 'dummy');
  } catch (e) {
    if (!/Unknown device type/.test(String(e))) throw e;
    if (!warnedNoDummy) console.warn('cleanup test: this kernel has no dummy interfaces; podroute-vip is not created, so its removal is not exercised here');
    warnedNoDummy = true;
    return false;
  }
  await ns.addAddress('podroute-vip', '10.96.0.10/32');
  return true;
}

/** A node with podroute's objects and foreign look-alikes. */
async function node(): Promise<Node> {
  const lab = new Lab('pc');
  labs.push(lab);
  const ns = await lab.netns('node');
  // Links: an uplink for next hops, our bridge and VIP dummy, and someone else's bridge.
  await ns.ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p');
  await ns.up('eth0');
  await ns.up('eth0p');
  await ns.addAddress('eth0', '10.1.0.1/24');
  await ns.addAddress('eth0', 'fd00:1::1/64');
  await ns.ip('link', 'add', 'podroute-br', 'type', 'bridge');
  const vip = await addVip(ns);
  await ns.ip('link', 'add', 'other-br', 'type', 'bridge');
  // Routes: ours (proto 201, main and another table, v4 and v6) and a foreign one for the same prefix.
  await ns.ip('route', 'add', '10.244.2.0/24', 'via', '10.1.0.2', 'proto', '201');
  await ns.ip('route', 'add', '10.244.2.0/24', 'via', '10.1.0.3', 'proto', '186', 'metric', '10');
  await ns.ip('route', 'add', '10.244.3.0/24', 'via', '10.1.0.2', 'proto', '201', 'table', '100');
  await ns.ip('-6', 'route', 'add', 'fd00:244:2::/64', 'via', 'fd00:1::2', 'proto', '201');
  // SNAT exactly as the agent writes it (nft backend, the Debian default), plus its jump.
  const plan = snatPlan({ localPodCIDRs: ['10.244.1.0/24'], clusterCIDRs: ['10.244.0.0/16'] });
  await sh(ns, 'ipset', ['restore'], plan.ipsetRestore);
  await sh(ns, 'iptables-nft-restore', ['--noflush'], plan.iptablesRestore[4]);
  await sh(ns, 'iptables-nft', ['-t', 'nat', '-A', 'POSTROUTING', '-m', 'comment', '--comment', 'podroute', '-j', 'PODROUTE-POSTROUTING']);
  // A policy chain in the legacy backend, as a node that runs legacy iptables would have it.
  await sh(ns, 'iptables-legacy', ['-N', 'PODROUTE-FW']);
  await sh(ns, 'iptables-legacy', ['-A', 'PODROUTE-FW', '-m', 'set', '--match-set', 'podroute-cluster-v4', 'src', '-j', 'ACCEPT']);
  await sh(ns, 'iptables-legacy', ['-I', 'FORWARD', '1', '-j', 'PODROUTE-FW']);
  await sh(ns, 'ip6tables-nft', ['-N', 'PODROUTE-SVC-FW']);
  await sh(ns, 'ip6tables-nft', ['-A', 'INPUT', '-j', 'PODROUTE-SVC-FW']);
  // Foreign: a chain FOO-POSTROUTING with its jump, an ipset podrouter-x used by a foreign rule.
  await sh(ns, 'ipset', ['create', 'podrouter-x', 'hash:ip']);
  await sh(ns, 'iptables-nft', ['-t', 'nat', '-N', 'FOO-POSTROUTING']);
  await sh(ns, 'iptables-nft', ['-t', 'nat', '-A', 'FOO-POSTROUTING', '-m', 'set', '--match-set', 'podrouter-x', 'dst', '-j', 'MASQUERADE']);
  await sh(ns, 'iptables-nft', ['-t', 'nat', '-A', 'POSTROUTING', '-j', 'FOO-POSTROUTING']);
  await sh(ns, 'iptables-legacy', ['-A', 'FORWARD', '-s', '192.0.2.0/24', '-j', 'ACCEPT']);
  // Files: our CNI config, someone else's, and host-local's store for our network.
  const cniDir = join(lab.dir, 'net.d');
  const ipamDir = join(lab.dir, 'networks', 'podroute');
  mkdirSync(cniDir, { recursive: true });
  mkdirSync(ipamDir, { recursive: true });
  writeFileSync(join(cniDir, '10-podroute.conflist'), '{}\n');
  writeFileSync(join(cniDir, '20-other.conflist'), '{}\n');
  writeFileSync(join(ipamDir, '10.244.1.2'), 'ctr\n');
  return { ns, cniDir, ipamDir, vip };
}

async function cleanup(n: Node, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cleanupCommand(['--netns', n.ns.name, '--cni-conf-dir', n.cniDir, '--cni-ipam-dir', n.ipamDir, ...extra], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const routes = async (ns: Netns, ...args: string[]): Promise<string> => (await ns.ip(...args)).stdout;
const links = async (ns: Netns): Promise<string[]> => (JSON.parse((await ns.ip('-j', 'link', 'show')).stdout) as { ifname: string }[]).map((l) => l.ifname).sort();

/** IPVS is absent from this host's kernel; where a kernel has it, the namespace holds no service, so nothing is planned. */
function expectIpvsReported(out: string): void {
  expect(/note: IPVS not available/.test(out) || !out.includes('IPVS services:')).toBe(true);
}

describe('podroute cleanup', () => {
  test('--dry-run lists ours and changes nothing', async () => {
    const n = await node();
    // iptables-save stamps its output with the time: compare the rules, not the comment lines.
    const rules = async (): Promise<string> => (await sh(n.ns, 'iptables-nft-save', [])).split('\n').filter((l) => !l.startsWith('#')).join('\n');
    const before = await rules();
    const r = await cleanup(n, '--dry-run');
    expect(r.code).toBe(0);
    for (const s of ['10.244.2.0/24 table 254 proto 201', '10.244.3.0/24 table 100', 'fd00:244:2::/64', 'chain PODROUTE-POSTROUTING', 'chain PODROUTE-FW', 'chain PODROUTE-SVC-FW', 'podroute-cluster-v4', 'podroute-br', ...(n.vip ? ['podroute-vip'] : []), '10-podroute.conflist'])
      expect(r.out).toContain(s);
    expect(r.out).toContain('would remove rule -A POSTROUTING -m comment --comment podroute -j PODROUTE-POSTROUTING');
    expect(r.out).not.toMatch(/FOO-POSTROUTING|podrouter-x|other-br|20-other|proto 186/);
    expectIpvsReported(r.out);
    expect(await rules()).toBe(before);
    expect(await links(n.ns)).toContain('podroute-br');
    expect(existsSync(join(n.cniDir, '10-podroute.conflist'))).toBe(true);
  });

  test('removes ours and leaves theirs', async () => {
    const n = await node();
    const r = await cleanup(n);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expectIpvsReported(r.out);
    // Routes: none of protocol 201 in any table; the foreign route for the same prefix stays.
    expect(await routes(n.ns, 'route', 'show', 'table', 'all', 'proto', '201')).toBe('');
    expect(await routes(n.ns, '-6', 'route', 'show', 'table', 'all', 'proto', '201')).toBe('');
    expect(await routes(n.ns, 'route', 'show', 'proto', '186')).toBe('10.244.2.0/24 via 10.1.0.3 dev eth0 metric 10 \n');
    // Links.
    const l = await links(n.ns);
    expect(l).not.toContain('podroute-br');
    expect(l).not.toContain('podroute-vip');
    expect(l).toEqual(expect.arrayContaining(['other-br', 'eth0', 'eth0p']));
    // iptables, both backends: no PODROUTE- anything; the foreign chain, its jump and rules stay.
    const nft = await sh(n.ns, 'iptables-nft-save', []);
    const nft6 = await sh(n.ns, 'ip6tables-nft-save', []);
    const legacy = await sh(n.ns, 'iptables-legacy-save', []);
    for (const t of [nft, nft6, legacy]) expect(t).not.toContain('PODROUTE');
    expect(nft).toContain('-A POSTROUTING -j FOO-POSTROUTING');
    expect(nft).toContain('-A FOO-POSTROUTING -m set --match-set podrouter-x dst -j MASQUERADE');
    expect(legacy).toContain('-A FORWARD -s 192.0.2.0/24 -j ACCEPT');
    // ipsets.
    expect((await sh(n.ns, 'ipset', ['list', '-n'])).trim().split('\n')).toEqual(['podrouter-x']);
    // Files.
    expect(readdirSync(n.cniDir)).toEqual(['20-other.conflist']);
    expect(existsSync(n.ipamDir)).toBe(false);
    // A second run finds nothing.
    const again = await cleanup(n);
    expect(again.code).toBe(0);
    expect(again.out).toContain("nothing of podroute's found");
  });

  test('a pod on the bridge keeps the bridge, CNI config and IPAM store until --force', async () => {
    const n = await node();
    await n.ns.ip('link', 'add', 'vethpod1', 'type', 'veth', 'peer', 'name', 'vethpod1p');
    await n.ns.ip('link', 'set', 'vethpod1', 'master', 'podroute-br');
    const r = await cleanup(n);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept bridge podroute-br: 1 port(s) attached (pods still running: vethpod1)');
    expect(await links(n.ns)).toContain('podroute-br');
    expect(existsSync(join(n.cniDir, '10-podroute.conflist'))).toBe(true);
    expect(existsSync(n.ipamDir)).toBe(true);
    // Everything else of ours went anyway.
    expect(await routes(n.ns, 'route', 'show', 'table', 'all', 'proto', '201')).toBe('');
    const forced = await cleanup(n, '--force');
    expect(forced.code).toBe(0);
    expect(await links(n.ns)).not.toContain('podroute-br');
    expect(readdirSync(n.cniDir)).toEqual(['20-other.conflist']);
  });

  test('a link named like ours but of another kind is kept, with the reason', async () => {
    const n = await node();
    if (n.vip) await n.ns.ip('link', 'del', 'podroute-vip');
    await n.ns.ip('link', 'add', 'podroute-vip', 'type', 'veth', 'peer', 'name', 'vipp');
    const r = await cleanup(n);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept link podroute-vip: is a veth device, not the dummy the proxy creates');
    expect(await links(n.ns)).toContain('podroute-vip');
  });
});
