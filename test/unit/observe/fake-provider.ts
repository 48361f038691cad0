// A realistic in-memory StatusProvider: a node peering with two ToR routers (one Established with
// ECMP default routes, one stuck in Active) and iBGP neighbours advertising pod CIDRs. Shared by the
// unit tests and the Chromium dashboard test. Mutable on purpose so tests can drive state changes.
import { pageRoutes } from '../../../src/observe/routePage.js';
import type { EventRecord, FibStatus, HealthStatus, PathStatus, PeerStatus, RouteStatus, StatusProvider } from '../../../src/observe/status.js';

export interface FakeProvider extends StatusProvider {
  peerList: PeerStatus[];
  routeList: RouteStatus[];
  fibStatus: FibStatus;
  healthStatus: HealthStatus;
  eventList: EventRecord[];
  serviceList: unknown[];
  policyList: unknown[];
  /** Advance counters as if `seconds` passed with traffic. */
  tick(seconds?: number): void;
}

const T0 = Date.parse('2026-11-27T03:00:00Z');

function path(peer: string, nextHop: string, asPath: string, extra: Partial<PathStatus> = {}): PathStatus {
  return { peer, nextHop, asPath, origin: 'igp', communities: [], largeCommunities: [], best: false, multipath: false, ...extra };
}

export function makeRoutes(podNodes = 60): RouteStatus[] {
  const routes: RouteStatus[] = [
    {
      prefix: '0.0.0.0/0', family: 'ipv4-unicast',
      paths: [
        path('192.0.2.1', '192.0.2.1', '64512 64496', { best: true, multipath: true, localPref: 100, med: 0, communities: ['64512:100'] }),
        path('192.0.2.2', '192.0.2.2', '64512 64496', { multipath: true, localPref: 100, med: 0, communities: ['64512:100'] }),
      ],
    },
    {
      prefix: '198.51.100.0/24', family: 'ipv4-unicast',
      paths: [path('192.0.2.1', '192.0.2.1', '64512 64499 {64500 64501}', { best: true, origin: 'incomplete', largeCommunities: ['64512:1:2'] })],
    },
    {
      prefix: '10.244.0.0/24', family: 'ipv4-unicast',
      paths: [path('local', '0.0.0.0', '', { best: true })],
    },
    {
      prefix: '2001:db8:244::/64', family: 'ipv6-unicast',
      paths: [path('local', '::', '', { best: true })],
    },
  ];
  for (let i = 1; i <= podNodes; i++) {
    const nh = `10.0.0.${10 + i}`;
    routes.push({
      prefix: `10.244.${i}.0/24`, family: 'ipv4-unicast',
      paths: [path(nh, nh, '', { best: true, localPref: 100, communities: ['no-export'], stale: i === 7 })],
    });
    if (i <= 20) {
      routes.push({
        prefix: `2001:db8:244:${i.toString(16)}::/64`, family: 'ipv6-unicast',
        paths: [path(nh, `fd00::${(10 + i).toString(16)}`, '', { best: true, localPref: 100 })],
      });
    }
  }
  return routes;
}

