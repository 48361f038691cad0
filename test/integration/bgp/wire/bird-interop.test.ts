// The codec against a real BIRD 2 on loopback, with no session engine in between: we speak raw
// messages from encodeOpen/packUpdates/encodeEndOfRib, BIRD must accept them with every attribute
// intact, and what BIRD sends (ADD-PATH IPv4, MP_REACH IPv6, communities, large communities, MED,
// End-of-RIB) must decode exactly.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import {
  MessageReader, decodeMessage, encodeOpen, encodeKeepalive, encodeEndOfRib, encodeNotification, encodeShutdownCommunication,
  packUpdates, endOfRibFamily, emptyCapabilities, type CodecContext, type UpdateMessage, type OpenMessage, type BgpMessage,
} from '../../../../src/bgp/wire/index.js';
import { BirdDaemon, requireBird, until } from '../session/loopback.js';

const OUR_ADDR = '127.0.0.3';

function config(port: number): string {
  return `
router id 10.255.0.1;
log stderr all;
protocol device {}
protocol static s4 { ipv4; route 10.77.0.0/16 blackhole; route 10.78.1.128/25 blackhole; }
protocol static s6 { ipv6; route 2001:db8:77::/48 blackhole; }
filter rawtag {
  bgp_community.add((65001,7));
  bgp_large_community.add((65001,1,2));
  bgp_med = 50;
  accept;
}
protocol bgp rawpeer {
  local 127.0.0.1 port ${port} as 65001;
  neighbor ${OUR_ADDR} port 1 as 4200000002;
  multihop;
  passive on;
  hold time 30;
  graceful restart on;
  enable extended messages on;
  ipv4 { import all; export filter rawtag; add paths on; };
  ipv6 { import all; export filter rawtag; next hop address 2001:db8::1; };
}
`;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('wire codec ↔ BIRD 2 (raw messages on loopback)', () => {
  let bird: BirdDaemon;
  let sock: net.Socket;
  const received: BgpMessage[] = [];
  const errors: unknown[] = [];
  const ctx: CodecContext = {
    asn4: true, extendedMessage: true, ebgp: true,
    addPathReceive: new Set(['ipv4-unicast']), addPathSend: new Set(['ipv4-unicast']),
  };
  const explain = (e: unknown) => new Error(`${(e as Error).message}\n--- BIRD:\n${bird.output.slice(-3000)}\n--- received: ${received.length} messages, errors: ${errors.map(String).join('; ')}`);

  beforeAll(async () => {
    requireBird();
    const port = await freePort();
    bird = new BirdDaemon(config(port));
    bird.start();
    await Promise.race([
      bird.exited(),
      until(async () => (await bird.birdc('show', 'protocols').catch(() => '')).includes('rawpeer'), 'BIRD control socket', 10_000),
    ]).catch((e) => { throw explain(e); });
    sock = net.connect({ host: '127.0.0.1', port, localAddress: OUR_ADDR });
    const reader = new MessageReader(65535);
    sock.on('error', (e) => errors.push(e));
    sock.on('data', (chunk) => {
      try {
        reader.push(chunk);
        for (let m = reader.next(); m !== null; m = reader.next()) {
          const d = decodeMessage(m, ctx);
          received.push(d);
          if (d.type === 1) sock.write(encodeKeepalive());
        }
      } catch (e) {
        errors.push(e);
      }
    });
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    sock.write(encodeOpen({
      version: 4, myAsn: 23456, holdTime: 30, routerId: '10.255.0.2',
      capabilities: {
        ...emptyCapabilities(), multiprotocol: [{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }], routeRefresh: true,
        asn4: 4200000002, extendedMessage: true,
        gracefulRestart: { restartState: false, notification: false, restartTime: 120, families: [] },
        addPath: { families: [{ afi: 1, safi: 1, send: true, receive: true }] },
      },
    }));
  }, 30_000);

  afterAll(async () => {
    sock?.destroy();
    await bird?.dispose();
  });

  const updates = () => received.filter((m): m is UpdateMessage => m.type === 2);

  test('BIRD’s OPEN decodes with the capabilities it was configured with', async () => {
    await until(() => received.some((m) => m.type === 1), 'OPEN from BIRD', 10_000).catch((e) => { throw explain(e); });
    const open = received.find((m) => m.type === 1) as OpenMessage;
    expect(open).toMatchObject({ version: 4, myAsn: 65001, holdTime: 30, routerId: '10.255.0.1' });
    expect(open.capabilities).toMatchObject({ asn4: 65001, routeRefresh: true, extendedMessage: true });
    expect(open.capabilities.multiprotocol).toEqual(expect.arrayContaining([{ afi: 1, safi: 1 }, { afi: 2, safi: 1 }]));
    expect(open.capabilities.addPath?.families).toContainEqual({ afi: 1, safi: 1, send: true, receive: true });
  }, 30_000);

  test('BIRD’s UPDATEs decode: ADD-PATH IPv4, MP_REACH IPv6, communities, MED, End-of-RIB', async () => {
    await until(() => updates().filter((u) => endOfRibFamily(u) !== null).length >= 2, 'End-of-RIB for both families', 10_000).catch((e) => { throw explain(e); });
    expect(errors).toEqual([]);
    const routes = updates().filter((u) => endOfRibFamily(u) === null);
    for (const u of routes) {
      expect(u.treatAsWithdraw).toBeUndefined();
      expect(u.discarded).toBeUndefined();
    }
    const v4 = routes.flatMap((u) => u.nlri.prefixes);
    expect(v4.sort()).toEqual(['10.77.0.0/16', '10.78.1.128/25']);
    expect(routes.flatMap((u) => u.nlri.pathIds ?? []).every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    const a4 = routes.find((u) => u.nlri.prefixes.length > 0)!.attributes!;
    expect(a4).toMatchObject({
      origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '127.0.0.1', med: 50,
      communities: [((65001 << 16) | 7) >>> 0], largeCommunities: [{ global: 65001, local1: 1, local2: 2 }],
    });
    const v6 = routes.find((u) => u.attributes?.mpReach !== undefined)!.attributes!;
    expect(v6.mpReach).toMatchObject({ afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: { prefixes: ['2001:db8:77::/48'] } });
    expect(v6.med).toBe(50);
    expect(new Set(updates().map(endOfRibFamily).filter(Boolean))).toEqual(new Set(['ipv4-unicast', 'ipv6-unicast']));
  }, 30_000);

  test('BIRD accepts packUpdates output with every attribute intact', async () => {
    const attrs = {
      origin: 2 as const, asPath: [{ type: 2, asns: [4200000002, 65010] }], nextHop: '192.0.2.2', med: 9,
      communities: [((65002 << 16) | 3) >>> 0], largeCommunities: [{ global: 4200000002, local1: 5, local2: 6 }],
    };
    const v4 = Array.from({ length: 1500 }, (_, i) => `10.${100 + (i >> 8)}.${i & 255}.0/24`);
    const msgs = [
      ...packUpdates('ipv4-unicast', attrs, v4, ctx, v4.map((_, i) => i + 1)),
      ...packUpdates('ipv6-unicast', { ...attrs, nextHop: '2001:db8::2' }, ['2001:db8:100::/48', '2001:db8:101::/64'], ctx),
      encodeEndOfRib('ipv4-unicast'), encodeEndOfRib('ipv6-unicast'),
    ];
    sock.write(Buffer.concat(msgs));
    await until(async () => /10\.105\.219\.0\/24/.test(await bird.birdc('show', 'route', 'protocol', 'rawpeer')), 'BIRD to hold the last prefix', 10_000).catch((e) => { throw explain(e); });
    const count = await bird.birdc('show', 'route', 'protocol', 'rawpeer', 'count');
    expect(count).toMatch(/\b1500 of \d+ routes for \d+ networks in table master4/);
    expect(count).toMatch(/\b2 of \d+ routes for \d+ networks in table master6/);
    const one = await bird.birdc('show', 'route', '10.100.7.0/24', 'all');
    expect(one).toMatch(/BGP\.origin: Incomplete/);
    expect(one).toMatch(/BGP\.as_path: 4200000002 65010/);
    expect(one).toMatch(/BGP\.next_hop: 192\.0\.2\.2/);
    expect(one).toMatch(/BGP\.med: 9/);
    expect(one).toMatch(/BGP\.community: \(65002,3\)/);
    expect(one).toMatch(/BGP\.large_community: \(4200000002, 5, 6\)/);
    const six = await bird.birdc('show', 'route', '2001:db8:101::/64', 'all');
    expect(six).toMatch(/BGP\.next_hop: 2001:db8::2/);
  }, 30_000);

  test('Cease with an RFC 9003 shutdown communication reaches BIRD', async () => {
    sock.write(encodeNotification(6, 2, encodeShutdownCommunication('codec interop done')));
    await until(() => /Administrative shutdown/.test(bird.output), 'BIRD to log the NOTIFICATION', 10_000).catch((e) => { throw explain(e); });
    expect(bird.output).toMatch(/codec interop done/);
  }, 30_000);
});
