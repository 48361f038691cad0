// INSIDE the VM: the IPVS generic netlink adapter against the real kernel (Debian 6.1 ip_vs).
// Cross-checks every write with ipvsadm, the kernel's own userspace tool.

import { IpvsClient, IpvsRequestError, RawIpvsTransport, SocketIpvsTransport, type IpvsService } from '../../../src/netlink/ipvs/index.js';
import { assert, assertEq, check, finish, requireVm, sh, sleep } from '../lib/checks.js';

requireVm();
sh('modprobe ip_vs');
// IPVS_TRANSPORT=raw runs the same checks over the stopgap transport (the `netlink` package).
const c = new IpvsClient(process.env.IPVS_TRANSPORT === 'raw' ? await RawIpvsTransport.open() : await SocketIpvsTransport.open());
console.log(`transport: ${process.env.IPVS_TRANSPORT === 'raw' ? 'raw' : 'socket'}`);

const tcpId = { family: 4 as const, protocol: 'tcp' as const, address: '10.96.0.10', port: 80 };
const tcp: IpvsService = { id: tcpId, scheduler: 'rr', schedFlags: {}, persistence: 0, netmaskBits: 32, onePacket: false };
const masq = { forward: 'masq' as const, weight: 1, upperThreshold: 0, lowerThreshold: 0 };

await check('info: version 1.2.1', async () => {
  const i = await c.info();
  assertEq(i.version, '1.2.1', 'version');
  assert(i.connTableSize > 0, 'conn table size');
});

await check('create a TCP rr service; ipvsadm sees it; dump decodes it', async () => {
  await c.addService(tcp);
  assert(/TCP\s+10\.96\.0\.10:80 rr/.test(sh('ipvsadm -Ln')), sh('ipvsadm -Ln'));
  const all = await c.listServices();
  assertEq(all.length, 1, 'service count');
  const { rawFlags: _f, stats: _s, ...svc } = all[0];
  assertEq(svc, tcp, 'dumped service');
});

await check('adding it again is EEXIST with the errno', async () => {
  try {
    await c.addService(tcp);
  } catch (e) {
    assert(e instanceof IpvsRequestError && e.code === 'EEXIST', String(e));
    return;
  }
  throw new Error('no error');
});

await check('schedulers with flags, persistence and netmask: sh, mh, wlc, dh, lc, wrr (UDP, SCTP, IPv6, fwmark)', async () => {
  const svcs: IpvsService[] = [
    { ...tcp, id: { ...tcpId, port: 81 }, scheduler: 'sh', schedFlags: { fallback: true, port: true } },
    { ...tcp, id: { ...tcpId, port: 82 }, scheduler: 'mh', schedFlags: { fallback: true } },
    { ...tcp, id: { family: 4, protocol: 'udp', address: '10.96.0.10', port: 53 }, scheduler: 'wlc', persistence: 10800, netmaskBits: 24 },
    { ...tcp, id: { family: 4, protocol: 'sctp', address: '10.96.0.11', port: 9 }, scheduler: 'dh' },
    { ...tcp, id: { family: 6, protocol: 'tcp', address: 'fd00:96::a', port: 443 }, scheduler: 'lc', netmaskBits: 128, persistence: 60 },
    { ...tcp, id: { family: 4, fwmark: 4242 }, scheduler: 'wrr', onePacket: true },
  ];
  for (const s of svcs) await c.addService(s);
  const listed = await c.listServices();
  for (const s of svcs) {
    const got = listed.find((l) => JSON.stringify(l.id) === JSON.stringify(s.id));
    assert(got, `missing ${JSON.stringify(s.id)}`);
    const { rawFlags: _f, stats: _s, ...g } = got;
    assertEq(g, s, `service ${JSON.stringify(s.id)}`);
  }
  const text = sh('ipvsadm -Ln');
  assert(/TCP\s+10\.96\.0\.10:81 sh \(sh-fallback,sh-port\)/.test(text), text);
  assert(/UDP\s+10\.96\.0\.10:53 wlc persistent 10800 mask 255\.255\.255\.0/.test(text), text);
  assert(/FWM\s+4242 wrr ops/.test(text), text);
  assert(/TCP\s+\[fd00:96::a\]:443 lc persistent 60/.test(text), text);
});

