// The RFC 5881 transport on loopback: source port range, TTL 255 out, TTL < 255 dropped by the
// kernel (the BPF filter; IP_MINTTL alone does not do it for UDP), and two managers reaching Up
// on port 3784 and seeing the other go AdminDown.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import dgram from 'node:dgram';
import { BfdManager } from '../../../../src/bgp/bfd/manager.js';
import { BfdReceiver, BfdSender, SOURCE_PORT_MAX, SOURCE_PORT_MIN } from '../../../../src/bgp/bfd/transport.js';
import { waitFor } from '../../../harness/netns.js';
import { setMinTtl } from '../../../../src/bgp/security/sockopt.js';

jest.setTimeout(30_000);

const closers: (() => void)[] = [];
afterEach(() => { while (closers.length) closers.pop()!(); });

function sendWithTtl(type: 'udp4' | 'udp6', host: string, port: number, ttl: number, text: string): Promise<void> {
  const s = dgram.createSocket(type);
  return new Promise((resolve) => s.bind(0, host, () => {
    s.setTTL(ttl);
    s.send(text, port, host, () => { s.close(); resolve(); });
  }));
}

describe.each([['udp4', 4, '127.0.0.1'], ['udp6', 6, '::1']] as const)('%s', (type, family, host) => {
  test('the receiver drops TTL 254 and takes TTL 255; a socket with only IP_MINTTL 255 still takes both', async () => {
    const got: string[] = [];
    const rx = await BfdReceiver.open(family, host, (b) => got.push(b.toString()), 0);
    closers.push(() => rx.close());
    const plain: string[] = [];
    const ctl = dgram.createSocket(type);
    await new Promise<void>((r) => ctl.bind(0, host, () => r()));
    ctl.on('message', (m) => plain.push(m.toString()));
    // Why the BPF filter: Linux checks IP_MINTTL / IPV6_MINHOPCOUNT for TCP only.
    setMinTtl((ctl as unknown as { _handle: { fd: number } })._handle.fd, family, 255);
    closers.push(() => ctl.close());
    for (const [port, bag] of [[rx.port, got], [ctl.address().port, plain]] as const) {
      void bag;
      await sendWithTtl(type, host, port, 254, 'ttl254');
      await sendWithTtl(type, host, port, 255, 'ttl255');
    }
    await waitFor('datagrams', () => got.length >= 1 && plain.length >= 2, { timeoutMs: 2000, intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['ttl255']);
    expect(plain.sort()).toEqual(['ttl254', 'ttl255']);
  });

  test('the sender uses one source port from 49152–65535 and TTL 255 (it passes the filter)', async () => {
    const got: number[] = [];
    const rx = await BfdReceiver.open(family, host, () => got.push(1), 0);
    closers.push(() => rx.close());
    const tx = await BfdSender.open(family, host, host, rx.port);
    closers.push(() => tx.close());
    expect(tx.sourcePort).toBeGreaterThanOrEqual(SOURCE_PORT_MIN);
    expect(tx.sourcePort).toBeLessThanOrEqual(SOURCE_PORT_MAX);
    tx.send(Buffer.from('x'));
    tx.send(Buffer.from('y'));
    await waitFor('two datagrams through the TTL filter', () => got.length === 2, { timeoutMs: 2000, intervalMs: 20 });
  });
});

test('two managers on 127.0.0.1 and 127.0.0.2 (port 3784) come Up; removing one takes the other Down with diag 3', async () => {
  const a = new BfdManager();
  const b = new BfdManager();
  closers.push(() => a.close(), () => b.close());
  const events: string[] = [];
  a.on('state', (peer, state, prev, diag) => events.push(`${peer} ${prev}->${state} diag ${diag}`));
  a.add('127.0.0.2', '127.0.0.1', { minTx: 100, minRx: 100, multiplier: 3 });
  b.add('127.0.0.1', '127.0.0.2', { minTx: 200, minRx: 150, multiplier: 4 });
  await waitFor('both Up', () => a.view('127.0.0.2')?.state === 'Up' && b.view('127.0.0.1')?.state === 'Up', { timeoutMs: 10_000, intervalMs: 50 });
  // After the Poll/Final that ends slow start, the negotiated values.
  await waitFor('slow start over', () => !a.view('127.0.0.2')!.pollActive && a.view('127.0.0.2')!.detectionTimeMs === 800, { timeoutMs: 5000, intervalMs: 50 });
  expect(a.view('127.0.0.2')).toMatchObject({ txIntervalMs: 150, detectionTimeMs: 800 }); // max(100,150); 4 × max(100,200)
  expect(b.view('127.0.0.1')).toMatchObject({ txIntervalMs: 200, detectionTimeMs: 450 }); // max(200,100); 3 × max(150,100)
  b.remove('127.0.0.1');
  await waitFor('a Down', () => a.view('127.0.0.2')?.state === 'Down', { timeoutMs: 2000, intervalMs: 20 });
  expect(a.view('127.0.0.2')).toMatchObject({ diag: 3, remoteState: 'AdminDown' });
  expect(events).toContain('127.0.0.2 Up->Down diag 3');
});
