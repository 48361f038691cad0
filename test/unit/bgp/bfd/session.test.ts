// The BFD state machine with a manual clock: the three-way handshake, slow start, Poll/Final,
// detection, neighbor-signalled down and the per-state transitions of RFC 5880 §6.8.6.
import { describe, expect, test } from '@jest/globals';
import { ManualClock } from '../../../../src/bgp/session/clock.js';
import { BfdSession, decodeControl, encodeControl, type BfdControl, type BfdState, type BfdTimers } from '../../../../src/bgp/bfd/index.js';

const FAST: BfdTimers = { desiredMinTx: 300_000, requiredMinRx: 300_000, detectMult: 3 };

interface Sent { at: number; p: BfdControl }

function decode(b: Buffer): BfdControl {
  const d = decodeControl(b);
  if (!d.ok) throw new Error(d.reason);
  return d.packet;
}

/** Two sessions joined by a link that can be cut; every packet either side sent is recorded. */
function pair(ta: BfdTimers = FAST, tb: BfdTimers = FAST, random = () => 0) {
  const clock = new ManualClock(0);
  const link = { up: true };
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const states: { who: string; state: BfdState; prev: BfdState; diag: number; at: number }[] = [];
  let a: BfdSession, b: BfdSession;
  a = new BfdSession(ta, { clock, random, localDiscriminator: 1, send: (pkt) => { const p = decode(pkt); sentA.push({ at: clock.now(), p }); if (link.up) b.receive(p); } });
  b = new BfdSession(tb, { clock, random, localDiscriminator: 2, send: (pkt) => { const p = decode(pkt); sentB.push({ at: clock.now(), p }); if (link.up) a.receive(p); } });
  a.on('state', (state, prev, diag) => states.push({ who: 'a', state, prev, diag, at: clock.now() }));
  b.on('state', (state, prev, diag) => states.push({ who: 'b', state, prev, diag, at: clock.now() }));
  return { clock, link, a, b, sentA, sentB, states };
}

function upPair(ta?: BfdTimers, tb?: BfdTimers) {
  const t = pair(ta, tb);
  t.a.start();
  t.b.start();
  t.clock.advance(5000);
  expect(t.a.state).toBe('Up');
  expect(t.b.state).toBe('Up');
  return t;
}