export function makeFakeProvider(now: () => number = () => Date.now()): FakeProvider {
  const established = new Date(T0 + 5 * 60_000).toISOString();
  const peerList: PeerStatus[] = [
    {
      address: '192.0.2.1', asn: 64512, localAsn: 64600, description: 'tor-a', state: 'Established',
      establishedSince: established, uptimeSeconds: 0, flaps: 1,
      prefixesReceived: 2, prefixesAccepted: 2, prefixesAdvertised: 1,
      messagesReceived: 1520, messagesSent: 1498, updatesReceived: 40, updatesSent: 3,
      families: ['ipv4-unicast', 'ipv6-unicast'], holdTime: 90, peerRouterId: '192.0.2.1',
    },
    {
      address: '192.0.2.2', asn: 64512, localAsn: 64600, description: 'tor-b', state: 'Established',
      establishedSince: established, uptimeSeconds: 0, flaps: 0,
      prefixesReceived: 1, prefixesAccepted: 1, prefixesAdvertised: 1,
      messagesReceived: 1431, messagesSent: 1422, updatesReceived: 22, updatesSent: 3,
      families: ['ipv4-unicast'], holdTime: 90, peerRouterId: '192.0.2.2',
    },
    {
      address: '203.0.113.9', asn: 65010, localAsn: 64600, description: 'edge-lab', state: 'Active',
      uptimeSeconds: 0, flaps: 4, prefixesReceived: 0, prefixesAccepted: 0, prefixesAdvertised: 0,
      messagesReceived: 0, messagesSent: 12, updatesReceived: 0, updatesSent: 0,
      families: ['ipv4-unicast'], lastError: 'connect ECONNREFUSED 203.0.113.9:179',
    },
    {
      address: '10.0.0.11', asn: 64600, localAsn: 64600, description: 'node-b (iBGP)', state: 'OpenSent',
      uptimeSeconds: 0, flaps: 0, prefixesReceived: 0, prefixesAccepted: 0, prefixesAdvertised: 0,
      messagesReceived: 0, messagesSent: 1, updatesReceived: 0, updatesSent: 0, families: ['ipv4-unicast'],
    },
  ];
  const p: FakeProvider = {
    peerList,
    routeList: makeRoutes(),
    fibStatus: {
      installed: 79, pending: 2, errors: 1,
      skipped: [{ prefix: '198.51.100.0/24', reason: 'next hop 192.0.2.1 not directly connected' }],
      lastSyncAt: new Date(T0 + 60_000).toISOString(), lastSyncMs: 42,
    },
    healthStatus: {
      alive: true, ready: true,
      controllers: [
        { name: 'routing', ready: true, lastSyncAt: new Date(T0 + 60_000).toISOString() },
        { name: 'proxy', ready: true },
        { name: 'netpol', ready: true },
      ],
    },
    eventList: [
      { time: new Date(T0 + 1_000).toISOString(), level: 'info', subsystem: 'agent', message: 'podroute 0.1.0 started on node-a' },
      { time: new Date(T0 + 5 * 60_000).toISOString(), level: 'info', subsystem: 'bgp', message: 'peer 192.0.2.1 Established' },
      { time: new Date(T0 + 6 * 60_000).toISOString(), level: 'warn', subsystem: 'bgp', message: 'peer 203.0.113.9: connect ECONNREFUSED' },
      { time: new Date(T0 + 7 * 60_000).toISOString(), level: 'error', subsystem: 'fib', message: 'install 10.244.9.0/24: ENETUNREACH' },
    ],
    serviceList: [
      {
        namespace: 'default', name: 'kubernetes', type: 'ClusterIP', clusterIP: '10.96.0.1', scheduler: 'rr',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        endpoints: [{ address: '10.0.0.10', port: 6443, ready: true, node: 'node-a' }],
      },
      {
        namespace: 'shop', name: 'web', type: 'NodePort', clusterIP: '10.96.12.40', externalIPs: ['192.0.2.80'],
        ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
        endpoints: [
          { address: '10.244.1.12', port: 8080, ready: true, node: 'node-b' },
          { address: '10.244.2.7', port: 8080, ready: true, node: 'node-c' },
          { address: '10.244.3.9', port: 8080, ready: false, node: 'node-d' },
        ],
      },
      { namespace: 'shop', name: 'db', type: 'ClusterIP', clusterIP: '10.96.30.5', ports: [{ port: 5432, protocol: 'TCP' }], endpoints: [] },
    ],
    policyList: [
      { namespace: 'shop', name: 'default-deny', podSelector: {}, policyTypes: ['Ingress'], ingress: [], pods: 6 },
      { namespace: 'shop', name: 'web-from-ingress', podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}, {}], pods: 3 },
      { namespace: 'shop', name: 'db-egress', podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}], pods: 1 },
    ],
    node: () => ({ name: 'node-a', asn: 64600, routerId: '10.0.0.10', version: '0.1.0', startedAt: new Date(T0).toISOString() }),
    peers() {
      const t = now();
      return p.peerList.map((x) => ({
        ...x,
        uptimeSeconds: x.state === 'Established' && x.establishedSince ? Math.max(0, Math.floor((t - Date.parse(x.establishedSince)) / 1000)) : 0,
      }));
    },
    routes: (q) => pageRoutes(p.routeList, q),
    fib: () => p.fibStatus,
    services: () => p.serviceList,
    policies: () => p.policyList,
    events: () => p.eventList,
    health: () => p.healthStatus,
    tick(seconds = 2) {
      for (const x of p.peerList) {
        if (x.state !== 'Established') continue;
        x.updatesReceived += Math.round(3 * seconds);
        x.messagesReceived += Math.round(4 * seconds);
        x.messagesSent += Math.round(seconds);
      }
    },
  };
  return p;
}
