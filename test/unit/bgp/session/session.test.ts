// Session FSM behaviour with a fake socket and a manual clock: no network, no sleeping.
import { describe, expect, test } from '@jest/globals';
import type { NotificationMessage, OpenMessage } from '../../../../src/bgp/wire/types.js';
import { FakeSocket, establish, keepalive, makeSession, notification, peerOpen, types } from './harness.js';
import { rawFrame, stubUpdate } from './stub-codec.js';

const notif = (m: unknown): [number, number] => {
  const n = m as NotificationMessage;
  expect(n.type).toBe(3);
  return [n.code, n.subcode];
};
const lastNotif = (sock: FakeSocket): [number, number] => {
  const msgs = sock.take();
  return notif(msgs[msgs.length - 1]);
};

describe('active session: Idle → Connect → OpenSent → OpenConfirm → Established', () => {
  test('walks every state and sends OPEN then KEEPALIVE', () => {
    const h = makeSession({ port: 1179, localAddress: '192.0.2.1' });
    expect(h.s.state).toBe('Idle');
    h.s.start();
    expect(h.s.state).toBe('Connect');
    // eBGP without multihop: the transport is asked for TTL 1 (security/ttl-policy.ts).
    expect(h.connects).toEqual([{ host: '192.0.2.2', port: 1179, localAddress: '192.0.2.1', ttl: 1 }]);
    const sock = h.out[0];
    sock.connectNow();
    expect(h.s.state).toBe('OpenSent');
    const [open] = sock.take() as OpenMessage[];
    expect(open.type).toBe(1);
    // 4-octet local ASN: My AS carries AS_TRANS, the capability carries the real one.
    expect(open.myAsn).toBe(23456);
    expect(open.capabilities.asn4).toBe(4200000001);
    expect(open.holdTime).toBe(90);
    expect(open.routerId).toBe('10.0.0.1');
    expect(open.capabilities.multiprotocol).toEqual([{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }]);
    expect(open.capabilities.routeRefresh).toBe(true);
    expect(open.capabilities.extendedMessage).toBe(true);

    sock.feed(peerOpen({ holdTime: 30 }));
    expect(h.s.state).toBe('OpenConfirm');
    expect(types(sock.take())).toEqual([4]);
    expect(h.s.negotiated).toBeUndefined();

    sock.feed(keepalive());
    expect(h.s.state).toBe('Established');
    expect(h.states).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(h.events).toEqual(['established']);
    const n = h.s.negotiated!;
    expect(n.holdTime).toBe(30);
    expect(n.keepaliveTime).toBe(10);
    expect(n.peerAsn).toBe(65002);
    expect(n.peerRouterId).toBe('10.0.0.2');
    expect(n.asn4).toBe(true);
    expect(n.families).toEqual(['ipv4-unicast', 'ipv6-unicast']);
    expect(n.extendedMessage).toBe(true);
    expect(n.routeRefresh).toBe(true);
    expect(n.enhancedRouteRefresh).toBe(false);
    expect(n.codec.ebgp).toBe(true);
    expect(n.remoteAddress).toBe('192.0.2.2');
    expect(h.s.stats.establishedAt).toBe(h.clock.now());
  });

  test('a peer without the MP capability gets ipv4-unicast only', () => {
    const h = makeSession();
    establish(h, peerOpen({}, { multiprotocol: [] }));
    expect(h.s.negotiated!.families).toEqual(['ipv4-unicast']);
  });

  test('TCP failure in Connect goes to Active and ConnectRetry tries again', () => {
    const h = makeSession({ connectRetryTime: 5 });
    h.s.start();
    h.out[0].fail();
    expect(h.s.state).toBe('Active');
    h.clock.advance(4_999);
    expect(h.connects).toHaveLength(1);
    h.clock.advance(1);
    expect(h.connects).toHaveLength(2);
    expect(h.s.state).toBe('Connect');
  });

  test('a connect attempt that hangs is dropped and retried when ConnectRetry expires', () => {
    const h = makeSession({ connectRetryTime: 5 });
    h.s.start();
    h.clock.advance(5_000);
    expect(h.out[0].destroyed).toBe(true);
    expect(h.connects).toHaveLength(2);
  });
});