describe('BFD session', () => {
  test('three-way handshake Down → Init → Up on both sides, in slow start', () => {
    const t = pair();
    t.a.start();
    t.b.start();
    t.clock.advance(3000);
    // a sends Down first: b goes Init; a, in Down, hears Init and goes Up; b hears Up and goes Up.
    expect(t.states.filter((s) => s.who === 'a').map((s) => s.state)).toEqual(['Up']);
    expect(t.states.filter((s) => s.who === 'b').map((s) => s.state)).toEqual(['Init', 'Up']);
    // Before Up every packet advertised at least 1 s and went out at least 750 ms apart.
    const beforeUp = t.sentA.filter((s) => s.p.state !== 'Up');
    expect(beforeUp.length).toBeGreaterThan(0);
    for (const s of beforeUp) expect(s.p.desiredMinTx).toBeGreaterThanOrEqual(1_000_000);
    const periodic = t.sentA.filter((s) => !s.p.final);
    for (let i = 1; i < periodic.length && periodic[i].p.state !== 'Up'; i++) expect(periodic[i].at - periodic[i - 1].at).toBeGreaterThanOrEqual(750);
  });

  test('after Up: Poll with the fast intervals, the peer\'s Final, then packets every ≤ 300 ms', () => {
    const t = upPair();
    const polls = t.sentA.filter((s) => s.p.poll);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls[0].p).toMatchObject({ state: 'Up', desiredMinTx: 300_000, final: false });
    const finals = t.sentB.filter((s) => s.p.final);
    expect(finals.length).toBeGreaterThan(0);
    expect(finals.every((s) => !s.p.poll)).toBe(true);
    expect(t.a.pollActive).toBe(false);
    const v = t.a.view();
    expect(v.txIntervalMs).toBe(300);
    expect(v.detectionTimeMs).toBe(900);
    const from = t.clock.now();
    t.clock.advance(3000);
    const later = t.sentA.filter((s) => s.at > from && !s.p.final);
    for (let i = 1; i < later.length; i++) {
      expect(later[i].at - later[i - 1].at).toBeGreaterThan(225);
      expect(later[i].at - later[i - 1].at).toBeLessThanOrEqual(300);
    }
    expect(later.length).toBeGreaterThanOrEqual(10);
  });

  test('negotiation: we send at the peer\'s slower required RX; detection follows the peer\'s slower TX', () => {
    const t = upPair({ desiredMinTx: 100_000, requiredMinRx: 100_000, detectMult: 3 }, { desiredMinTx: 500_000, requiredMinRx: 200_000, detectMult: 4 });
    expect(t.a.view().txIntervalMs).toBe(200); // max(100 ours, 200 peer RX)
    expect(t.a.view().detectionTimeMs).toBe(2000); // 4 × max(100 our RX, 500 peer TX)
    expect(t.b.view().txIntervalMs).toBe(500);
    expect(t.b.view().detectionTimeMs).toBe(600); // 3 × max(200, 100)
  });

  test('a cut link: Down with diag 1 (detection time expired) within 3 × 300 ms of the last packet', () => {
    const t = upPair();
    t.clock.advance(1000);
    t.link.up = false;
    const lastFromB = t.sentB[t.sentB.length - 1].at;
    t.clock.advance(2000);
    const down = t.states.find((s) => s.who === 'a' && s.state === 'Down');
    expect(down).toMatchObject({ prev: 'Up', diag: 1 });
    expect(down!.at - lastFromB).toBeLessThanOrEqual(900);
    expect(down!.at - lastFromB).toBeGreaterThan(600);
    // Back to slow start and the remote discriminator forgotten.
    const after = t.sentA.filter((s) => s.at > down!.at);
    expect(after[0].p).toMatchObject({ state: 'Down', diag: 1, yourDiscriminator: 0, desiredMinTx: 1_000_000 });
  });

  test('the link comes back: Up again', () => {
    const t = upPair();
    t.link.up = false;
    t.clock.advance(3000);
    expect(t.a.state).toBe('Down');
    t.link.up = true;
    t.clock.advance(5000);
    expect(t.a.state).toBe('Up');
    expect(t.b.state).toBe('Up');
  });

  test('the peer goes AdminDown: we go Down with diag 3 (neighbor signalled) and learn its state', () => {
    const t = upPair();
    t.b.stop();
    expect(t.sentB[t.sentB.length - 1].p).toMatchObject({ state: 'AdminDown', diag: 7 });
    expect(t.a.state).toBe('Down');
    expect(t.states[t.states.length - 1]).toMatchObject({ who: 'a', state: 'Down', prev: 'Up', diag: 3 });
    expect(t.a.view().remoteState).toBe('AdminDown');
  });

  test('Poll/Final on a config change while Up: a slower TX waits for Final, a faster one starts at once', () => {
    const t = upPair();
    t.link.up = false; // hold the Final back to observe the pending state
    t.a.setTimers({ desiredMinTx: 600_000, requiredMinRx: 300_000, detectMult: 3 });
    expect(t.a.pollActive).toBe(true);
    expect(t.a.view().txIntervalMs).toBe(300); // old rate until the peer confirms
    t.clock.advance(300);
    expect(t.sentA[t.sentA.length - 1].p).toMatchObject({ poll: true, desiredMinTx: 600_000 });
    t.link.up = true;
    t.clock.advance(300);
    expect(t.a.pollActive).toBe(false);
    expect(t.a.view().txIntervalMs).toBe(600);
    expect(t.b.view().detectionTimeMs).toBe(1800); // the peer's detection time follows our new TX
    // Faster again: immediate.
    t.a.setTimers(FAST);
    expect(t.a.view().txIntervalMs).toBe(300);
    t.clock.advance(700);
    expect(t.a.pollActive).toBe(false);
    expect(t.a.state).toBe('Up');
    expect(t.b.state).toBe('Up');
  });

  test('Poll/Final: a smaller required RX keeps the old detection time until Final', () => {
    const t = upPair();
    t.link.up = false;
    t.a.setTimers({ desiredMinTx: 300_000, requiredMinRx: 100_000, detectMult: 3 });
    expect(t.a.view().detectionTimeMs).toBe(900);
    t.link.up = true;
    t.clock.advance(400);
    expect(t.a.pollActive).toBe(false);
    expect(t.a.view().detectionTimeMs).toBe(900); // peer TX 300 is now the larger term
    expect(t.b.view().txIntervalMs).toBe(300);
  });

  test('a peer asking for RequiredMinRx 0 gets no periodic packets', () => {
    const clock = new ManualClock(0);
    const sent: BfdControl[] = [];
    const s = new BfdSession(FAST, { clock, random: () => 0, localDiscriminator: 9, send: (b) => sent.push(decode(b)) });
    s.start();
    clock.advance(10);
    const n = sent.length;
    expect(n).toBe(1);
    s.receive(decode(encodeControl({ state: 'Down', detectMult: 3, myDiscriminator: 5, desiredMinTx: 1_000_000, requiredMinRx: 0 })));
    clock.advance(2900); // within the detection time (3 × 1 s): after it the peer is forgotten
    expect(sent.length).toBe(n);
    expect(s.view().txIntervalMs).toBeUndefined();
  });

  describe('transitions (§6.8.6)', () => {
    const pkt = (state: BfdState): BfdControl => decode(encodeControl({ state, detectMult: 3, myDiscriminator: 77, yourDiscriminator: state === 'Down' || state === 'AdminDown' ? 0 : 9, desiredMinTx: 1_000_000, requiredMinRx: 1_000_000 }));
    function at(path: BfdState[]): BfdSession {
      const clock = new ManualClock(0);
      const s = new BfdSession(FAST, { clock, random: () => 0, localDiscriminator: 9, send: () => {} });
      s.start();
      for (const r of path) s.receive(pkt(r));
      return s;
    }
    test.each([
      [[], 'Down', 'Down', 'Init'],
      [[], 'Init', 'Init', 'Up'],
      [[], 'Up', 'Up', 'Down'],
      [[], 'AdminDown', 'AdminDown', 'Down'],
      [['Down'], 'Init', 'Init', 'Up'],
      [['Down'], 'Up', 'Up', 'Up'],
      [['Down'], 'Down', 'Down', 'Init'],
      [['Down'], 'AdminDown', 'AdminDown', 'Down'],
      [['Init'], 'Up', 'Up', 'Up'],
      [['Init'], 'Init', 'Init', 'Up'],
      [['Init'], 'Down', 'Down', 'Down'],
      [['Init'], 'AdminDown', 'AdminDown', 'Down'],
    ] as [BfdState[], BfdState, BfdState, BfdState][])('after %j, receiving %s (%s) → %s', (path, recv, _again, expected) => {
      const s = at(path);
      s.receive(pkt(recv));
      expect(s.state).toBe(expected);
    });

    test('AdminDown ignores everything', () => {
      const s = at(['Init']);
      s.stop();
      expect(s.state).toBe('AdminDown');
      s.receive(pkt('Init'));
      expect(s.state).toBe('AdminDown');
    });
  });
});
