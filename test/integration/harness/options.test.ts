// Neighbor options the pair scenario does not use: a passive side listening on a non-standard
// port, the active side connecting to that port, and a custom hold time being negotiated.
import { expect, test } from '@jest/globals';
import { Lab, waitFor } from '../../harness/netns.js';
import { Frr, Gobgp } from '../../harness/peers/index.js';

test('FRR passive on port 1179 ↔ GoBGP active to port 1179, hold time 30', async () => {
  const lab = new Lab();
  try {
    const [a, b] = await lab.pair('10.0.0.1', '10.0.0.2');
    const frr = await Frr.start(a, { asn: 65001, routerId: '10.0.0.1', listenPort: 1179, neighbors: [{ address: '10.0.0.2', asn: 65002, passive: true, holdTime: 30 }], originate: [{ prefix: '10.1.0.0/24' }] });
    const gobgp = await Gobgp.start(b, { asn: 65002, routerId: '10.0.0.2', listenPort: 2179, neighbors: [{ address: '10.0.0.1', asn: 65001, port: 1179, holdTime: 30 }] });
    await waitFor('GoBGP Established', async () => (await gobgp.neighborState('10.0.0.1')) === 'established', { timeoutMs: 30_000 });
    expect(await frr.neighborState('10.0.0.2')).toBe('established');
    const j = JSON.parse(await gobgp.cli('neighbor', '10.0.0.1', '-j')) as { timers?: { state?: { negotiated_hold_time?: number } } };
    expect(j.timers?.state?.negotiated_hold_time).toBe(30);
    await waitFor('route at GoBGP', async () => (await gobgp.routes('ipv4')).some((r) => r.prefix === '10.1.0.0/24'));
    // The session really is on 1179: FRR's side of the TCP connection is the listening port.
    const ss = (await a.exec('ss', ['-tn', 'state', 'established'])).stdout;
    expect(ss).toMatch(/10\.0\.0\.1:1179\s+10\.0\.0\.2:\d+/);
  } finally {
    await lab.dispose();
  }
}, 90_000);
