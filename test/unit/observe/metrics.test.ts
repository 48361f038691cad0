import { describe, expect, test } from '@jest/globals';
import { createMetrics, ribSummaryOf } from '../../../src/observe/metrics.js';
import { makeFakeProvider } from './fake-provider.js';

const NOW = Date.parse('2026-11-27T04:00:00Z');

/** The value of one series in exposition text, by exact label set as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics read from the provider at scrape time', () => {
  test('per-peer state, uptime, counters and prefixes', async () => {
    const p = makeFakeProvider(() => NOW);
    const m = createMetrics({ provider: p, processMetrics: false });
    const t = await m.text();
    expect(sample(t, 'podroute_build_info{version="0.1.0",node="node-a"}')).toBe(1);
    expect(sample(t, 'podroute_bgp_peer_state{peer="192.0.2.1",peer_asn="64512"}')).toBe(6);
    expect(sample(t, 'podroute_bgp_peer_state{peer="203.0.113.9",peer_asn="65010"}')).toBe(3);
    expect(sample(t, 'podroute_bgp_peer_state_info{peer="203.0.113.9",peer_asn="65010",state="Active"}')).toBe(1);
    expect(sample(t, 'podroute_bgp_peer_state_info{peer="203.0.113.9",peer_asn="65010",state="Established"}')).toBe(0);
    expect(sample(t, 'podroute_bgp_peers{state="Established"}')).toBe(2);
    expect(sample(t, 'podroute_bgp_peer_uptime_seconds{peer="192.0.2.1",peer_asn="64512"}')).toBe(55 * 60);
    expect(sample(t, 'podroute_bgp_peer_flaps_total{peer="203.0.113.9",peer_asn="65010"}')).toBe(4);
    expect(sample(t, 'podroute_bgp_peer_messages_received_total{peer="192.0.2.1",peer_asn="64512"}')).toBe(1520);
    expect(sample(t, 'podroute_bgp_peer_updates_sent_total{peer="192.0.2.2",peer_asn="64512"}')).toBe(3);
    expect(sample(t, 'podroute_bgp_peer_prefixes_accepted{peer="192.0.2.1",peer_asn="64512"}')).toBe(2);
    // A peer with nothing yet still has its series (0), so dashboards show it instead of a gap.
    expect(sample(t, 'podroute_bgp_peer_updates_received_total{peer="10.0.0.11",peer_asn="64600"}')).toBe(0);
  });

  test('values follow the provider between scrapes and removed peers vanish', async () => {
    const p = makeFakeProvider(() => NOW);
    const m = createMetrics({ provider: p, processMetrics: false });
    p.tick(10);
    p.peerList.splice(2, 1);
    const t = await m.text();
    expect(sample(t, 'podroute_bgp_peer_updates_received_total{peer="192.0.2.1",peer_asn="64512"}')).toBe(70);
    expect(t).not.toContain('203.0.113.9');
  });

  test('RIB per family, FIB by state, services, policies, readiness', async () => {
    const p = makeFakeProvider(() => NOW);
    const m = createMetrics({ provider: p, processMetrics: false });
    const t = await m.text();
    expect(sample(t, 'podroute_bgp_rib_routes{family="ipv4-unicast"}')).toBe(63);
    expect(sample(t, 'podroute_bgp_rib_routes{family="ipv6-unicast"}')).toBe(21);
    expect(sample(t, 'podroute_bgp_rib_paths{family="ipv4-unicast"}')).toBe(64);
    expect(sample(t, 'podroute_fib_routes{state="installed"}')).toBe(79);
    expect(sample(t, 'podroute_fib_routes{state="error"}')).toBe(1);
    expect(sample(t, 'podroute_fib_routes{state="skipped"}')).toBe(1);
    expect(sample(t, 'podroute_fib_last_sync_timestamp_seconds')).toBe(Date.parse('2026-11-27T03:01:00Z') / 1000);
    expect(sample(t, 'podroute_proxy_services')).toBe(3);
    expect(sample(t, 'podroute_netpol_policies')).toBe(3);
    expect(sample(t, 'podroute_controller_ready{controller="routing"}')).toBe(1);
    expect(sample(t, 'podroute_agent_ready')).toBe(1);
  });

  test('ribSummary() is preferred over paging routes()', async () => {
    const p = makeFakeProvider(() => NOW);
    let pages = 0;
    const routes = p.routes;
    p.routes = (q) => { pages++; return routes(q); };
    expect(ribSummaryOf(p).map((f) => f.routes)).toEqual([63, 21]);
    expect(pages).toBe(1);
    p.ribSummary = () => [{ family: 'ipv4-unicast', routes: 1_000_000, paths: 2_000_000 }];
    const t = await createMetrics({ provider: p, processMetrics: false }).text();
    expect(sample(t, 'podroute_bgp_rib_routes{family="ipv4-unicast"}')).toBe(1_000_000);
    expect(pages).toBe(1);
  });

  test('one scrape reads each subsystem once', async () => {
    const p = makeFakeProvider(() => NOW);
    const calls = { peers: 0, health: 0, fib: 0 };
    const [peers, health, fib] = [p.peers, p.health, p.fib!];
    p.peers = () => { calls.peers++; return peers(); };
    p.health = () => { calls.health++; return health(); };
    p.fib = () => { calls.fib++; return fib(); };
    const m = createMetrics({ provider: p, processMetrics: false });
    await m.text();
    expect(calls).toEqual({ peers: 1, health: 1, fib: 1 });
    await m.text();
    expect(calls).toEqual({ peers: 2, health: 2, fib: 2 });
  });

  test('a throwing provider is counted, the scrape still answers', async () => {
    const p = makeFakeProvider(() => NOW);
    p.peers = () => { throw new Error('speaker busy'); };
    const m = createMetrics({ provider: p, processMetrics: false });
    const t = await m.text();
    expect(sample(t, 'podroute_observe_collect_errors_total{subsystem="bgp"}')).toBeGreaterThan(0);
    expect(sample(t, 'podroute_fib_routes{state="installed"}')).toBe(79);
  });

  test('a provider without fib/services/policies exports no such series', async () => {
    const p = makeFakeProvider(() => NOW);
    delete p.fib; delete p.services; delete p.policies;
    const t = await createMetrics({ provider: p, processMetrics: false }).text();
    expect(t).not.toMatch(/^podroute_fib_routes\{/m);
    // Unlabelled gauges cannot be absent in prom-client; 0 is documented as "not running".
    expect(sample(t, 'podroute_proxy_services')).toBe(0);
    expect(sample(t, 'podroute_fib_last_sync_timestamp_seconds')).toBe(0);
  });

  test('default process metrics carry the podroute_ prefix', async () => {
    const t = await createMetrics({ provider: makeFakeProvider() }).text();
    expect(t).toMatch(/^podroute_process_resident_memory_bytes \d+/m);
    expect(t).toMatch(/^podroute_nodejs_eventloop_lag_seconds /m);
  });
});

describe('metrics pushed by controllers', () => {
  test('observeSync fills the controller histogram and the summary', async () => {
    const m = createMetrics({ provider: makeFakeProvider(), processMetrics: false, now: () => new Date(NOW) });
    m.observeSync('fib', 0.003);
    m.observeSync('fib', 0.2);
    const t = await m.text();
    expect(sample(t, 'podroute_fib_sync_duration_seconds_count')).toBe(2);
    expect(sample(t, 'podroute_fib_sync_duration_seconds_bucket{le="0.005"}')).toBe(1);
    expect(sample(t, 'podroute_fib_sync_duration_seconds_bucket{le="0.25"}')).toBe(2);
    expect(sample(t, 'podroute_routing_sync_duration_seconds_count')).toBe(0);
    const fib = m.syncSummary().find((s) => s.controller === 'fib')!;
    expect(fib).toEqual({ controller: 'fib', count: 2, totalSeconds: 0.203, lastSeconds: 0.2, lastAt: new Date(NOW).toISOString() });
  });

  test('observeSync refuses unknown controllers and bad durations', () => {
    const m = createMetrics({ provider: makeFakeProvider(), processMetrics: false });
    expect(() => m.observeSync('bogus' as 'fib', 1)).toThrow(/unknown sync controller "bogus"/);
    expect(() => m.observeSync('fib', -1)).toThrow(RangeError);
    expect(() => m.observeSync('fib', NaN)).toThrow(RangeError);
  });

  test('drop counters add deltas and refuse negative ones', async () => {
    const m = createMetrics({ provider: makeFakeProvider(), processMetrics: false });
    m.addProxyDrops({ service: 'shop/db', reason: 'no_endpoints' }, 5);
    m.addProxyDrops({ service: 'shop/db', reason: 'no_endpoints' });
    m.addPolicyDrops({ namespace: 'shop', pod: 'web-1' }, 12);
    expect(() => m.addPolicyDrops({ namespace: 'shop', pod: 'x' }, -3)).toThrow(RangeError);
    const t = await m.text();
    expect(sample(t, 'podroute_proxy_dropped_packets_total{service="shop/db",reason="no_endpoints"}')).toBe(6);
    expect(sample(t, 'podroute_netpol_dropped_packets_total{namespace="shop",pod="web-1"}')).toBe(12);
  });
});