await check('update a service (scheduler change) in place', async () => {
  await c.updateService({ ...tcp, scheduler: 'wrr' });
  assertEq((await c.getService(tcp.id)).scheduler, 'wrr', 'scheduler');
  await c.updateService(tcp);
});

await check('destinations: masq/route/tunnel, weight, thresholds; list and ipvsadm agree', async () => {
  await c.addDestination(tcp.id, { ...masq, address: '10.0.0.2', port: 8080 });
  await c.addDestination(tcp.id, { ...masq, address: '10.0.0.3', port: 8080, weight: 5, upperThreshold: 100, lowerThreshold: 10 });
  await c.addDestination(tcp.id, { ...masq, address: '10.0.0.4', port: 80, forward: 'route' });
  await c.addDestination(tcp.id, { ...masq, address: '10.0.0.5', port: 80, forward: 'tunnel', tunnelType: 'ipip' });
  const ds = await c.listDestinations(tcp.id);
  assertEq(ds.map((d) => `${d.address}:${d.port}/${d.forward}/${d.weight}/${d.upperThreshold}/${d.lowerThreshold}`).sort(), [
    '10.0.0.2:8080/masq/1/0/0', '10.0.0.3:8080/masq/5/100/10', '10.0.0.4:80/route/1/0/0', '10.0.0.5:80/tunnel/1/0/0',
  ], 'destinations');
  const text = sh('ipvsadm -Ln -t 10.96.0.10:80');
  assert(/10\.0\.0\.3:8080\s+Masq\s+5/.test(text) && /10\.0\.0\.4:80\s+Route\s+1/.test(text) && /10\.0\.0\.5:80\s+Tunnel\s+1/.test(text), text);
});

await check('update a destination weight to 0 (graceful drain), then delete it', async () => {
  await c.updateDestination(tcp.id, { ...masq, address: '10.0.0.2', port: 8080, weight: 0 });
  assertEq((await c.listDestinations(tcp.id)).find((d) => d.address === '10.0.0.2')!.weight, 0, 'weight');
  await c.deleteDestination(tcp.id, { address: '10.0.0.2', port: 8080 });
  assert(!(await c.listDestinations(tcp.id)).some((d) => d.address === '10.0.0.2'), 'still there');
});

await check('deleting a missing destination reports ENOENT', async () => {
  try {
    await c.deleteDestination(tcp.id, { address: '10.0.0.99', port: 1 });
  } catch (e) {
    assert(e instanceof IpvsRequestError && e.code === 'ENOENT', String(e));
    return;
  }
  throw new Error('no error');
});

await check('batch: 2,000 services and 4,000 destinations pipelined, per-op errno', async () => {
  const ops = [];
  for (let i = 0; i < 2000; i++) {
    const id = { family: 4 as const, protocol: 'tcp' as const, address: `10.97.${i >> 8}.${i & 255}`, port: 80 };
    ops.push({ op: 'add-service' as const, service: { ...tcp, id } });
    ops.push({ op: 'add-dest' as const, id, dest: { ...masq, address: '10.1.0.1', port: 80 } });
    ops.push({ op: 'add-dest' as const, id, dest: { ...masq, address: '10.1.0.2', port: 80 } });
  }
  ops.push({ op: 'add-service' as const, service: tcp }); // EEXIST, reported not thrown
  const t0 = process.hrtime.bigint();
  const errs = await c.apply(ops);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assertEq(errs.slice(0, -1).filter((e) => e !== 0).length, 0, 'failures');
  assertEq(errs[errs.length - 1], 17, 'EEXIST errno');
  const n = Number(sh('ipvsadm -Ln | grep -c "^TCP"'));
  assertEq(n, 2004, 'TCP services in kernel (2000 + the 4 TCP services above)');
  const delErrs = await c.apply(ops.slice(0, -1).filter((o) => o.op === 'add-service').map((o) => ({ op: 'delete-service' as const, id: (o as { service: IpvsService }).service.id })));
  assertEq(delErrs.filter((e) => e !== 0).length, 0, 'delete failures');
  return `${ops.length} ops in ${ms.toFixed(0)} ms`;
});

