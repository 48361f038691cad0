// Graceful restart (RFC 4724) both ways with BIRD 2, in namespaces:
// - podroute restarts (SIGTERM with `gracefulRestart` configured: no NOTIFICATION): BIRD keeps our
//   routes, marked stale, the whole time we are away; when we are back they are refreshed (stale
//   cleared) and one we no longer originate is swept at our End-of-RIB. A podroute that does not
//   come back within its restart time has its routes flushed by BIRD.
// - BIRD restarts (SIGKILL: no NOTIFICATION, then `bird -R`): podroute keeps BIRD's routes as
//   stale meanwhile; after BIRD's End-of-RIB what it still announces stays, the rest is swept.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, waitFor } from '../../../harness/netns.js';
import { Bird } from '../../../harness/peers/index.js';
import { PodrouteSpeaker, type PodrouteSpeakerConfig } from '../../../harness/podroute.js';

jest.setTimeout(180_000);

const US = '10.78.0.1';
const THEM = '10.78.0.2';
const OUR_ASN = 65000;
const THEIR_ASN = 65001;
const OURS = ['203.0.113.0/24', '203.0.114.0/24'];
const THEIRS = ['198.51.100.0/24', '198.51.101.0/24'];

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('these tests run the built CLI: `npm run build` first');
});

/**
 * The BGP routes in BIRD's master4 (`birdc show route all`). BIRD 2.0.12 prints no per-route stale
 * mark; it says a neighbor's routes are held as stale in `show protocols all`: "Neighbor graceful
 * restart active" with a running "Restart timer" (see birdHelping).
 */
function birdBgpPrefixes(text: string): string[] {
  const out: string[] = [];
  let prefix = '';
  for (const line of text.split('\n')) {
    const head = /^(\S+)?\s+(?:unicast|blackhole|unreachable)\s+\[(\S+) [^\]]*\]/.exec(line);
    if (!head || line.startsWith('\t')) continue;
    if (head[1]) prefix = head[1];
    if (head[2].startsWith('n')) out.push(prefix);
  }
  return out;
}

