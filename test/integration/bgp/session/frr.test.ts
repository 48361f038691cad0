// A Session against a real FRR bgpd (no zebra) on loopback: FRR listens on 127.0.0.1:<port> as a
// 4-octet AS and connects to our 127.0.0.2:<port>. Checks the negotiated parameters, FRR's own
// view through vtysh, a route FRR advertises, and that our stop() reaches FRR as a NOTIFICATION.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Session } from '../../../../src/bgp/session/index.js';
import type { Negotiated } from '../../../../src/bgp/session/types.js';
import type { UpdateMessage } from '../../../../src/bgp/wire/types.js';
import { closeServer, Daemon, listenFor, until, waitEvent } from './loopback.js';

const BGPD = '/usr/lib/frr/bgpd';
const VTYSH = '/usr/bin/vtysh';

async function freePort(host: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host, port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await closeServer(s);
  return port;
}

describe('Session against FRR bgpd', () => {
  let daemon: Daemon;
  let session: Session | undefined;
  let server: net.Server;
  const updates: UpdateMessage[] = [];
  const vtysh = async (cmd: string): Promise<string> =>
    (await promisify(execFile)(VTYSH, ['--vty_socket', daemon.dir, '-d', 'bgpd', '-c', cmd], { timeout: 10_000 })).stdout;

  beforeAll(async () => {
    if (!existsSync(BGPD) || !existsSync(VTYSH)) throw new Error(`${BGPD} not found: install the Debian package "frr"`);
    if (process.getuid?.() !== 0) throw new Error('FRR integration tests run as root');
    const bgpPort = await freePort('127.0.0.1');
    const l = await listenFor('127.0.0.2', () => session);
    server = l.server;
    daemon = new Daemon('frr', BGPD, (dir) => [
      '-f', join(dir, 'bgpd.conf'), '-i', join(dir, 'bgpd.pid'), '-z', join(dir, 'zserv.api'), '--vty_socket', dir,
      '-Z', '-S', '-n', '-P', '0', '-p', String(bgpPort), '-l', '127.0.0.1', '--log', 'stdout', '--log-level', 'informational',
    ]);
    daemon.file(
      'bgpd.conf',
      `hostname podroute-frr
router bgp 4200000004
 bgp router-id 10.255.0.4
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor 127.0.0.2 remote-as 65001
 neighbor 127.0.0.2 port ${l.port}
 neighbor 127.0.0.2 update-source 127.0.0.1
 neighbor 127.0.0.2 timers connect 1
 address-family ipv4 unicast
  network 10.97.0.0/24
 exit-address-family
 address-family ipv6 unicast
  neighbor 127.0.0.2 activate
 exit-address-family
`,
    );
    session = new Session(
      { localAsn: 65001, routerId: '10.255.0.1', localAddress: '127.0.0.2', peerAddress: '127.0.0.1', peerAsn: 4200000004, port: bgpPort, holdTime: 30, connectRetryTime: 1 },
      { backoff: { initialMs: 200, maxMs: 1000 } },
    );
    session.on('update', (u) => updates.push(u));
  });

  afterAll(async () => {
    await session?.stop().catch(() => {});
    await daemon?.dispose();
    if (server) await closeServer(server);
  });

  test('Established with 4-octet ASN, FRR agrees, a route arrives, stop() reaches FRR', async () => {
    const s = session!;
    const up = waitEvent<[Negotiated]>(s, 'established', 'Established with FRR', 40_000);
    daemon.start();
    s.start();
    const [[n]] = [await Promise.race([up, daemon.exited()])];
    expect(n).toMatchObject({
      peerAsn: 4200000004, peerRouterId: '10.255.0.4', asn4: true, holdTime: 9, keepaliveTime: 3,
      routeRefresh: true, enhancedRouteRefresh: true, families: ['ipv4-unicast', 'ipv6-unicast'],
    });

    await until(async () => /Established/.test(await vtysh('show bgp neighbors 127.0.0.2').catch(() => '')), 'FRR reports Established', 20_000);
    const nb = await vtysh('show bgp neighbors 127.0.0.2');
    expect(nb).toMatch(/4 Byte AS: advertised and received/);
    expect(nb).toMatch(/Route refresh: advertised and received/);

    await until(() => updates.some((u) => u.nlri.prefixes.includes('10.97.0.0/24')), 'route from FRR');

    await s.stop({ text: 'podroute maintenance' });
    await until(async () => !/BGP state = Established/.test(await vtysh('show bgp neighbors 127.0.0.2')), 'FRR sees the session end', 20_000);
    const after = await vtysh('show bgp neighbors 127.0.0.2');
    expect(after).toMatch(/Notification received .*Cease\/Administrative Shutdown/);
    // RFC 9003: FRR logs the shutdown communication it decoded from our NOTIFICATION.
    await until(() => daemon.output.includes('podroute maintenance'), 'FRR logs our shutdown communication', 10_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${daemon.output.split("\n").filter((l) => /NOTIF|Cease|shutdown/i.test(l)).join("\n")}`);
    });
  }, 60_000);
});
