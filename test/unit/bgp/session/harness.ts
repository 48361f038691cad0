// Test doubles for the session engine: a fake socket both ends of which the test drives, and a
// session factory wired to a ManualClock, so nothing here opens a socket or sleeps.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { ManualClock } from '../../../../src/bgp/session/clock.js';
import type { SessionCodec } from '../../../../src/bgp/session/codec.js';
import { SessionCore, type SessionOptions } from '../../../../src/bgp/session/session.js';
import type { ConnectParams, SessionConfig, SessionState } from '../../../../src/bgp/session/types.js';
import type { BgpMessage, Capabilities, OpenMessage } from '../../../../src/bgp/wire/types.js';
import { stubCodec } from './stub-codec.js';

export class FakeSocket extends EventEmitter {
  written: Buffer[] = [];
  ended = false;
  destroyed = false;
  writeResult = true;
  /** False for an outbound socket until connectNow(): no bytes can arrive before that. */
  connected = true;
  remoteAddress = '192.0.2.2';
  remotePort = 179;
  localAddress = '192.0.2.1';
  localPort = 40000;

  write(b: Uint8Array): boolean {
    if (this.destroyed || this.ended) return false;
    this.written.push(Buffer.from(b));
    return this.writeResult;
  }
  end(b?: Uint8Array, cb?: () => void): this {
    if (b) this.write(b);
    this.ended = true;
    cb?.();
    return this;
  }
  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    process.nextTick(() => this.emit('close', false));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}

  // ---- the peer's side ----
  feed(...bufs: Buffer[]): void {
    this.emit('data', Buffer.concat(bufs));
  }
  connectNow(): void {
    this.connected = true;
    this.emit('connect');
  }
  fail(err = new Error('ECONNREFUSED')): void {
    this.emit('error', err);
  }
  /** Decodes (and forgets) everything the session wrote so far. */
  take(codec: SessionCodec = stubCodec): BgpMessage[] {
    const r = codec.newReader(65535);
    for (const b of this.written) r.push(b);
    this.written = [];
    const out: BgpMessage[] = [];
    for (let m = r.next(); m; m = r.next()) out.push(codec.decodeMessage(m, { asn4: true, extendedMessage: true, addPathReceive: new Set(), addPathSend: new Set(), ebgp: true }));
    return out;
  }
  asSocket(): net.Socket {
    return this as unknown as net.Socket;
  }
}

export const LOCAL: SessionConfig = {
  localAsn: 4200000001,
  routerId: '10.0.0.1',
  peerAddress: '192.0.2.2',
  peerAsn: 65002,
  holdTime: 90,
  connectRetryTime: 30,
};

export interface Harness {
  s: SessionCore;
  clock: ManualClock;
  /** Outbound sockets in creation order. */
  out: FakeSocket[];
  connects: ConnectParams[];
  states: SessionState[];
  events: string[];
}

export function makeSession(over: Partial<SessionConfig> = {}, opts: Partial<SessionOptions> = {}): Harness {
  const clock = new ManualClock(1_000_000);
  const out: FakeSocket[] = [];
  const connects: ConnectParams[] = [];
  const s = new SessionCore(
    { ...LOCAL, ...over },
    {
      clock,
      codec: stubCodec,
      random: () => 0,
      connect: (c) => {
        connects.push(c);
        const sock = new FakeSocket();
        sock.connected = false;
        out.push(sock);
        return sock.asSocket();
      },
      ...opts,
    },
  );
  const h: Harness = { s, clock, out, connects, states: [], events: [] };
  s.on('state', (st) => h.states.push(st));
  s.on('established', () => h.events.push('established'));
  s.on('down', (r) => h.events.push(`down:${r.code ?? '-'}/${r.subcode ?? '-'}`));
  s.on('update', () => h.events.push('update'));
  s.on('routeRefresh', () => h.events.push('routeRefresh'));
  s.on('drain', () => h.events.push('drain'));
  return h;
}

export function caps(over: Partial<Capabilities> = {}): Capabilities {
  return {
    multiprotocol: [{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }],
    routeRefresh: true,
    enhancedRouteRefresh: false,
    asn4: 65002,
    extendedMessage: true,
    unknown: [],
    ...over,
  };
}

export function peerOpen(over: Partial<Omit<OpenMessage, 'type'>> = {}, capOver: Partial<Capabilities> = {}): Buffer {
  return stubCodec.encodeOpen({ version: 4, myAsn: 65002, holdTime: 90, routerId: '10.0.0.2', capabilities: caps(capOver), ...over });
}
export const keepalive = (): Buffer => stubCodec.encodeKeepalive();
export const notification = (code: number, subcode: number, data?: Uint8Array): Buffer => stubCodec.encodeNotification(code, subcode, data);

/** Drives an active session to Established over its first outbound socket. */
export function establish(h: Harness, open: Buffer = peerOpen()): FakeSocket {
  if (h.s.state === 'Idle') h.s.start();
  const sock = h.out[h.out.length - 1];
  sock.connectNow();
  sock.feed(open);
  sock.feed(keepalive());
  return sock;
}

export function types(msgs: BgpMessage[]): number[] {
  return msgs.map((m) => m.type);
}
