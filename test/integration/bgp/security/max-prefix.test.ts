// Maximum prefixes per peer and family against GoBGP announcing more than the limit.
// IPv4 session, action 'cease' with a restart delay: podroute sends Cease/1 with the RFC 4486 data
// (AFI 1, SAFI 1, limit 10) — read back from GoBGP's log — drops the peer's routes, stays down for
// the delay, then starts the session again (which trips again, since GoBGP still sends too many).
// IPv6 session, action 'warn': the session stays up with every prefix and podroute logs a warning.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor, type Netns } from '../../../harness/netns.js';
import { startDaemon, type BgpDaemon } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';

jest.setTimeout(180_000);

const US4 = '10.80.0.1';
const THEM4 = '10.80.0.2';
const US6 = 'fd80::1';
const THEM6 = 'fd80::2';
const LIMIT4 = 10;
const LIMIT6 = 2;
const RESTART_S = 6;
const V4 = Array.from({ length: LIMIT4 + 2 }, (_, i) => `198.51.${i}.0/24`);
const V6 = Array.from({ length: LIMIT6 + 2 }, (_, i) => `2001:db8:${i + 1}::/48`);

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

describe('max-prefix with GoBGP', () => {
  let lab: Lab;
  let daemon: BgpDaemon;
  let speaker: PodrouteSpeaker;
  let them: Netns;
  let cfg: PodrouteSpeakerConfig;

  beforeAll(async () => {
    lab = new Lab();
    let us: Netns;
    [us, them] = await lab.pair(US4, THEM4, US6, THEM6);
    cfg = {
      asn: 65300,
      routerId: US4,
      listen: { address: '::' },
      peers: [
        { address: THEM4, asn: 65301, holdTime: 9, connectRetryTime: 2, families: ['ipv4-unicast'], maxPrefixes: { 'ipv4-unicast': LIMIT4 }, maxPrefixRestartSeconds: RESTART_S },
        { address: THEM6, asn: 65301, holdTime: 9, connectRetryTime: 2, families: ['ipv6-unicast'], maxPrefixes: { 'ipv6-unicast': LIMIT6 }, maxPrefixAction: 'warn' },
      ],
    };
    speaker = await PodrouteSpeaker.start(us, cfg);
    daemon = await startDaemon('gobgp', them, {
      asn: 65301, routerId: THEM4,
      neighbors: [{ address: US4, asn: 65300, localAddress: THEM4 }, { address: US6, asn: 65300, localAddress: THEM6 }],
      originate: [...V4, ...V6].map((prefix) => ({ prefix })),
    });
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  test("'cease': Cease/1 with AFI, SAFI and the limit; routes gone; restart after the delay", async () => {
    const fail = (err: unknown): never => {
      throw new Error(`${(err as Error).message}\n--- podroute ---\n${speaker.logs().slice(-4000)}\n--- gobgp ---\n${daemon.logs().slice(-3000)}`);
    };
    let downAt = 0;
    await waitFor('podroute closes the IPv4 session for max-prefix', async () => {
      const p = await speaker.peer(THEM4);
      if (p && p.flaps >= 1 && /Maximum Number of Prefixes/i.test(p.lastError ?? '')) { downAt = Date.now(); return p; }
      return undefined;
    }, { timeoutMs: 40_000, intervalMs: 100 }).catch(fail);
    const down = (await speaker.peer(THEM4))!;
    expect(down.state).not.toBe('Established');
    expect(down.lastError).toMatch(/sent Cease\/Maximum Number of Prefixes Reached/i);
    // The peer's routes left with the session.
    expect((await speaker.routes('198.51.0.0/24')).routes).toHaveLength(0);
    // GoBGP logs the NOTIFICATION it got as JSON; Data is base64 of AFI 1, SAFI 1, limit 10.
    const notif = await waitFor('GoBGP logs our Cease/1', () => daemon.logs().split('\n')
      .filter((l) => l.includes('"received notification"') && l.includes(US4))
      .map((l) => JSON.parse(l) as { Code: number; Subcode: number; Data: string })[0], { timeoutMs: 10_000 }).catch(fail);
    expect(notif).toMatchObject({ Code: 6, Subcode: 1 });
    expect([...Buffer.from(notif.Data, 'base64')]).toEqual([0, 1, 1, 0, 0, 0, LIMIT4]);

    // Down for the delay, then up again: and still over the limit, so down again.
    await waitFor('the session is started again after the delay', () => speaker.logs().includes('restarting the session after a max-prefix Cease'), { timeoutMs: (RESTART_S + 10) * 1000, intervalMs: 100 }).catch(fail);
    const elapsed = Date.now() - downAt;
    expect(elapsed).toBeGreaterThanOrEqual(RESTART_S * 1000 - 500);
    await waitFor('it trips again', async () => ((await speaker.peer(THEM4))?.flaps ?? 0) >= 2, { timeoutMs: 30_000 }).catch(fail);
  });

  test("'warn': the session stays up with every prefix and the excess is logged", async () => {
    const p = await waitFor('IPv6 session up with all prefixes', async () => {
      const x = await speaker.peer(THEM6);
      return x?.state === 'Established' && x.prefixesAccepted === V6.length ? x : undefined;
    }, { timeoutMs: 30_000 });
    expect(p.flaps).toBe(0);
    expect(speaker.logs()).toMatch(/maximum prefixes exceeded \(warn only\)/);
    expect(speaker.logs()).toContain(THEM6);
  });

  test('raising the limit on reload brings the session back at once and it stays up', async () => {
    await speaker.reload({ ...cfg, peers: [{ ...cfg.peers[0], maxPrefixes: { 'ipv4-unicast': 100 }, maxPrefixRestartSeconds: undefined }, cfg.peers[1]] });
    await waitFor('IPv4 session up with all 12 prefixes', async () => {
      const p = await speaker.peer(THEM4);
      return p?.state === 'Established' && p.prefixesAccepted === V4.length;
    }, { timeoutMs: 20_000 });
    const flaps = (await speaker.peer(THEM4))!.flaps;
    await new Promise((r) => setTimeout(r, (RESTART_S + 1) * 1000));
    expect(await speaker.peer(THEM4)).toMatchObject({ state: 'Established', flaps });
  });
});
