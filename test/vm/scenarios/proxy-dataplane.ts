// INSIDE the VM: the service proxy end to end on a real IPVS kernel, with pod namespaces serving
// TCP and UDP. Drives ProxyController with a ClusterView it edits, and checks real traffic.

import { emptyClusterView, type ClusterView, type EndpointSliceView, type EndpointView, type ServiceView } from '../../../src/cluster/view.js';
import { IpvsClient, SocketIpvsTransport } from '../../../src/netlink/ipvs/index.js';
import { defaultProxyConfig, OwnershipStore, ProxyController, VipInterface } from '../../../src/proxy/index.js';
import { assert, assertEq, check, finish, requireVm, sh, sleep } from '../lib/checks.js';
import { tcpAsk, tcpHold, udpAsk } from '../lib/client.js';
import { startPods, stopPods } from '../lib/netns.js';

requireVm();
sh('modprobe ip_vs && sysctl -qw net.ipv4.ip_forward=1 && sysctl -qw net.ipv6.conf.all.forwarding=1 && sysctl -qw net.ipv4.vs.conntrack=1');
// The "node": its InternalIP on a dummy interface, for NodePorts.
sh('ip link add node0 type dummy && ip link set node0 up && ip addr add 192.168.50.10/32 dev node0');
// A foreign IPVS service (someone else's): must survive every sync untouched.
sh('ipvsadm -A -t 10.96.99.99:80 -s wlc && ipvsadm -a -t 10.96.99.99:80 -r 10.0.1.2:8080 -m -w 7');
const foreignBefore = sh('ipvsadm -Ln -t 10.96.99.99:80');

const pods = await startPods(4);
const ep = (ip: string, p: Partial<EndpointView> = {}): EndpointView => ({ addresses: [ip], ready: true, serving: true, terminating: false, nodeName: 'node-a', ...p });
const svc = (name: string, ip: string, p: Partial<ServiceView> = {}): ServiceView => ({
  namespace: 'default', name, type: 'ClusterIP', clusterIPs: [ip], externalIPs: [], loadBalancerIPs: [],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353 }],
  sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 0, externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', annotations: {}, labels: {}, ...p,
});
const slice = (service: string, endpoints: EndpointView[]): EndpointSliceView => ({
  namespace: 'default', name: `${service}-1`, serviceName: service, addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }], endpoints,
});

const services = new Map<string, ServiceView>();
const slices = new Map<string, EndpointSliceView>();
const put = (s: ServiceView): void => void services.set(`default/${s.name}`, s);
const putSlice = (s: EndpointSliceView): void => void slices.set(`default/${s.name}`, s);
put(svc('web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }, { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353, nodePort: 30053 }] }));
putSlice(slice('web', [ep(pods[0].ip), ep(pods[1].ip)]));
put(svc('sticky', '10.96.0.20', { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 60 }));
putSlice(slice('sticky', [ep(pods[0].ip), ep(pods[1].ip), ep(pods[2].ip)]));
const view = (): ClusterView => ({
  ...emptyClusterView(),
  nodes: new Map([['node-a', { name: 'node-a', podCIDRs: [], internalIPs: ['192.168.50.10'], externalIPs: [], labels: {}, annotations: {}, ready: true }]]),
  services, endpointSlices: slices,
});

const cfg = { ...defaultProxyConfig('node-a'), gracefulTerminationSeconds: 3 };
const client = new IpvsClient(await SocketIpvsTransport.open());
const ctl = new ProxyController({ client, ownership: new OwnershipStore('/run/podroute/ipvs-owned.json'), cfg, getView: view, vip: new VipInterface('podroute-vip') });

async function spread(host: string, port: number, n: number): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await tcpAsk(host, port);
    m.set(who, (m.get(who) ?? 0) + 1);
  }
  return m;
}
const names = (m: Map<string, number>): string[] => [...m.keys()].sort();
const destsOf = (vip: string): string => sh(`ipvsadm -Ln -t ${vip} | tail -n +4`);