describe('passive session', () => {
  test('waits in Active without connecting, then takes the inbound connection', () => {
    const h = makeSession({ passive: true });
    h.s.start();
    expect(h.s.state).toBe('Active');
    h.clock.advance(600_000);
    expect(h.connects).toHaveLength(0);
    const sock = new FakeSocket();
    h.s.acceptConnection(sock.asSocket());
    expect(h.s.state).toBe('OpenSent');
    expect(types(sock.take())).toEqual([1]);
    sock.feed(peerOpen(), keepalive());
    expect(h.s.state).toBe('Established');
  });

  test('inbound connections are refused with Cease/5 before start()', () => {
    const h = makeSession({ passive: true });
    const sock = new FakeSocket();
    h.s.acceptConnection(sock.asSocket());
    expect(lastNotif(sock)).toEqual([6, 5]);
    expect(sock.ended).toBe(true);
    expect(h.s.state).toBe('Idle');
  });
});

describe('timers', () => {
  test('hold timer expiry sends NOTIFICATION 4/0 and the session goes down', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({ holdTime: 9 }));
    sock.take();
    h.clock.advance(8_999);
    expect(h.s.state).toBe('Established');
    h.clock.advance(1);
    const msgs = sock.take();
    expect(notif(msgs[msgs.length - 1])).toEqual([4, 0]);
    expect(h.s.state).toBe('Idle');
    expect(h.events).toEqual(['established', 'down:4/0']);
    expect(h.s.stats.lastDown).toMatchObject({ code: 4, subcode: 0, sentByUs: true });
    expect(h.s.stats.flaps).toBe(1);
    expect(h.s.negotiated).toBeUndefined();
  });

  test('any message from the peer restarts the hold timer', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({ holdTime: 9 }));
    for (let i = 0; i < 10; i++) {
      h.clock.advance(8_000);
      sock.feed(i % 2 ? keepalive() : stubUpdate(['10.0.0.0/24']));
    }
    expect(h.s.state).toBe('Established');
  });

  test('keepalives go out every hold/3 seconds', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({ holdTime: 30 }));
    sock.take();
    let count = 0;
    for (let t = 0; t < 6; t++) {
      h.clock.advance(5_000);
      sock.feed(keepalive()); // keep our hold timer happy
      count += sock.take().filter((m) => m.type === 4).length;
    }
    expect(count).toBe(3); // 30 s at one per 10 s
  });

  test('a configured keepalive interval is used when below hold/3', () => {
    const h = makeSession({ keepaliveTime: 2 });
    const sock = establish(h, peerOpen({ holdTime: 30 }));
    sock.take();
    expect(h.s.negotiated!.keepaliveTime).toBe(2);
    h.clock.advance(6_000);
    expect(sock.take().filter((m) => m.type === 4)).toHaveLength(3);
  });

  test('hold time 0 means no keepalives and no hold timer', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({ holdTime: 0 }));
    sock.take();
    expect(h.s.negotiated).toMatchObject({ holdTime: 0, keepaliveTime: 0 });
    h.clock.advance(3_600_000);
    expect(h.s.state).toBe('Established');
    expect(sock.take()).toEqual([]);
  });

  test('an OPEN that never comes trips the OpenSent hold timer (4 minutes)', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].take();
    h.clock.advance(240_000);
    expect(lastNotif(h.out[0])).toEqual([4, 0]);
    expect(h.s.state).toBe('Idle');
  });
});