/** BIRD's view of neighbor n0: is it holding the neighbor's routes as stale (graceful restart helper)? */
function birdHelping(protocolsAll: string): boolean {
  return /Neighbor graceful restart active/.test(protocolsAll) && /Restart timer:\s+\d/.test(protocolsAll);
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && b.every((x) => a.includes(x));

const errWithLogs = (err: unknown, ...logs: [string, string][]): Error =>
  new Error(`${(err as Error).message}\n${logs.map(([n, l]) => `--- ${n} ---\n${l.slice(-4000)}`).join('\n')}`);

describe('podroute restarts; BIRD is the helper', () => {
  let lab: Lab;
  let bird: Bird;
  let speaker: PodrouteSpeaker;
  let cfg: PodrouteSpeakerConfig;
  const birdRoutes = async (): Promise<string[]> => birdBgpPrefixes(await bird.cli('show', 'route', 'all', 'table', 'master4'));
  const birdProto = (): Promise<string> => bird.cli('show', 'protocols', 'all', 'n0');

  beforeAll(async () => {
    lab = new Lab();
    const [us, them] = await lab.pair(US, THEM);
    bird = await Bird.start(them, { asn: THEIR_ASN, routerId: THEM, neighbors: [{ address: US, asn: OUR_ASN, gracefulRestart: 60 }] });
    cfg = {
      asn: OUR_ASN, routerId: US, listen: { address: US }, gracefulRestart: { restartTime: 60 },
      peers: [{ address: THEM, asn: THEIR_ASN, holdTime: 9, connectRetryTime: 1 }], originate: OURS,
    };
    speaker = await PodrouteSpeaker.start(us, cfg);
  });
  afterAll(async () => lab?.dispose());

  test('BIRD keeps our routes as stale while we are away and refreshes them when we are back', async () => {
    try {
      await waitFor('BIRD has our routes', async () => sameSet(await birdRoutes(), OURS), { timeoutMs: 40_000 });
    } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    expect(birdHelping(await birdProto())).toBe(false);

    // Watch BIRD's table the whole time: a route that disappears even once was withdrawn.
    const missing = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const r = await birdRoutes().catch(() => undefined);
        if (r && !r.includes(OURS[0])) missing.add(OURS[0]);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    try {
      await speaker.stop(); // SIGTERM
      expect(speaker.logs()).toContain('closing sessions without NOTIFICATION (graceful restart)');
      await waitFor('BIRD sees the session gone', async () => (await bird.neighborState(US)) !== 'established', { timeoutMs: 20_000 });
      await waitFor('BIRD holds our routes as stale', async () => birdHelping(await birdProto()), { timeoutMs: 20_000 });
      expect(sameSet(await birdRoutes(), OURS)).toBe(true);
      // BIRD heard no NOTIFICATION: its last error is the socket closing, not a Cease.
      expect(await birdProto()).toMatch(/Last error:\s+Socket: Connection closed/);

      // Back, originating only the first prefix: it is refreshed, the second is swept at our EoR.
      await speaker.startAgain({ ...cfg, originate: OURS.slice(0, 1) });
      try {
        await waitFor('BIRD: out of graceful restart, first prefix kept, second swept', async () =>
          (await bird.neighborState(US)) === 'established' && !birdHelping(await birdProto()) && sameSet(await birdRoutes(), OURS.slice(0, 1)), { timeoutMs: 40_000 });
      } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    } finally {
      watching = false;
      await watcher;
    }
    expect([...missing]).toEqual([]);
    // Refreshed, not re-learned: BIRD counted no withdrawal of it (the swept one is the only withdraw).
    expect(await birdProto()).toMatch(/Import withdraws:\s+0\s/);
  });
});

describe('podroute does not come back within its restart time', () => {
  let lab: Lab;
  let bird: Bird;
  let speaker: PodrouteSpeaker;
  const RESTART = 5;

  beforeAll(async () => {
    lab = new Lab();
    const [us, them] = await lab.pair(US, THEM);
    bird = await Bird.start(them, { asn: THEIR_ASN, routerId: THEM, neighbors: [{ address: US, asn: OUR_ASN, gracefulRestart: 60 }] });
    speaker = await PodrouteSpeaker.start(us, {
      asn: OUR_ASN, routerId: US, listen: { address: US }, gracefulRestart: { restartTime: RESTART },
      peers: [{ address: THEM, asn: THEIR_ASN, holdTime: 9, connectRetryTime: 1 }], originate: OURS,
    });
  });
  afterAll(async () => lab?.dispose());

  test('BIRD flushes our stale routes when the restart time runs out', async () => {
    const birdRoutes = async (): Promise<string[]> => birdBgpPrefixes(await bird.cli('show', 'route', 'all', 'table', 'master4'));
    const birdProto = (): Promise<string> => bird.cli('show', 'protocols', 'all', 'n0');
    await waitFor('BIRD has our routes', async () => sameSet(await birdRoutes(), OURS), { timeoutMs: 40_000 });
    await speaker.stop();
    await waitFor('BIRD holds them as stale', async () => birdHelping(await birdProto()) && sameSet(await birdRoutes(), OURS), { timeoutMs: 20_000 });
    await waitFor('BIRD flushes them after our restart time', async () => (await birdRoutes()).length === 0, { timeoutMs: (RESTART + 20) * 1000 });
    expect(birdHelping(await birdProto())).toBe(false);
  });
});

describe('BIRD restarts; podroute is the helper', () => {
  let lab: Lab;
  let bird: Bird;
  let speaker: PodrouteSpeaker;

  beforeAll(async () => {
    lab = new Lab();
    const [us, them] = await lab.pair(US, THEM);
    bird = await Bird.start(them, {
      asn: THEIR_ASN, routerId: THEM,
      neighbors: [{ address: US, asn: OUR_ASN, gracefulRestart: 60 }],
      originate: THEIRS.map((prefix) => ({ prefix })),
    });
    speaker = await PodrouteSpeaker.start(us, {
      asn: OUR_ASN, routerId: US, listen: { address: US }, gracefulRestart: { restartTime: 60 },
      peers: [{ address: THEM, asn: THEIR_ASN, holdTime: 9, connectRetryTime: 1 }], originate: OURS,
    });
  });
  afterAll(async () => lab?.dispose());

  const paths = async (prefix: string) => (await speaker.routes(prefix)).routes.filter((r) => r.prefix === prefix).flatMap((r) => r.paths);

  test('BIRD\'s routes stay as stale while it is gone; after its End-of-RIB the withdrawn one is swept', async () => {
    try {
      await waitFor('podroute has BIRD\'s routes', async () => (await paths(THEIRS[0])).length === 1 && (await paths(THEIRS[1])).length === 1, { timeoutMs: 40_000 });
    } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    expect((await paths(THEIRS[0]))[0].stale).toBeUndefined();

    await bird.crash(); // SIGKILL: no NOTIFICATION
    await waitFor('podroute sees the session gone', async () => (await speaker.peer(THEM))?.state !== 'Established', { timeoutMs: 20_000 });
    try {
      await waitFor('BIRD\'s routes kept as stale', async () => {
        const a = await paths(THEIRS[0]);
        const b = await paths(THEIRS[1]);
        return a.length === 1 && b.length === 1 && a[0].stale === true && b[0].stale === true;
      }, { timeoutMs: 10_000 });
    } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    expect(speaker.logs()).toContain('graceful restart: keeping the peer\'s routes as stale');

    // BIRD comes back (graceful restart recovery) no longer announcing the second prefix.
    await bird.recover([THEIRS[1]]);
    try {
      await waitFor('after BIRD\'s End-of-RIB: first refreshed, second swept', async () => {
        const a = await paths(THEIRS[0]);
        const b = await paths(THEIRS[1]);
        return a.length === 1 && a[0].stale === undefined && b.length === 0;
      }, { timeoutMs: 60_000 });
    } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    expect(speaker.logs()).toContain('graceful restart: stale routes swept after End-of-RIB');
    expect((await speaker.peer(THEM))?.state).toBe('Established');
  });
});

describe('BIRD restarts cold or not at all; podroute is the helper', () => {
  let lab: Lab;
  let bird: Bird;
  let speaker: PodrouteSpeaker;
  const RESTART = 5;

  beforeAll(async () => {
    lab = new Lab();
    const [us, them] = await lab.pair(US, THEM);
    bird = await Bird.start(them, {
      asn: THEIR_ASN, routerId: THEM,
      neighbors: [{ address: US, asn: OUR_ASN, gracefulRestart: RESTART }],
      originate: THEIRS.map((prefix) => ({ prefix })),
    });
    speaker = await PodrouteSpeaker.start(us, {
      asn: OUR_ASN, routerId: US, listen: { address: US },
      peers: [{ address: THEM, asn: THEIR_ASN, holdTime: 9, connectRetryTime: 1 }], originate: OURS,
    });
  });
  afterAll(async () => lab?.dispose());

  const paths = async (prefix: string) => (await speaker.routes(prefix)).routes.filter((r) => r.prefix === prefix).flatMap((r) => r.paths);
  const bothStale = async (): Promise<boolean> => {
    const a = await paths(THEIRS[0]);
    const b = await paths(THEIRS[1]);
    return a.length === 1 && b.length === 1 && a[0].stale === true && b[0].stale === true;
  };

  test('back without the Forwarding State bit (cold start): the stale routes go at its OPEN, not at End-of-RIB', async () => {
    await waitFor('podroute has BIRD\'s routes', async () => (await paths(THEIRS[0])).length === 1 && (await paths(THEIRS[1])).length === 1, { timeoutMs: 40_000 });
    await bird.crash();
    await waitFor('BIRD\'s routes kept as stale', bothStale, { timeoutMs: 10_000 });
    await bird.recover([THEIRS[1]], { recovery: false });
    try {
      await waitFor('second prefix gone, first learned afresh', async () => {
        const a = await paths(THEIRS[0]);
        return a.length === 1 && a[0].stale === undefined && (await paths(THEIRS[1])).length === 0;
      }, { timeoutMs: 30_000 });
    } catch (err) { throw errWithLogs(err, ['podroute', speaker.logs()], ['bird', bird.logs()]); }
    expect(speaker.logs()).toContain('graceful restart: peer back without forwarding state; stale routes removed');
  });

  test('not back within its restart time: the stale routes are removed', async () => {
    await waitFor('podroute has BIRD\'s route', async () => (await paths(THEIRS[0])).length === 1 && (await paths(THEIRS[0]))[0].stale === undefined, { timeoutMs: 40_000 });
    await bird.crash();
    await waitFor('kept as stale', async () => (await paths(THEIRS[0]))[0]?.stale === true, { timeoutMs: 10_000 });
    await waitFor('removed after BIRD\'s restart time', async () => (await paths(THEIRS[0])).length === 0, { timeoutMs: (RESTART + 20) * 1000 });
    expect(speaker.logs()).toContain('graceful restart: peer did not return in its restart time; stale routes removed');
  });
});