await check('stats: a connection to a service is counted (per service and per destination)', async () => {
  // A local TCP server as a real server reachable from the host namespace via a dummy VIP.
  sh('ip link add pr-test type dummy && ip link set pr-test up && ip addr add 10.96.0.10/32 dev pr-test && ip addr add 10.0.0.2/32 dev pr-test');
  sh('sysctl -qw net.ipv4.vs.conntrack=1');
  await c.addDestination(tcp.id, { ...masq, address: '10.0.0.2', port: 8080, weight: 100 });
  for (const d of ['10.0.0.3', '10.0.0.4', '10.0.0.5']) await c.deleteDestination(tcp.id, { address: d, port: d === '10.0.0.3' ? 8080 : 80 });
  const net = await import('node:net');
  const srv = net.createServer((s) => s.end('hi\n')).listen(8080, '10.0.0.2');
  await new Promise((r) => srv.once('listening', r));
  const got = await new Promise<string>((res, rej) => {
    const s = net.connect(80, '10.96.0.10');
    let b = '';
    s.on('data', (d) => (b += d)).on('end', () => res(b)).on('error', rej);
    s.setTimeout(5000, () => rej(new Error('timeout')));
  });
  srv.close();
  assertEq(got, 'hi\n', 'reply through IPVS');
  await sleep(2500); // the 6.1 estimator updates counters every 2 s
  const s = (await c.listServices()).find((x) => x.id.port === 80 && x.id.address === '10.96.0.10')!;
  const d = (await c.listDestinations(tcp.id))[0];
  assert(s.stats && s.stats.conns >= 1n && s.stats.inPkts >= 1n, `service stats ${JSON.stringify(s.stats, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
  assert(d.stats && d.stats.conns >= 1n, 'dest stats');
  return `conns=${s.stats.conns} inPkts=${s.stats.inPkts} inBytes=${s.stats.inBytes}`;
});

await check('timeouts: set and read back', async () => {
  const before = await c.timeouts();
  await c.setTimeouts({ tcp: 901, tcpFin: 121, udp: 301 });
  assertEq(await c.timeouts(), { tcp: 901, tcpFin: 121, udp: 301 }, 'timeouts');
  assert(/Timeout \(tcp tcpfin udp\): 901 121 301/.test(sh('ipvsadm -L --timeout')), 'ipvsadm timeouts');
  await c.setTimeouts(before);
});

await check('delete services; the kernel is empty again', async () => {
  for (const s of await c.listServices()) await c.deleteService(s.id);
  assertEq((await c.listServices()).length, 0, 'left');
});

await check('the stopgap raw transport (netlink package) does the same round trip', async () => {
  const r = new IpvsClient(await RawIpvsTransport.open());
  try {
    await r.addService(tcp);
    const errs = await r.apply([{ op: 'add-dest', id: tcp.id, dest: { ...masq, address: '10.0.0.2', port: 80 } }, { op: 'add-service', service: tcp }]);
    assertEq(errs, [0, 17], 'batch errnos');
    assertEq((await r.listDestinations(tcp.id)).map((d) => d.address), ['10.0.0.2'], 'dests');
    await r.deleteService(tcp.id);
    assertEq((await r.listServices()).length, 0, 'left');
  } finally {
    r.close();
  }
});

c.close();
finish();