describe('OPEN errors', () => {
  const cases: [string, Buffer, [number, number], object][] = [
    ['peer AS mismatch → 2/2', peerOpen({ myAsn: 65009 }, { asn4: 65009 }), [2, 2], {}],
    ['unacceptable hold time → 2/6', peerOpen({ holdTime: 2 }), [2, 6], {}],
    ['unsupported version → 2/1', peerOpen({ version: 3 }), [2, 1], {}],
    ['router id 0.0.0.0 → 2/3', peerOpen({ routerId: '0.0.0.0' }), [2, 3], {}],
    ['iBGP peer with our router id → 2/3', peerOpen({ myAsn: 23456, routerId: '10.0.0.1' }, { asn4: 4200000001 }), [2, 3], { peerAsn: 4200000001 }],
  ];
  test.each(cases)('%s', (_name, open, expected, over) => {
    const h = makeSession(over);
    h.s.start();
    const sock = h.out[0];
    sock.connectNow();
    sock.take();
    sock.feed(open);
    expect(lastNotif(sock)).toEqual(expected);
    expect(sock.ended).toBe(true);
    expect(h.s.state).toBe('Idle');
    expect(h.s.stats.lastDown).toMatchObject({ code: expected[0], subcode: expected[1], sentByUs: true });
    expect(h.events).toEqual([]); // never Established, so no 'down'
  });

  test('eBGP peer with our router id is accepted (RFC 6286)', () => {
    const h = makeSession();
    establish(h, peerOpen({ routerId: '10.0.0.1' }));
    expect(h.s.state).toBe('Established');
  });

  test('the 4-octet ASN capability wins over AS_TRANS in My AS', () => {
    const h = makeSession({ peerAsn: 4200000002 });
    establish(h, peerOpen({ myAsn: 23456 }, { asn4: 4200000002 }));
    expect(h.s.negotiated!.peerAsn).toBe(4200000002);
  });

  test('a peer without the 4-octet capability is judged by My AS', () => {
    const h = makeSession();
    establish(h, peerOpen({ myAsn: 65002 }, { asn4: undefined }));
    expect(h.s.negotiated).toMatchObject({ peerAsn: 65002, asn4: false });
  });
});

describe('unexpected messages (RFC 6608)', () => {
  test('UPDATE in OpenSent → 5/1', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].feed(stubUpdate([]));
    expect(lastNotif(h.out[0])).toEqual([5, 1]);
  });
  test('KEEPALIVE in OpenSent → 5/1', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].feed(keepalive());
    expect(lastNotif(h.out[0])).toEqual([5, 1]);
  });
  test('OPEN in OpenConfirm → 5/2', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].feed(peerOpen(), peerOpen());
    expect(lastNotif(h.out[0])).toEqual([5, 2]);
  });
  test('UPDATE in OpenConfirm → 5/2', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].feed(peerOpen(), stubUpdate([]));
    expect(lastNotif(h.out[0])).toEqual([5, 2]);
  });
  test('OPEN in Established → 5/3 and down', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.feed(peerOpen());
    expect(lastNotif(sock)).toEqual([5, 3]);
    expect(h.events).toEqual(['established', 'down:5/3']);
  });
});

describe('errors from the byte stream', () => {
  test('a framing error sends its NOTIFICATION (1/1) and takes the session down', () => {
    const h = makeSession();
    const sock = establish(h);
    const bad = stubUpdate([]);
    bad[3] = 0; // broken marker
    sock.feed(bad);
    expect(lastNotif(sock)).toEqual([1, 1]);
    expect(h.events).toEqual(['established', 'down:1/1']);
  });

  test('messages over 4096 bytes are refused until extended message is negotiated', () => {
    const h = makeSession({ extendedMessage: false });
    const sock = establish(h);
    sock.feed(rawFrame(2, Buffer.alloc(5000)));
    expect(lastNotif(sock)).toEqual([1, 2]);
  });

  test('with extended message negotiated a 5000-byte UPDATE is accepted', () => {
    const h = makeSession();
    const sock = establish(h);
    const body = Buffer.from(JSON.stringify({ withdrawn: { prefixes: [] }, attributes: null, nlri: { prefixes: [] }, pad: 'x'.repeat(5000) }));
    sock.feed(rawFrame(2, body));
    expect(h.events).toEqual(['established', 'update']);
  });

  test('a listener that throws resets this session (Cease/8) instead of crashing', () => {
    const h = makeSession();
    const sock = establish(h);
    h.s.on('update', () => {
      throw new Error('boom');
    });
    sock.feed(stubUpdate(['10.0.0.0/24']));
    expect(lastNotif(sock)).toEqual([6, 8]);
    expect(h.s.state).toBe('Idle');
  });

  test('a NOTIFICATION from the peer ends the session with its reason and shutdown communication', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    const text = Buffer.from('rebooting the ToR');
    sock.feed(notification(6, 2, Buffer.concat([Buffer.from([text.length]), text])));
    expect(h.events).toEqual(['established', 'down:6/2']);
    expect(h.s.stats.lastDown).toMatchObject({ code: 6, subcode: 2, sentByUs: false });
    expect(h.s.stats.lastDown!.text).toContain('rebooting the ToR');
    expect(sock.take()).toEqual([]); // never answer a NOTIFICATION
  });

  test('TCP loss while Established is a flap', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.emit('end');
    expect(h.s.state).toBe('Idle');
    expect(h.events).toEqual(['established', 'down:-/-']);
    expect(h.s.stats.flaps).toBe(1);
  });
});

