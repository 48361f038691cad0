// eBGP TTL through a real router: podroute and BIRD in two namespaces with a forwarding router
// namespace between them. eBGP sends with TTL 1 by default, so the session cannot come up across
// the router (our packets die at it: ICMP time exceeded); `ebgpMultihop: 2` set live brings it up.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { startDaemon, type BgpDaemon } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';

jest.setTimeout(120_000);

const US = '10.81.1.1';
const R_US = '10.81.1.254';
const R_THEM = '10.81.2.254';
const THEM = '10.81.2.1';

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe('eBGP across a router', () => {
  let lab: Lab;
  let us: Netns;
  let daemon: BgpDaemon;
  let speaker: PodrouteSpeaker;
  const cfg = (ebgpMultihop?: number): PodrouteSpeakerConfig => ({
    asn: 65400,
    routerId: US,
    listen: { address: US },
    peers: [{ address: THEM, asn: 65401, holdTime: 3, connectRetryTime: 2, ...(ebgpMultihop ? { ebgpMultihop } : {}) }],
  });

  beforeAll(async () => {
    lab = new Lab();
    us = await lab.netns('us');
    const r = await lab.netns('rtr');
    const them = await lab.netns('them');
    await lab.veth(us, 'eth0', r, 'eth0');
    await lab.veth(r, 'eth1', them, 'eth0');
    await us.addAddress('eth0', `${US}/24`);
    await r.addAddress('eth0', `${R_US}/24`);
    await r.addAddress('eth1', `${R_THEM}/24`);
    await them.addAddress('eth0', `${THEM}/24`);
    await r.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    await us.ip('route', 'add', '10.81.2.0/24', 'via', R_US);
    await them.ip('route', 'add', '10.81.1.0/24', 'via', R_THEM);
    await us.exec('ping', ['-c', '1', '-W', '2', THEM]); // the path works before BGP is tried
    daemon = await startDaemon('bird', them, { asn: 65401, routerId: THEM, neighbors: [{ address: US, asn: 65400, multihop: 2, holdTime: 3 }] });
    speaker = await PodrouteSpeaker.start(us, cfg());
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  test('without ebgpMultihop (TTL 1) the session never comes up', async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      expect((await speaker.peer(THEM))?.state).not.toBe('Established');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await daemon.neighborState(US)).not.toBe('established');
  });

  test('ebgpMultihop: 2 set live: Established across the router', async () => {
    await speaker.reload(cfg(2));
    try {
      await waitFor('multihop session Established', async () => (await speaker.peer(THEM))?.state === 'Established', { timeoutMs: 30_000 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-3000)}\n--- bird ---\n${daemon.logs().slice(-2000)}`);
    }
    expect(await daemon.neighborState(US)).toBe('established');
  });
});
