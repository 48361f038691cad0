// INSIDE the VM: masquerade and the VIP firewall with real traffic. An "outside" client namespace
// reaches NodePorts (masqueraded for traffic policy Cluster, client IP kept for Local); a pod
// reaches itself through its own Service (hairpin); non-service ports on a VIP are rejected.

import { emptyClusterView, type ClusterView, type EndpointSliceView, type EndpointView, type ServiceView } from '../../../src/cluster/view.js';
import { IpvsClient, SocketIpvsTransport } from '../../../src/netlink/ipvs/index.js';
import { detectBackend, toolsFor } from '../../../src/netfilter/backend.js';
import { hostRunner } from '../../../src/netfilter/exec.js';
import { defaultProxyConfig, OwnershipStore, ProxyController, ServiceNetfilter, VipInterface } from '../../../src/proxy/index.js';
import { assert, assertEq, check, finish, requireVm, sh } from '../lib/checks.js';
import { startPods, stopPods } from '../lib/netns.js';

requireVm();
sh('modprobe ip_vs && sysctl -qw net.ipv4.ip_forward=1 && sysctl -qw net.ipv4.vs.conntrack=1');
sh('ip link add node0 type dummy && ip link set node0 up && ip addr add 192.168.50.10/32 dev node0');
// The outside world: a client namespace behind veth hx (172.16.0.1) ↔ ext eth0 (172.16.0.2).
sh('ip netns add ext && ip link add hx type veth peer name eth0 netns ext && ip addr add 172.16.0.1/24 dev hx && ip link set hx up && ' +
  'ip -n ext addr add 172.16.0.2/24 dev eth0 && ip -n ext link set eth0 up && ip -n ext link set lo up && ip -n ext route add default via 172.16.0.1');
const pods = await startPods(2);

const ep = (ip: string): EndpointView => ({ addresses: [ip], ready: true, serving: true, terminating: false, nodeName: 'node-a' });
const svc = (name: string, ip: string, nodePort: number, p: Partial<ServiceView> = {}): ServiceView => ({
  namespace: 'default', name, type: 'NodePort', clusterIPs: [ip], externalIPs: [], loadBalancerIPs: [],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort }], sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 0,
  externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', annotations: {}, labels: {}, ...p,
});
const slice = (service: string, eps: EndpointView[]): EndpointSliceView => ({ namespace: 'default', name: `${service}-1`, serviceName: service, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: eps });
const services = new Map<string, ServiceView>([
  ['default/web', svc('web', '10.96.0.10', 30080)],
  ['default/local', svc('local', '10.96.0.11', 30081, { externalTrafficPolicy: 'Local' })],
  ['default/self', svc('self', '10.96.0.30', 30082)],
]);
const slices = new Map<string, EndpointSliceView>([
  ['default/web-1', slice('web', [ep(pods[1].ip)])],
  ['default/local-1', slice('local', [ep(pods[1].ip)])],
  ['default/self-1', slice('self', [ep(pods[0].ip)])],
]);
const view = (): ClusterView => ({
  ...emptyClusterView(),
  nodes: new Map([['node-a', { name: 'node-a', podCIDRs: [], internalIPs: ['192.168.50.10'], externalIPs: [], labels: {}, annotations: {}, ready: true }]]),
  services, endpointSlices: slices,
});
const cfg = { ...defaultProxyConfig('node-a'), clusterCidrs: ['10.0.0.0/16'] };
const tools = toolsFor(await detectBackend(hostRunner));
const nf = new ServiceNetfilter(hostRunner, tools, [4]);
const client = new IpvsClient(await SocketIpvsTransport.open());
const ctl = new ProxyController({ client, ownership: new OwnershipStore(), cfg, getView: view, vip: new VipInterface('podroute-vip'), netfilter: nf });

/** TCP "who" from a namespace with bash's /dev/tcp: replies "<pod> <source address the pod saw>". */
const who = (ns: string, host: string, port: number): string =>
  sh(`ip netns exec ${ns} timeout 5 bash -c 'exec 3<>/dev/tcp/${host}/${port}; echo who >&3; cat <&3'`).trim();

await check('sync installs sets, chains and hooks (nothing else in the tables changes)', async () => {
  await ctl.start({ resyncMs: 3_600_000 });
  const nat = sh(`${tools.cmd[4]} -t nat -S`);
  assert(nat.includes('-A PREROUTING -j PODROUTE-SVC-MARK') && nat.includes('-A POSTROUTING -j PODROUTE-SVC-POSTRT'), nat);
  assert(sh(`${tools.cmd[4]} -S INPUT`).includes('-j PODROUTE-SVC-FW'), 'INPUT hook');
  const hp = sh('ipset list podroute-svc-hairpin-v4');
  assert(hp.includes(`${pods[0].ip},tcp:8080,${pods[0].ip}`), hp);
  return `backend ${tools.backend}`;
});

await check('NodePort from outside, traffic policy Cluster: answered, and the pod sees the node (masqueraded)', async () => {
  const r = who('ext', '192.168.50.10', 30080);
  assert(r.startsWith('pod2 ') && !r.endsWith('172.16.0.2'), r);
  return r;
});

await check('NodePort from outside, traffic policy Local: the pod sees the real client address', async () => {
  assertEq(who('ext', '192.168.50.10', 30081), 'pod2 172.16.0.2', 'reply');
});

await check('hairpin: a pod reaches itself through its own Service', async () => {
  const r = who('pod1', '10.96.0.30', 80);
  assert(r.startsWith('pod1 ') && r !== `pod1 ${pods[0].ip}`, r);
  return r;
});

await check('firewall: a VIP answers only on Service ports; other ports are rejected (not silently dropped)', async () => {
  const t0 = Date.now();
  const out = sh(`ip netns exec ext timeout 5 bash -c 'exec 3<>/dev/tcp/10.96.0.10/81' 2>&1 || true`);
  assert(/refused/i.test(out) && Date.now() - t0 < 4000, `got: ${out}`);
  assert(who('ext', '10.96.0.10', 80).startsWith('pod2'), 'service port still open');
  const fw = sh(`${tools.cmd[4]} -S PODROUTE-SVC-FW -v 2>/dev/null || ${tools.cmd[4]} -L PODROUTE-SVC-FW -v -n`);
  return fw.split('\n').filter((l) => l.includes('REJECT')).join(' ');
});

await check('an endpoint change updates the hairpin set by delta', async () => {
  slices.set('default/self-1', slice('self', [ep(pods[1].ip)]));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'self-1', serviceName: 'self' });
  await ctl.syncDirty();
  const hp = sh('ipset list podroute-svc-hairpin-v4');
  assert(!hp.includes(`${pods[0].ip},tcp:8080,${pods[0].ip}`) && hp.includes(`${pods[1].ip},tcp:8080,${pods[1].ip}`), hp);
  assert(who('pod2', '10.96.0.30', 80).startsWith('pod2 '), 'hairpin after change');
});

await check('remove() takes every chain, hook and set of ours away', async () => {
  await ctl.stop();
  await nf.remove();
  assert(!/PODROUTE/.test(sh(`${tools.cmd[4]} -t nat -S; ${tools.cmd[4]} -S`)), 'chains left');
  assert(!/podroute-/.test(sh('ipset list -n')), 'sets left');
});

stopPods(pods);
client.close();
finish();