describe('messages in bulk', () => {
  test('many messages in one chunk are all delivered, synchronously, in order', () => {
    const h = makeSession();
    const sock = establish(h);
    const seen: string[][] = [];
    h.s.on('update', (u) => seen.push(u.nlri.prefixes));
    sock.feed(stubUpdate(['10.0.1.0/24']), keepalive(), stubUpdate(['10.0.2.0/24']), stubUpdate(['10.0.3.0/24']));
    expect(seen).toEqual([['10.0.1.0/24'], ['10.0.2.0/24'], ['10.0.3.0/24']]);
    expect(h.s.stats.updatesIn).toBe(3);
  });

  test('a message split across chunks is delivered once complete', () => {
    const h = makeSession();
    const sock = establish(h);
    const u = stubUpdate(['10.9.0.0/16']);
    sock.feed(u.subarray(0, 7));
    sock.feed(u.subarray(7, 25));
    expect(h.s.stats.updatesIn).toBe(0);
    sock.feed(u.subarray(25));
    expect(h.s.stats.updatesIn).toBe(1);
  });

  test('messages after a fatal one in the same chunk are not processed', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.feed(peerOpen(), stubUpdate(['10.0.0.0/8']));
    expect(h.events).toEqual(['established', 'down:5/3']);
  });
});

describe('sending', () => {
  test('send() reports back-pressure and the socket drain is re-emitted', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    expect(h.s.send([stubUpdate(['10.0.0.0/24'])])).toBe(true);
    sock.writeResult = false;
    expect(h.s.send([stubUpdate(['10.0.1.0/24']), stubUpdate(['10.0.2.0/24'])])).toBe(false);
    sock.emit('drain');
    expect(h.events).toContain('drain');
    expect(h.s.stats.updatesOut).toBe(3);
    expect(types(sock.take())).toEqual([2, 2, 2]);
  });

  test('send() outside Established sends nothing and returns false', () => {
    const h = makeSession();
    h.s.start();
    h.out[0].connectNow();
    h.out[0].take();
    expect(h.s.send([stubUpdate([])])).toBe(false);
    expect(h.out[0].take()).toEqual([]);
  });

  test('sent UPDATEs postpone the next KEEPALIVE', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({ holdTime: 30 }));
    sock.take();
    h.clock.advance(9_000);
    h.s.send([stubUpdate([])]);
    h.clock.advance(9_000);
    sock.feed(keepalive());
    expect(types(sock.take())).toEqual([2]);
    h.clock.advance(1_000);
    expect(types(sock.take())).toEqual([4]);
  });

  test('ROUTE-REFRESH both ways when negotiated', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    h.s.sendRouteRefresh('ipv6-unicast');
    expect(sock.take()).toEqual([{ type: 5, afi: 2, safi: 1, subtype: 0 }]);
    sock.feed(rawFrame(5, Buffer.from([0, 1, 0, 1])));
    expect(h.events).toEqual(['established', 'routeRefresh']);
  });

  test('ROUTE-REFRESH from a peer that did not negotiate it → 1/3', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({}, { routeRefresh: false }));
    sock.feed(rawFrame(5, Buffer.from([0, 1, 0, 1])));
    expect(lastNotif(sock)).toEqual([1, 3]);
  });
});