await check('full sync: ClusterIP (TCP+UDP), NodePort, VIPs on podroute-vip; foreign service untouched', async () => {
  const st = await ctl.start({ resyncMs: 3_600_000, drainTickMs: 500 });
  assertEq(st.errors, [], 'errors');
  const text = sh('ipvsadm -Ln');
  for (const re of [/TCP\s+10\.96\.0\.10:80 rr/, /UDP\s+10\.96\.0\.10:53 rr/, /TCP\s+192\.168\.50\.10:30080 rr/, /UDP\s+192\.168\.50\.10:30053 rr/, /TCP\s+10\.96\.0\.20:80 rr persistent 60/]) assert(re.test(text), `${re} in\n${text}`);
  const vips = sh('ip -br addr show dev podroute-vip');
  assert(vips.includes('10.96.0.10/32') && vips.includes('10.96.0.20/32') && !vips.includes('192.168.50.10'), vips);
  assertEq(sh('ipvsadm -Ln -t 10.96.99.99:80'), foreignBefore, 'foreign service');
  return `${st.ops} ops`;
});

await check('a client reaches the ClusterIP over TCP, spread over both pods (rr)', async () => {
  assertEq(names(await spread('10.96.0.10', 80, 4)), ['pod1', 'pod2'], 'backends');
});

