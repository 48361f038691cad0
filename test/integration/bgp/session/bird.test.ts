// A Session against a real BIRD 2 on loopback: BIRD listens on 127.0.0.1:<pb> as AS 4200000002,
// our session on 127.0.0.2:<pa> as AS 65001. Checks what both sides negotiated, that BIRD's UPDATE
// decodes, and that after BIRD restarts the session comes back on its own.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { Session } from '../../../../src/bgp/session/index.js';
import type { DownReason, Negotiated } from '../../../../src/bgp/session/types.js';
import type { UpdateMessage } from '../../../../src/bgp/wire/types.js';
import { BirdDaemon, closeServer, listenFor, requireBird, until, waitEvent } from './loopback.js';

async function freePort(host: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host, port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await closeServer(s);
  return port;
}

function birdConfig(birdPort: number, ourPort: number): string {
  return `
router id 10.255.0.2;
log stderr all;
protocol device {}
protocol static s4 { ipv4; route 10.99.0.0/24 blackhole; }
protocol static s6 { ipv6; route 2001:db8:99::/48 blackhole; }
protocol bgp podroute {
  local 127.0.0.1 port ${birdPort} as 4200000002;
  neighbor 127.0.0.2 port ${ourPort} as 65001;
  multihop;
  hold time 9;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 2;
  enable extended messages on;
  ipv4 { import all; export all; };
  ipv6 { import all; export all; next hop address ::1; };
}
`;
}

describe('Session against BIRD 2', () => {
  let bird: BirdDaemon;
  let session: Session | undefined;
  let server: net.Server;
  const updates: UpdateMessage[] = [];
  const logLines: string[] = [];
  const keep = (msg: string, fields?: object): void => void logLines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  /** Adds what both sides said to a failure, so a timeout explains itself. */
  const explain = (e: Error): Promise<never> => Promise.reject(new Error(`${e.message}\n--- session log:\n${logLines.slice(-40).join('\n')}\n--- BIRD:\n${bird.output.slice(-3000)}`));

  beforeAll(async () => {
    requireBird();
    const birdPort = await freePort('127.0.0.1');
    const l = await listenFor('127.0.0.2', () => session);
    server = l.server;
    bird = new BirdDaemon(birdConfig(birdPort, l.port));
    session = new Session(
      { localAsn: 65001, routerId: '10.255.0.1', localAddress: '127.0.0.2', peerAddress: '127.0.0.1', peerAsn: 4200000002, port: birdPort, holdTime: 30, connectRetryTime: 1 },
      { backoff: { initialMs: 200, maxMs: 1000 }, log: { debug: keep, info: keep, warn: keep, error: keep } },
    );
    session.on('update', (u) => updates.push(u));
  });

  afterAll(async () => {
    await session?.stop().catch(() => {});
    await bird?.dispose();
    if (server) await closeServer(server);
  });

  test('reaches Established with 4-octet ASN and the expected capabilities', async () => {
    const s = session!;
    const up = waitEvent<[Negotiated]>(s, 'established', 'Established with BIRD', 40_000);
    bird.start();
    s.start();
    const [[n]] = [await Promise.race([up, bird.exited()]).catch(explain)];
    expect(n).toMatchObject({
      peerAsn: 4200000002,
      peerRouterId: '10.255.0.2',
      asn4: true,
      holdTime: 9,
      keepaliveTime: 3,
      routeRefresh: true,
      enhancedRouteRefresh: true,
      extendedMessage: true,
      families: ['ipv4-unicast', 'ipv6-unicast'],
      localAddress: '127.0.0.2',
      remoteAddress: '127.0.0.1',
    });
    expect(n.codec).toMatchObject({ asn4: true, extendedMessage: true, ebgp: true });

    // BIRD's side of the story.
    const show = await bird.birdc('show', 'protocols', 'all', 'podroute');
    expect(show).toMatch(/BGP state:\s+Established/);
    expect(show).toMatch(/Neighbor AS:\s+65001/);
    const neighborCaps = show.slice(show.indexOf('Neighbor capabilities'), show.indexOf('Session:'));
    expect(neighborCaps).toMatch(/4-octet AS numbers/);
    expect(neighborCaps).toMatch(/AF announced: ipv4 ipv6/);
    expect(neighborCaps).toMatch(/Route refresh/);
    expect(neighborCaps).toMatch(/Extended message/);
    expect(neighborCaps).toMatch(/Enhanced refresh/);
    expect(show).toMatch(/Session:.*AS4/);
    // BIRD is graceful-restart aware by default and says so.
    expect(n.peerGracefulRestart).toBeDefined();

    // BIRD's exported routes arrive as decoded UPDATEs (IPv4 classic NLRI, IPv6 in MP_REACH).
    await until(() => updates.some((u) => u.nlri.prefixes.includes('10.99.0.0/24')), 'IPv4 route from BIRD');
    await until(() => updates.some((u) => u.attributes?.mpReach?.nlri.prefixes.includes('2001:db8:99::/48') ?? false), 'IPv6 route from BIRD');
    const v4 = updates.find((u) => u.nlri.prefixes.includes('10.99.0.0/24'))!;
    expect(v4.attributes?.asPath).toEqual([{ type: 2, asns: [4200000002] }]);
  }, 60_000);

  test('keepalives keep the session up past the hold time', async () => {
    const s = session!;
    const before = s.stats.messagesIn;
    await until(() => s.stats.messagesIn >= before + 4, 'four keepalives from BIRD', 20_000).catch(explain);
    // One object, so a failure also shows the last reason the session (or an attempt) went down.
    expect({ state: s.state, flaps: s.stats.flaps, lastDown: s.stats.lastDown }).toMatchObject({ state: 'Established', flaps: 0 });
  }, 30_000);

  test('BIRD restarts and the session comes back', async () => {
    const s = session!;
    const down = waitEvent<[DownReason]>(s, 'down', 'session down after BIRD stops', 20_000);
    await bird.stop('SIGTERM');
    const [[reason]] = [await down.catch(explain)];
    expect(reason.sentByUs).toBe(false);
    expect(s.state).not.toBe('Established');
    // While BIRD is gone our connects are refused; the session keeps trying on its own.
    await until(() => s.state === 'Active' || s.state === 'Connect', 'retrying', 10_000);
    const up = waitEvent<[Negotiated]>(s, 'established', 'Established again', 40_000);
    bird.start();
    await Promise.race([up, bird.exited()]).catch(explain);
    expect(s.stats.flaps).toBe(1);
    const show = await bird.birdc('show', 'protocols', 'podroute');
    expect(show).toMatch(/Established/);
  }, 60_000);

  test('BIRD killed outright (no NOTIFICATION): the TCP loss ends the session and it recovers', async () => {
    const s = session!;
    const flaps = s.stats.flaps;
    const down = waitEvent<[DownReason]>(s, 'down', 'session down after SIGKILL', 20_000);
    await bird.stop('SIGKILL');
    const [[reason]] = [await down.catch(explain)];
    expect(reason.code).toBeUndefined();
    expect(reason.sentByUs).toBe(false);
    const up = waitEvent<[Negotiated]>(s, 'established', 'Established after SIGKILL', 40_000);
    bird.start();
    await Promise.race([up, bird.exited()]).catch(explain);
    expect(s.stats.flaps).toBe(flaps + 1);
  }, 60_000);
});
