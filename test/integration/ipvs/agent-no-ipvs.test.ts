// On a kernel without IPVS (this host's), the agent with the service proxy on (the default) stays
// ready and keeps routing: one clear warning, the proxy reported as unavailable in health, no
// services, and nothing of the proxy's made in the node's namespace. The real built agent
// (bin/podroute.js) runs in a network namespace of a Lab; nothing touches the root namespace.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, waitFor, type Netns, type NsProcess } from '../../../src/lab/netns.js';
import { agentGet, agentRequest, PKG_ROOT } from '../../../src/demo/run.js';
import type { HealthStatus } from '../../../src/observe/status.js';

jest.setTimeout(60_000);

let lab: Lab;
let ns: Netns;
let agent: NsProcess;
let sock: string;

beforeAll(async () => {
  if (!existsSync(join(PKG_ROOT, 'dist/src/agent/proxy-wiring.js'))) throw new Error('this test runs the built agent: run `npm run build` first');
  if (existsSync('/proc/sys/net/ipv4/vs')) throw new Error('this kernel has IPVS: this test is about a kernel without it (the VM tests cover IPVS)');
  lab = new Lab('pnoipvs');
  // This host's kernel has no dummy interfaces either: the node's address sits on a veth.
  [ns] = await lab.pair('10.89.0.1', '10.89.0.2');
  const cluster = lab.path('cluster.yaml');
  writeFileSync(cluster, [
    'apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\nspec: {podCIDR: 10.245.1.0/24, podCIDRs: [10.245.1.0/24]}\nstatus:\n  addresses: [{type: InternalIP, address: 10.89.0.1}]\n  conditions: [{type: Ready, status: "True"}]\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {type: ClusterIP, clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]}\n',
  ].join('---\n'));
  sock = lab.path('status.sock');
  agent = ns.spawn('agent', process.execPath, [
    join(PKG_ROOT, 'bin', 'podroute.js'), 'agent', '--cluster-file', cluster, '--node-name', 'node-1', '--http', `unix:${sock}`,
    '--cni-conf-dir', '', '--cni-ipam-dir', lab.path('ipam'), '--run-firewall=false', '--ipvs-ownership-file', lab.path('owned.json'),
  ]);
  await waitFor('the agent to be ready', async () => {
    if (!agent.running) throw new Error(`agent exited: ${agent.output().slice(-2000)}`);
    return (await agentRequest(sock, '/readyz').catch(() => undefined))?.status === 200;
  }, { timeoutMs: 30_000 });
});

afterAll(async () => {
  await lab?.dispose();
});

describe('the agent on a kernel without IPVS', () => {
  test('is ready; health lists the proxy as ready and "unavailable: the kernel has no IPVS"', async () => {
    const st = await agentGet<{ health: HealthStatus }>(sock, '/api/v1/status');
    expect(st.health.ready).toBe(true);
    expect(st.health.controllers.find((c) => c.name === 'proxy')).toEqual({ name: 'proxy', ready: true, lastError: 'unavailable: the kernel has no IPVS' });
    expect(st.health.controllers.find((c) => c.name === 'routing')).toMatchObject({ ready: true });
  });

  test('logs one clear warning about it', () => {
    const warnings = agent.output().split('\n').filter((l) => l.includes('the kernel has no IPVS'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 'warn', component: 'proxy' });
  });

  test('lists no services and makes nothing of the proxy (no VIP interface, no ownership file)', async () => {
    expect(await agentGet<unknown[]>(sock, '/api/v1/services')).toEqual([]);
    const links = (await ns.ip('-o', 'link', 'show')).stdout;
    expect(links).not.toContain('podroute-vip');
    expect(existsSync(lab.path('owned.json'))).toBe(false);
    const metrics = (await agentRequest(sock, '/metrics')).body;
    expect(metrics).toMatch(/^podroute_controller_ready\{controller="proxy"\} 1$/m);
    expect(metrics).toMatch(/^podroute_proxy_services 0$/m);
  });

  test('exits cleanly on SIGTERM', async () => {
    await agent.stop(10_000);
    expect(await agent.exited).toBe(0);
  });
});
