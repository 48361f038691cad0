// Two of our own Sessions over real TCP on loopback (127.0.0.1 ↔ 127.0.0.2, custom ports): they
// reach Established through whatever collision the simultaneous connects produce, exchange
// keepalives and an UPDATE, and a stop() on one side reaches the other as Cease/2 with its text.
import { afterEach, describe, expect, test } from '@jest/globals';
import type net from 'node:net';
import { Session } from '../../../../src/bgp/session/index.js';
import type { DownReason, Negotiated } from '../../../../src/bgp/session/types.js';
import { encodeUpdate } from '../../../../src/bgp/wire/index.js';
import type { UpdateMessage } from '../../../../src/bgp/wire/types.js';
import { closeServer, listenFor, until, waitEvent } from './loopback.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function pair(opts: { passiveB?: boolean; hold?: number } = {}): Promise<{ a: Session; b: Session }> {
  let a: Session | undefined;
  let b: Session | undefined;
  const la = await listenFor('127.0.0.1', () => a);
  const lb = await listenFor('127.0.0.2', () => b);
  const servers: net.Server[] = [la.server, lb.server];
  cleanups.push(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all(servers.map(closeServer));
  });
  const common = { holdTime: opts.hold ?? 3, connectRetryTime: 1 };
  a = new Session({ ...common, localAsn: 65001, routerId: '10.255.0.1', localAddress: '127.0.0.1', peerAddress: '127.0.0.2', peerAsn: 4200000002, port: lb.port });
  b = new Session({ ...common, localAsn: 4200000002, routerId: '10.255.0.2', localAddress: '127.0.0.2', peerAddress: '127.0.0.1', peerAsn: 65001, port: la.port, passive: opts.passiveB });
  return { a, b };
}

describe('two sessions on loopback', () => {
  test('both reach Established, keepalives flow, UPDATEs arrive, stop() delivers Cease/2 with its text', async () => {
    const { a, b } = await pair();
    const upA = waitEvent<[Negotiated]>(a, 'established', 'A established');
    const upB = waitEvent<[Negotiated]>(b, 'established', 'B established');
    a.start();
    b.start();
    const [[na], [nb]] = await Promise.all([upA, upB]);
    expect(a.state).toBe('Established');
    expect(b.state).toBe('Established');
    expect(na).toMatchObject({ peerAsn: 4200000002, peerRouterId: '10.255.0.2', asn4: true, holdTime: 3, keepaliveTime: 1, extendedMessage: true, routeRefresh: true });
    expect(nb).toMatchObject({ peerAsn: 65001, peerRouterId: '10.255.0.1', families: ['ipv4-unicast', 'ipv6-unicast'] });
    // The two ends describe the same TCP connection.
    expect([na.localAddress, na.remoteAddress]).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(na.localPort).toBe(nb.remotePort);
    expect(na.remotePort).toBe(nb.localPort);

    // Keepalives flow: with hold 3 s each side keeps the other up well past the hold time.
    const inA = a.stats.messagesIn;
    const inB = b.stats.messagesIn;
    await until(() => a.stats.messagesIn >= inA + 4 && b.stats.messagesIn >= inB + 4, 'four keepalives each way');
    expect(a.state).toBe('Established');
    expect(b.state).toBe('Established');
    expect(a.stats.flaps + b.stats.flaps).toBe(0);

    const got = waitEvent<[UpdateMessage]>(b, 'update', 'UPDATE at B');
    a.send([
      encodeUpdate(
        { withdrawn: { prefixes: [] }, attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '127.0.0.1' }, nlri: { prefixes: ['10.1.0.0/16'] } },
        na.codec,
      ),
    ]);
    const [[u]] = [await got];
    expect(u.nlri.prefixes).toEqual(['10.1.0.0/16']);
    expect(u.attributes?.asPath).toEqual([{ type: 2, asns: [65001] }]);

    const down = waitEvent<[DownReason]>(b, 'down', 'B down');
    await a.stop({ text: 'node drained' });
    const [[reason]] = [await down];
    expect(reason).toMatchObject({ code: 6, subcode: 2, sentByUs: false });
    expect(reason.text).toContain('node drained');
    expect(a.state).toBe('Idle');
    expect(b.state).not.toBe('Established');
  }, 60_000);

  test('a passive side waits for the active one', async () => {
    const { a, b } = await pair({ passiveB: true });
    const upB = waitEvent<[Negotiated]>(b, 'established', 'B established');
    b.start();
    await until(() => b.state === 'Active', 'B in Active');
    a.start();
    const [[nb]] = [await upB];
    // B never connects out, so the connection is A's: B's local port is its listener's.
    expect(nb.localAddress).toBe('127.0.0.2');
    expect(nb.remoteAddress).toBe('127.0.0.1');
    await until(() => a.state === 'Established', 'A established');
  }, 30_000);
});
