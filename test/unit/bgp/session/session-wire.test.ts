// The session on the real wire codec (binary OPEN/UPDATE/NOTIFICATION), still on a fake socket
// and a manual clock: the session and the codec agree on framing, contexts and errors.
import { describe, expect, test } from '@jest/globals';
import { wireCodec } from '../../../../src/bgp/session/index.js';
import { encodeUpdate } from '../../../../src/bgp/wire/index.js';
import type { NotificationMessage, OpenMessage, UpdateMessage } from '../../../../src/bgp/wire/types.js';
import { caps, makeSession, type FakeSocket, type Harness } from './harness.js';

const open = (over: Partial<Omit<OpenMessage, 'type'>> = {}, capOver = {}): Buffer =>
  wireCodec.encodeOpen({ version: 4, myAsn: 65002, holdTime: 90, routerId: '10.0.0.2', capabilities: caps(capOver), ...over });

function up(h: Harness, peer: Buffer = open()): FakeSocket {
  h.s.start();
  const sock = h.out[0];
  sock.connectNow();
  sock.feed(peer, wireCodec.encodeKeepalive());
  expect(h.s.state).toBe('Established');
  sock.take(wireCodec);
  return sock;
}

const v4Update = (prefixes: string[], ctx = { asn4: true, extendedMessage: false, addPathReceive: new Set<never>(), addPathSend: new Set<never>(), ebgp: true }): Buffer =>
  encodeUpdate({ withdrawn: { prefixes: [] }, attributes: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.2' }, nlri: { prefixes } }, ctx);

describe('session on the real codec', () => {
  test('our OPEN decodes to what we configured, and a binary OPEN from the peer negotiates', () => {
    const h = makeSession({ gracefulRestart: { restartTime: 120, restarting: false, forwarding: true } }, { codec: wireCodec });
    h.s.start();
    const sock = h.out[0];
    sock.connectNow();
    const [o] = sock.take(wireCodec) as OpenMessage[];
    expect(o).toMatchObject({ type: 1, version: 4, myAsn: 23456, holdTime: 90, routerId: '10.0.0.1' });
    expect(o.capabilities).toMatchObject({ asn4: 4200000001, routeRefresh: true, enhancedRouteRefresh: true, extendedMessage: true });
    expect(o.capabilities.gracefulRestart?.restartTime).toBe(120);
    sock.feed(open({ holdTime: 60 }), wireCodec.encodeKeepalive());
    expect(h.s.negotiated).toMatchObject({ holdTime: 60, keepaliveTime: 20, peerAsn: 65002, asn4: true, extendedMessage: true });
  });

  test('binary UPDATEs are decoded with the negotiated context and emitted in order', () => {
    const h = makeSession({}, { codec: wireCodec });
    const sock = up(h);
    const got: UpdateMessage[] = [];
    h.s.on('update', (u) => got.push(u));
    sock.feed(Buffer.concat([v4Update(['10.1.0.0/16']), wireCodec.encodeKeepalive(), v4Update(['10.2.0.0/16', '10.3.0.0/24'])]));
    expect(got.map((u) => u.nlri.prefixes)).toEqual([['10.1.0.0/16'], ['10.2.0.0/16', '10.3.0.0/24']]);
    expect(got[0].attributes?.asPath).toEqual([{ type: 2, asns: [65002] }]);
  });

  test('a malformed UPDATE that must reset the session sends the codec\'s NOTIFICATION', () => {
    const h = makeSession({}, { codec: wireCodec });
    const sock = up(h);
    const u = v4Update(['10.1.0.0/16']);
    u.writeUInt16BE(0xffff, 19); // withdrawn length far past the end
    sock.feed(u);
    const [n] = sock.take(wireCodec) as NotificationMessage[];
    expect(n.type).toBe(3);
    expect(n.code).toBe(3); // UPDATE Message Error
    expect(h.s.stats.lastDown).toMatchObject({ code: 3, sentByUs: true });
    expect(h.s.state).toBe('Idle');
  });

  test('a broken header gives 1/1 and the bytes after it are never read', () => {
    const h = makeSession({}, { codec: wireCodec });
    const sock = up(h);
    let updates = 0;
    h.s.on('update', () => updates++);
    const bad = wireCodec.encodeKeepalive();
    bad[0] = 0;
    sock.feed(Buffer.concat([bad, v4Update(['10.1.0.0/16'])]));
    const [n] = sock.take(wireCodec) as NotificationMessage[];
    expect([n.code, n.subcode]).toEqual([1, 1]);
    expect(updates).toBe(0);
  });

  test('without extended message a message over 4096 bytes is a length error (1/2)', () => {
    const h = makeSession({ extendedMessage: false }, { codec: wireCodec });
    const sock = up(h);
    const big = Buffer.alloc(5000, 0xff);
    big.writeUInt16BE(5000, 16);
    big[18] = 2;
    sock.feed(big);
    const [n] = sock.take(wireCodec) as NotificationMessage[];
    expect([n.code, n.subcode]).toEqual([1, 2]);
  });

  test('stop() puts an RFC 9003 communication on the wire that the codec reads back', async () => {
    const h = makeSession({}, { codec: wireCodec });
    const sock = up(h);
    const p = h.s.stop({ text: 'upgrade' });
    const [n] = sock.take(wireCodec) as NotificationMessage[];
    expect([n.code, n.subcode]).toEqual([6, 2]);
    expect(Buffer.from(n.data).toString('utf8', 1)).toBe('upgrade');
    expect(n.data[0]).toBe(7);
    await p;
  });
});
