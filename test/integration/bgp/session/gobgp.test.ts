// A Session against a real GoBGP (gobgpd) on loopback, both sides active, so their simultaneous
// connects exercise collision handling against another implementation. GoBGP's gRPC API listens
// on a free loopback port so parallel runs do not meet.
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

const GOBGPD = '/usr/bin/gobgpd';
const GOBGP = '/usr/bin/gobgp';

async function freePort(host: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host, port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await closeServer(s);
  return port;
}

describe('Session against GoBGP', () => {
  let daemon: Daemon;
  let session: Session | undefined;
  let server: net.Server;
  let apiPort = 0;
  const updates: UpdateMessage[] = [];
  const gobgp = async (...args: string[]): Promise<string> =>
    (await promisify(execFile)(GOBGP, ['-u', '127.0.0.1', '-p', String(apiPort), ...args], { timeout: 10_000 })).stdout;

  beforeAll(async () => {
    if (!existsSync(GOBGPD) || !existsSync(GOBGP)) throw new Error(`${GOBGPD} not found: install the Debian package "gobgpd"`);
    const bgpPort = await freePort('127.0.0.1');
    apiPort = await freePort('127.0.0.1');
    const l = await listenFor('127.0.0.2', () => session);
    server = l.server;
    daemon = new Daemon('gobgp', GOBGPD, (dir) => ['-f', join(dir, 'gobgpd.toml'), '-t', 'toml', '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable', '-p']);
    daemon.file(
      'gobgpd.toml',
      `[global.config]
  as = 4200000003
  router-id = "10.255.0.3"
  port = ${bgpPort}
  local-address-list = ["127.0.0.1"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.2"
    peer-as = 65001
  [neighbors.transport.config]
    remote-port = ${l.port}
    local-address = "127.0.0.1"
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`,
    );
    session = new Session(
      { localAsn: 65001, routerId: '10.255.0.1', localAddress: '127.0.0.2', peerAddress: '127.0.0.1', peerAsn: 4200000003, port: bgpPort, holdTime: 30, connectRetryTime: 1 },
      { backoff: { initialMs: 200, maxMs: 1000 } },
    );
    session.on('update', (u) => updates.push(u));
  });

  afterAll(async () => {
    await session?.stop().catch(() => {});
    await daemon?.dispose();
    if (server) await closeServer(server);
  });

  test('reaches Established, receives a route, and GoBGP sees our Cease on stop()', async () => {
    const s = session!;
    const up = waitEvent<[Negotiated]>(s, 'established', 'Established with GoBGP', 40_000);
    daemon.start();
    s.start();
    const [[n]] = [await Promise.race([up, daemon.exited()])];
    expect(n).toMatchObject({ peerAsn: 4200000003, peerRouterId: '10.255.0.3', asn4: true, holdTime: 9, keepaliveTime: 3, routeRefresh: true, families: ['ipv4-unicast', 'ipv6-unicast'] });
    // GoBGP advertises neither extended messages nor enhanced route refresh: we must not assume them.
    expect(n).toMatchObject({ extendedMessage: false, enhancedRouteRefresh: false });
    expect(n.codec.extendedMessage).toBe(false);

    await until(async () => /Establ/.test(await gobgp('neighbor').catch(() => '')), 'GoBGP reports Established', 20_000);
    await gobgp('global', 'rib', 'add', '10.98.0.0/24', '-a', 'ipv4');
    await until(() => updates.some((u) => u.nlri.prefixes.includes('10.98.0.0/24')), 'route from GoBGP');

    await s.stop({ text: 'bye from podroute' });
    await until(async () => !/Establ/.test(await gobgp('neighbor')), 'GoBGP sees the session end', 20_000);
    const detail = await gobgp('neighbor', '127.0.0.2');
    expect(detail).toMatch(/BGP state = (IDLE|ACTIVE)/);
    expect(detail).toMatch(/Notifications:\s+\d+\s+1/); // sent, received: our Cease arrived
  }, 60_000);
});
