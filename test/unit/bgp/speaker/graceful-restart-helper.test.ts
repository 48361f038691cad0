// The speaker as graceful-restart helper (RFC 4724 §4.2), with a fake session: on a session lost
// without NOTIFICATION every family the peer listed is kept as stale whatever its Forwarding bit;
// on the peer's return a family without the Forwarding bit (or no capability) is dropped at once,
// the others wait for End-of-RIB.
import { afterEach, describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { Speaker } from '../../../../src/bgp/speaker/speaker.js';
import type { Session, Negotiated, SessionConfig } from '../../../../src/bgp/session/index.js';
import type { GracefulRestartCap, UpdateMessage } from '../../../../src/bgp/wire/types.js';
import { silentLogger } from '../../../../src/util/log.js';
import { announce, attrs, codec } from '../rib/fixtures.js';

const PEER = '192.0.2.1';
const EOR4: UpdateMessage = { withdrawn: { prefixes: [] }, attributes: null, nlri: { prefixes: [] } } as unknown as UpdateMessage;

class FakeSession extends EventEmitter {
  state = 'Idle';
  negotiated?: Negotiated;
  stats = { messagesIn: 0, messagesOut: 0, updatesIn: 0, updatesOut: 0, flaps: 0, lastStateChangeAt: 0 };
  start(): void {}
  async stop(): Promise<void> {}
  send(): boolean { return true; }
  up(gr?: GracefulRestartCap): void {
    this.state = 'Established';
    this.negotiated = { families: ['ipv4-unicast'], codec, peerRouterId: PEER, peerGracefulRestart: gr, holdTime: 90 } as unknown as Negotiated;
    this.emit('established', this.negotiated);
  }
  lostWithoutNotification(): void {
    const gr = this.negotiated?.peerGracefulRestart;
    this.state = 'Idle';
    this.negotiated = undefined;
    // As the real session does: the capability of the session that ended travels with the reason.
    this.emit('down', { text: 'connection closed by peer', sentByUs: false, gracefulRestart: true, peerGracefulRestart: gr });
  }
}

const cap = (forwarding: boolean): GracefulRestartCap => ({ restartState: false, notification: false, restartTime: 60, families: [{ afi: 1, safi: 1, forwarding }] });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

let speaker: Speaker | undefined;
afterEach(async () => { await speaker?.stop(); speaker = undefined; });

function setup(): { s: Speaker; fake: FakeSession } {
  const fake = new FakeSession();
  const s = new Speaker({ asn: 65000, routerId: '10.0.0.1', listen: [] }, { log: silentLogger, sessionFactory: (_c: SessionConfig) => fake as unknown as Session });
  s.addPeer({ address: PEER, asn: 65001 });
  speaker = s;
  return { s, fake };
}

const pathOf = (s: Speaker, prefix: string) => s.rib.lookup(prefix)?.paths.find((p) => p.peerId === PEER);

describe('graceful restart helper', () => {
  test('routes of a peer whose Forwarding bit was clear are still kept as stale while it is away', async () => {
    const { s, fake } = setup();
    await s.start();
    fake.up(cap(false));
    fake.emit('update', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001], nextHop: PEER })));
    fake.lostWithoutNotification();
    await tick();
    expect(pathOf(s, '10.1.0.0/24')?.stale).toBe(true);
    expect(pathOf(s, '10.2.0.0/24')?.stale).toBe(true);
  });

  test('back with the Forwarding bit: stale kept until End-of-RIB, then what was not re-sent is swept', async () => {
    const { s, fake } = setup();
    await s.start();
    fake.up(cap(false));
    fake.emit('update', announce(['10.1.0.0/24', '10.2.0.0/24'], attrs({ path: [65001], nextHop: PEER })));
    fake.lostWithoutNotification();
    fake.up(cap(true));
    expect(pathOf(s, '10.1.0.0/24')?.stale).toBe(true);
    fake.emit('update', announce(['10.1.0.0/24'], attrs({ path: [65001], nextHop: PEER })));
    expect(pathOf(s, '10.1.0.0/24')?.stale).toBe(false);
    expect(pathOf(s, '10.2.0.0/24')?.stale).toBe(true);
    fake.emit('update', EOR4);
    expect(pathOf(s, '10.1.0.0/24')).toBeDefined();
    expect(s.rib.lookup('10.2.0.0/24')).toBeUndefined();
  });

  test('back without the Forwarding bit, or without the capability: stale routes go at once', async () => {
    for (const back of [cap(false), undefined]) {
      const { s, fake } = setup();
      await s.start();
      fake.up(cap(true));
      fake.emit('update', announce(['10.1.0.0/24'], attrs({ path: [65001], nextHop: PEER })));
      fake.lostWithoutNotification();
      expect(pathOf(s, '10.1.0.0/24')?.stale).toBe(true);
      fake.up(back);
      expect(s.rib.lookup('10.1.0.0/24')).toBeUndefined();
      await s.stop();
    }
  });
});