await check('dual-stack: an IPv6 ClusterIP reaches the pods over IPv6', async () => {
  put(svc('web6', 'fd00:96::10', { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] }));
  putSlice({ ...slice('web6', [ep(pods[0].ip6), ep(pods[1].ip6)]), addressType: 'IPv6', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
  ctl.serviceChanged('default', 'web6');
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web6-1', serviceName: 'web6' });
  const st = await ctl.syncDirty();
  assertEq(st.errors, [], 'errors');
  assert(sh('ip -br addr show dev podroute-vip').includes('fd00:96::10/128'), 'v6 VIP');
  assertEq(names(await spread('fd00:96::10', 80, 4)), ['pod1', 'pod2'], 'v6 backends');
  services.delete('default/web6');
  slices.delete('default/web6-1');
  ctl.serviceChanged('default', 'web6');
  await ctl.syncDirty();
  assert(!/fd00:96::10/.test(sh('ipvsadm -Ln')), 'v6 service removed');
});

await check('a client reaches the ClusterIP over UDP', async () => {
  assert(['pod1', 'pod2'].includes(await udpAsk('10.96.0.10', 53)), 'udp reply');
});

await check('a client reaches the NodePort (TCP and UDP) on the node address', async () => {
  assert(['pod1', 'pod2'].includes(await tcpAsk('192.168.50.10', 30080)), 'tcp');
  assert(['pod1', 'pod2'].includes(await udpAsk('192.168.50.10', 30053)), 'udp');
});

await check('endpoints change (pod2 → pod3): traffic follows; only that Service is touched', async () => {
  putSlice(slice('web', [ep(pods[0].ip), ep(pods[2].ip)]));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web-1', serviceName: 'web' });
  const before = sh('ipvsadm -Ln -t 10.96.0.20:80');
  const st = await ctl.syncDirty();
  assertEq(st.errors, [], 'errors');
  assertEq(names(await spread('10.96.0.10', 80, 4)), ['pod1', 'pod3'], 'backends after change');
  assertEq(sh('ipvsadm -Ln -t 10.96.0.20:80'), before, 'other Service untouched');
  assertEq(sh('ipvsadm -Ln -t 10.96.99.99:80'), foreignBefore, 'foreign service');
  return `${st.ops} ops; web dests now:\n${destsOf('10.96.0.10:80')}`;
});

await check('ClientIP affinity: every request sticks to one pod', async () => {
  const m = await spread('10.96.0.20', 80, 6);
  assertEq(m.size, 1, `backends ${JSON.stringify([...m])}`);
});

await check('a terminating endpoint gets weight 0, keeps its open connection, gets no new ones', async () => {
  const held = await tcpHold('10.96.0.10', 80); // lands on pod1 or pod3
  await sleep(200);
  const conns = sh('ipvsadm -Lnc');
  const target = /10\.96\.0\.10:80\s+10\.0\.(\d)\.2:8080/.exec(conns.split('\n').find((l) => l.includes('ESTABLISHED')) ?? '')?.[1];
  assert(target, `no ESTABLISHED conn:\n${conns}`);
  const other = target === '1' ? pods[2].ip : pods[0].ip;
  putSlice(slice('web', [ep(`10.0.${target}.2`, { ready: false, serving: true, terminating: true }), ep(other)]));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web-1', serviceName: 'web' });
  await ctl.syncDirty();
  assert(new RegExp(`10\\.0\\.${target}\\.2:8080\\s+Masq\\s+0\\s+1`).test(destsOf('10.96.0.10:80')), `weight 0 with 1 active:\n${destsOf('10.96.0.10:80')}`);
  const m = await spread('10.96.0.10', 80, 3);
  assertEq(names(m), [other === pods[0].ip ? 'pod1' : 'pod3'], 'new connections avoid the terminating pod');
  assert(!held.destroyed, 'held connection still open');
  // Now the pod is gone from the slice: it stays (weight 0) while its connection is open...
  putSlice(slice('web', [ep(other)]));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web-1', serviceName: 'web' });
  await ctl.syncDirty();
  assert(destsOf('10.96.0.10:80').includes(`10.0.${target}.2:8080`), 'removed too early');
  held.destroy();
  // ...and is removed after the grace period (3 s here) by the drain tick.
  const t0 = Date.now();
  while (destsOf('10.96.0.10:80').includes(`10.0.${target}.2:8080`)) {
    if (Date.now() - t0 > 15_000) throw new Error(`still there after 15 s:\n${destsOf('10.96.0.10:80')}`);
    await sleep(250);
  }
  return `removed after ${Date.now() - t0} ms`;
});

await check('an endpoint that never had a connection is removed at once', async () => {
  putSlice(slice('web', [ep(pods[0].ip), ep(pods[2].ip), ep(pods[3].ip)]));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web-1', serviceName: 'web' });
  await ctl.syncDirty();
  sh('ipvsadm -Z'); // counters only; connection entries are what matter
  const quiet = [pods[0].ip, pods[2].ip, pods[3].ip].find((ip) => !sh('ipvsadm -Lnc').includes(`${ip}:8080`));
  assert(quiet, 'every pod had a connection');
  putSlice(slice('web', [pods[0].ip, pods[2].ip, pods[3].ip].filter((x) => x !== quiet).map((x) => ep(x))));
  ctl.endpointSliceChanged({ namespace: 'default', name: 'web-1', serviceName: 'web' });
  await ctl.syncDirty();
  assert(!destsOf('10.96.0.10:80').includes(`${quiet}:8080`), destsOf('10.96.0.10:80'));
});

await check('drift: a destination deleted behind our back is restored by the full resync; foreign still untouched', async () => {
  sh(`ipvsadm -d -t 10.96.0.20:80 -r ${pods[0].ip}:8080`);
  sh('ipvsadm -D -u 10.96.0.10:53');
  await ctl.fullSync();
  assert(destsOf('10.96.0.20:80').includes(`${pods[0].ip}:8080`), destsOf('10.96.0.20:80'));
  assert(/UDP\s+10\.96\.0\.10:53/.test(sh('ipvsadm -Ln')), 'udp service restored');
  assertEq(sh('ipvsadm -Ln -t 10.96.99.99:80'), foreignBefore, 'foreign service');
});

await check('deleting a Service removes its IPVS services and VIP; the foreign service stays', async () => {
  services.delete('default/sticky');
  slices.delete('default/sticky-1');
  ctl.serviceChanged('default', 'sticky');
  await ctl.syncDirty();
  assert(!/10\.96\.0\.20:80/.test(sh('ipvsadm -Ln')), 'still in IPVS');
  assert(!sh('ip -br addr show dev podroute-vip').includes('10.96.0.20'), 'VIP still there');
  assertEq(sh('ipvsadm -Ln -t 10.96.99.99:80'), foreignBefore, 'foreign service');
});

await check('ownership survives a restart: a new controller with the same store deletes what the old one made', async () => {
  await ctl.stop();
  services.clear();
  slices.clear();
  const again = new ProxyController({ client, ownership: new OwnershipStore('/run/podroute/ipvs-owned.json').load(), cfg, getView: view, vip: new VipInterface('podroute-vip') });
  await again.fullSync();
  const text = sh('ipvsadm -Ln');
  assertEq(text.split('\n').filter((l) => /^(TCP|UDP)/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')), ['TCP 10.96.99.99:80'], 'only the foreign service remains');
});

stopPods(pods);
client.close();
finish();