describe('connection collision (RFC 4271 §6.8)', () => {
  test('our router id is higher: our outbound connection wins, the inbound gets Cease/7', () => {
    const h = makeSession({ routerId: '10.0.0.9' });
    h.s.start();
    const outSock = h.out[0];
    outSock.connectNow();
    outSock.feed(peerOpen());
    expect(h.s.state).toBe('OpenConfirm');
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    expect(types(inSock.take())).toEqual([1]);
    inSock.feed(peerOpen());
    expect(lastNotif(inSock)).toEqual([6, 7]);
    expect(outSock.destroyed || outSock.ended).toBe(false);
    outSock.feed(keepalive());
    expect(h.s.state).toBe('Established');
    expect(h.s.negotiated!.remotePort).toBe(179);
  });

  test('peer router id is higher: the inbound connection wins, our outbound gets Cease/7', () => {
    const h = makeSession({ routerId: '10.0.0.1' });
    h.s.start();
    const outSock = h.out[0];
    outSock.connectNow();
    outSock.feed(peerOpen({ routerId: '10.0.0.200' }));
    expect(h.s.state).toBe('OpenConfirm');
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    outSock.take();
    inSock.feed(peerOpen({ routerId: '10.0.0.200' }));
    expect(lastNotif(outSock)).toEqual([6, 7]);
    expect(h.s.state).toBe('OpenConfirm');
    inSock.feed(keepalive());
    expect(h.s.state).toBe('Established');
    expect(h.events).toEqual(['established']); // the collision loser was never a session
  });

  test('the first OPEN already settles a collision with a connection still in OpenSent', () => {
    const h = makeSession({ routerId: '10.0.0.9' });
    h.s.start();
    const outSock = h.out[0];
    outSock.connectNow();
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    inSock.take();
    // The peer's OPEN on our connection tells us its identifier: the inbound one can go now.
    outSock.feed(peerOpen());
    expect(lastNotif(inSock)).toEqual([6, 7]);
    expect(h.s.state).toBe('OpenConfirm');
  });

  test('an outbound attempt still in TCP setup is dropped when the inbound gets its OPEN', () => {
    const h = makeSession();
    h.s.start();
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    inSock.feed(peerOpen(), keepalive());
    expect(h.s.state).toBe('Established');
    expect(h.out[0].destroyed).toBe(true);
  });

  test('a new connection while Established (no graceful restart) is refused with Cease/7', () => {
    const h = makeSession();
    const sock = establish(h);
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    expect(lastNotif(inSock)).toEqual([6, 7]);
    expect(h.s.state).toBe('Established');
    expect(sock.destroyed).toBe(false);
  });

  test('a graceful-restart peer that comes back with the Restart State bit replaces the established session', () => {
    const h = makeSession();
    const sock = establish(h, peerOpen({}, { gracefulRestart: { restartState: false, notification: false, restartTime: 120, families: [] } }));
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    // Until its OPEN says so, the new connection is only a candidate.
    expect(sock.destroyed).toBe(false);
    expect(h.s.state).toBe('Established');
    inSock.feed(peerOpen({}, { gracefulRestart: { restartState: true, notification: false, restartTime: 120, families: [] } }));
    expect(sock.destroyed).toBe(true);
    expect(h.s.state).toBe('OpenConfirm');
    inSock.feed(keepalive());
    expect(h.s.state).toBe('Established');
    expect(h.events).toEqual(['established', 'down:-/-', 'established']);
    // Straight from the old session to the new one, no detour through Idle.
    expect(h.states).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established', 'OpenConfirm', 'Established']);
  });

  test('a second connection from a graceful-restart peer without the Restart State bit is a collision (Cease/7)', () => {
    const h = makeSession();
    const gr = { gracefulRestart: { restartState: false, notification: false, restartTime: 120, families: [] } };
    const sock = establish(h, peerOpen({}, gr));
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    inSock.take();
    inSock.feed(peerOpen({}, gr));
    expect(lastNotif(inSock)).toEqual([6, 7]);
    expect(sock.destroyed).toBe(false);
    expect(h.s.state).toBe('Established');
    expect(h.events).toEqual(['established']);
    // A candidate that the peer just drops leaves the session and its status alone.
    const other = new FakeSocket();
    h.s.acceptConnection(other.asSocket());
    other.emit('end');
    expect(h.s.state).toBe('Established');
    expect(h.s.stats.lastDown).toBeUndefined();
  });

  test('a graceful-restart peer with forwarding families: its TCP loss is marked for stale-route keeping, a NOTIFICATION is not', () => {
    const gr = { gracefulRestart: { restartState: false, notification: false, restartTime: 120, families: [{ afi: 1, safi: 1, forwarding: true }] } };
    const restarting = { gracefulRestart: { ...gr.gracefulRestart, restartState: true } };
    const h = makeSession();
    const reasons: unknown[] = [];
    h.s.on('down', (r) => reasons.push(r));
    const sock = establish(h, peerOpen({}, gr));
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    inSock.feed(peerOpen({}, restarting), keepalive());
    inSock.emit('end');
    h.clock.advance(10_000);
    const third = h.out[h.out.length - 1];
    expect(third).not.toBe(sock);
    third.connectNow();
    third.feed(peerOpen({}, gr), keepalive(), notification(6, 4));
    expect(reasons).toEqual([
      expect.objectContaining({ gracefulRestart: true, text: 'peer restarted (graceful restart)' }),
      expect.objectContaining({ gracefulRestart: true, text: 'connection closed by peer' }),
      expect.not.objectContaining({ gracefulRestart: true }),
    ]);
  });
});

