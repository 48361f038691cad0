// The manager's demultiplexing (RFC 5880 §6.3, §6.8.6) and socket sharing, with fake sockets and
// a manual clock.
import { describe, expect, test } from '@jest/globals';
import { ManualClock } from '../../../../src/bgp/session/clock.js';
import { BfdManager, encodeControl, type BfdSocketFactory } from '../../../../src/bgp/bfd/index.js';
import { decodeControl } from '../../../../src/bgp/bfd/packet.js';

function fakeSockets() {
  const log: string[] = [];
  const sent: { from?: string; to: string; pkt: Buffer }[] = [];
  let deliver: ((buf: Buffer, from: string) => void) | undefined;
  const sockets: BfdSocketFactory = {
    receiver: async (family, local, onPacket) => {
      log.push(`rx open ${family} ${local ?? '*'}`);
      deliver = onPacket;
      return { close: () => log.push(`rx close ${family} ${local ?? '*'}`) };
    },
    sender: async (_f, local, peer) => ({ send: (pkt) => sent.push({ from: local, to: peer, pkt }), close: () => log.push(`tx close ${peer}`) }),
  };
  return { sockets, log, sent, deliver: (buf: Buffer, from: string) => deliver!(buf, from) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('BfdManager', () => {
  test('one receiver per family and local address, shared and closed with its last session', async () => {
    const f = fakeSockets();
    const m = new BfdManager({ clock: new ManualClock(), sockets: f.sockets });
    m.add('10.0.0.2', '10.0.0.1', {});
    m.add('10.0.0.3', '10.0.0.1', {});
    m.add('fd00::2', undefined, {});
    await flush();
    expect(f.log).toEqual(['rx open 4 10.0.0.1', 'rx open 6 *']);
    m.remove('10.0.0.2');
    await flush();
    expect(f.log).not.toContain('rx close 4 10.0.0.1');
    m.remove('10.0.0.3');
    m.remove('fd00::2');
    await flush();
    expect(f.log).toEqual(expect.arrayContaining(['rx close 4 10.0.0.1', 'rx close 6 *', 'tx close 10.0.0.2']));
  });

  test('demultiplexing: by source while Your Discriminator is 0, by Your Discriminator after; strays discarded', async () => {
    const f = fakeSockets();
    const clock = new ManualClock();
    const m = new BfdManager({ clock, sockets: f.sockets, random: () => 0.5 });
    m.add('10.0.0.2', '10.0.0.1', {});
    await flush();
    const ours = m.view('10.0.0.2')!.localDiscriminator;
    const down = encodeControl({ state: 'Down', detectMult: 3, myDiscriminator: 99, desiredMinTx: 1_000_000, requiredMinRx: 300_000 });
    f.deliver(down, '10.0.0.9'); // unknown source
    expect(m.discarded).toBe(1);
    f.deliver(down, '::ffff:10.0.0.2'); // dual-stack form of the peer: accepted
    expect(m.view('10.0.0.2')).toMatchObject({ state: 'Init', remoteDiscriminator: 99 });
    const up = (your: number) => encodeControl({ state: 'Up', detectMult: 3, myDiscriminator: 99, yourDiscriminator: your, desiredMinTx: 1_000_000, requiredMinRx: 300_000 });
    f.deliver(up(ours + 1), '10.0.0.2'); // not our discriminator
    f.deliver(up(ours), '10.0.0.7'); // our discriminator, wrong source
    f.deliver(Buffer.from('nonsense'), '10.0.0.2');
    expect(m.discarded).toBe(4);
    expect(m.view('10.0.0.2')!.state).toBe('Init');
    f.deliver(up(ours), '10.0.0.2');
    expect(m.view('10.0.0.2')!.state).toBe('Up');
    // What we send names the peer's discriminator.
    clock.advance(2000);
    const last = decodeControl(f.sent[f.sent.length - 1].pkt);
    expect(last.ok && last.packet).toMatchObject({ yourDiscriminator: 99, myDiscriminator: ours, state: 'Up' });
  });

  test('update: new timers live; a new local address re-creates the session', async () => {
    const f = fakeSockets();
    const m = new BfdManager({ clock: new ManualClock(), sockets: f.sockets });
    m.add('10.0.0.2', '10.0.0.1', {});
    await flush();
    const d = m.view('10.0.0.2')!.localDiscriminator;
    m.update('10.0.0.2', '10.0.0.1', { minTx: 50, multiplier: 5 });
    expect(m.view('10.0.0.2')).toMatchObject({ localDiscriminator: d, config: { minTx: 50, minRx: 300, multiplier: 5 } });
    m.update('10.0.0.2', '10.0.0.5', { minTx: 50 });
    await flush();
    expect(m.view('10.0.0.2')!.local).toBe('10.0.0.5');
    expect(f.log).toContain('rx open 4 10.0.0.5');
  });
});