describe('damping: IdleHoldTime backoff (random = 0, so no jitter)', () => {
  function flap(h: ReturnType<typeof makeSession>): number {
    // Drives Connect → Established → NOTIFICATION from peer; returns the IdleHold it chose.
    const sock = h.out[h.out.length - 1];
    sock.connectNow();
    sock.feed(peerOpen(), keepalive());
    expect(h.s.state).toBe('Established');
    sock.feed(notification(6, 4));
    expect(h.s.state).toBe('Idle');
    const before = h.connects.length;
    let waited = 0;
    while (h.connects.length === before) {
      h.clock.advance(100);
      waited += 100;
    }
    return waited;
  }

  test('repeated flaps double the wait up to the cap, a stable session resets it', () => {
    const h = makeSession({}, { backoff: { initialMs: 1000, maxMs: 8000, stableMs: 60_000 } });
    h.s.start();
    expect([flap(h), flap(h), flap(h), flap(h), flap(h)]).toEqual([1000, 2000, 4000, 8000, 8000]);
    // Established for a stable period: the next failure waits the initial time again.
    const sock = h.out[h.out.length - 1];
    sock.connectNow();
    sock.feed(peerOpen(), keepalive());
    for (let i = 0; i < 7; i++) {
      h.clock.advance(10_000);
      sock.feed(keepalive());
    }
    sock.feed(notification(6, 4));
    const before = h.connects.length;
    h.clock.advance(999);
    expect(h.connects.length).toBe(before);
    h.clock.advance(1);
    expect(h.connects.length).toBe(before + 1);
    expect(h.s.stats.flaps).toBe(6);
  });

  test('jitter shortens the wait by at most a quarter', () => {
    const h = makeSession({}, { random: () => 0.999, backoff: { initialMs: 1000 } });
    h.s.start();
    expect(flap(h)).toBe(800); // 1000 * (1 - 0.25 * 0.999) = 750.25 → first 100 ms step past it
  });

  test('inbound connections are refused during IdleHold', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.feed(notification(6, 4));
    const inSock = new FakeSocket();
    h.s.acceptConnection(inSock.asSocket());
    expect(lastNotif(inSock)).toEqual([6, 5]);
  });
});

describe('stop()', () => {
  test('sends Cease/2 with an RFC 9003 shutdown communication and stays down', async () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    const stopped = h.s.stop({ text: 'node drained for maintenance' });
    const [m] = sock.take() as NotificationMessage[];
    expect([m.code, m.subcode]).toEqual([6, 2]);
    const text = Buffer.from('node drained for maintenance');
    expect(Buffer.from(m.data)).toEqual(Buffer.concat([Buffer.from([text.length]), text]));
    await stopped;
    expect(sock.destroyed).toBe(true);
    expect(h.s.state).toBe('Idle');
    expect(h.events).toEqual(['established', 'down:6/2']);
    expect(h.s.stats.lastDown).toMatchObject({ sentByUs: true, code: 6, subcode: 2 });
    h.clock.advance(3_600_000);
    expect(h.connects).toHaveLength(1);
  });

  test('a custom subcode (Peer De-configured) carries no shutdown communication', async () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    const p = h.s.stop({ subcode: 3, text: 'gone' });
    const [m] = sock.take() as NotificationMessage[];
    expect([m.code, m.subcode, m.data.length]).toEqual([6, 3, 0]);
    await p;
  });

  test('stop() while connecting just closes the socket; start() again works', async () => {
    const h = makeSession();
    h.s.start();
    await h.s.stop();
    expect(h.out[0].destroyed).toBe(true);
    expect(h.out[0].take()).toEqual([]);
    h.s.start();
    expect(h.s.state).toBe('Connect');
    expect(h.connects).toHaveLength(2);
  });
});

describe('updateConfig()', () => {
  test('description and timers apply live', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    expect(h.s.updateConfig({ ...h.s.config, description: 'tor-1', keepaliveTime: 5 })).toBe('applied');
    expect(h.s.state).toBe('Established');
    expect(h.s.negotiated!.keepaliveTime).toBe(5);
    h.clock.advance(5_000);
    expect(types(sock.take())).toEqual([4]);
  });

  test('a changed peer ASN resets the session with Cease/6 and reconnects at once', () => {
    const h = makeSession();
    const sock = establish(h);
    sock.take();
    expect(h.s.updateConfig({ ...h.s.config, peerAsn: 65003 })).toBe('reset');
    expect(lastNotif(sock)).toEqual([6, 6]);
    expect(h.events).toEqual(['established', 'down:6/6']);
    expect(h.s.state).toBe('Connect');
    expect(h.connects).toHaveLength(2);
  });

  test('switching a waiting passive session to active starts connecting without a reset', () => {
    const h = makeSession({ passive: true });
    h.s.start();
    expect(h.s.state).toBe('Active');
    expect(h.s.updateConfig({ ...h.s.config, passive: false })).toBe('applied');
    expect(h.s.state).toBe('Connect');
    expect(h.connects).toHaveLength(1);
  });

  test('an invalid configuration is refused with a clear error', () => {
    const h = makeSession();
    expect(() => h.s.updateConfig({ ...h.s.config, holdTime: 2 })).toThrow(/hold time/);
    expect(h.s.config.holdTime).toBe(90);
  });
});

describe('DelayOpen (RFC 4271 §8.1.1)', () => {
  test('holds our OPEN back for DelayOpenTime, staying in Connect, then sends it', () => {
    const h = makeSession({ delayOpenTime: 5 });
    h.s.start();
    h.out[0].connectNow();
    expect(h.s.state).toBe('Connect');
    h.clock.advance(4_999);
    expect(h.out[0].take()).toEqual([]);
    h.clock.advance(1);
    expect(types(h.out[0].take())).toEqual([1]);
    expect(h.s.state).toBe('OpenSent');
  });

  test('an OPEN from the peer during the delay is answered with OPEN and KEEPALIVE at once', () => {
    const h = makeSession({ delayOpenTime: 5 });
    h.s.start();
    const sock = h.out[0];
    sock.connectNow();
    sock.feed(peerOpen());
    expect(types(sock.take())).toEqual([1, 4]);
    expect(h.s.state).toBe('OpenConfirm');
    h.clock.advance(5_000);
    expect(types(sock.take())).toEqual([]); // the delay timer died with the OPEN
    sock.feed(keepalive());
    expect(h.s.state).toBe('Established');
  });

  test('a passive session with DelayOpen waits in Active on an inbound connection', () => {
    const h = makeSession({ passive: true, delayOpenTime: 3 });
    h.s.start();
    const sock = new FakeSocket();
    h.s.acceptConnection(sock.asSocket());
    expect(h.s.state).toBe('Active');
    expect(sock.take()).toEqual([]);
    h.clock.advance(3_000);
    expect(types(sock.take())).toEqual([1]);
  });

  test('anything but OPEN or NOTIFICATION during the delay is an FSM error (5/0)', () => {
    const h = makeSession({ delayOpenTime: 5 });
    h.s.start();
    h.out[0].connectNow();
    h.out[0].feed(keepalive());
    expect(lastNotif(h.out[0])).toEqual([5, 0]);
    expect(h.s.state).toBe('Idle');
  });

  test('an invalid delay is refused', () => {
    expect(() => makeSession({ delayOpenTime: -1 })).toThrow(/delay open/);
  });
});
