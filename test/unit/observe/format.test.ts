import { describe, expect, test } from '@jest/globals';
import {
  formatDuration, formatEvents, formatFib, formatPeers, formatPolicies, formatRoutes, formatServices, formatStatus, pathMark,
} from '../../../src/observe/format.js';
import { summarizeStatus } from '../../../src/observe/summary.js';
import { renderTable } from '../../../src/observe/table.js';
import { makeFakeProvider } from './fake-provider.js';

const NOW = Date.parse('2026-11-27T04:00:00Z');
const p = makeFakeProvider(() => NOW);

describe('renderTable', () => {
  test('pads columns, right-aligns numbers, trims trailing space', () => {
    expect(renderTable([{ header: 'Name' }, { header: 'N', align: 'right' }, { header: 'Note' }], [['a', '1', ''], ['long', '100', 'x']]))
      .toBe('Name    N  Note\na       1\nlong  100  x\n');
  });
});

test('formatDuration', () => {
  expect(formatDuration(0)).toBe('00:00:00');
  expect(formatDuration(3300)).toBe('00:55:00');
  expect(formatDuration(86400 * 3 + 3661)).toBe('3d01:01:01');
  expect(formatDuration(NaN)).toBe('00:00:00');
});

test('formatPeers: one line per peer, uptime only when Established, last error for down peers', () => {
  expect(formatPeers(p.peers())).toBe(
    [
      'Peer            AS   Up/Down  State        Received  Accepted  Advertised  Flaps  Description',
      '192.0.2.1    64512  00:55:00  Established         2         2           1      1  tor-a',
      '192.0.2.2    64512  00:55:00  Established         1         1           1      0  tor-b',
      '203.0.113.9  65010         -  Active              0         0           0      4  edge-lab (connect ECONNREFUSED 203.0.113.9:179)',
      '10.0.0.11    64600         -  OpenSent            0         0           0      0  node-b (iBGP)',
      '',
    ].join('\n'),
  );
  expect(formatPeers([])).toBe('no BGP peers configured\n');
});

describe('formatRoutes', () => {
  test('ECMP next hops on their own lines, best marked *>, multipath *=', () => {
    const out = formatRoutes(p.routes({ search: '64496', limit: 10 }).routes);
    expect(out.split('\n')).toEqual([
      '    Network    Next Hop   Peer       AS Path      Origin  LocPrf  MED  Communities',
      '*>  0.0.0.0/0  192.0.2.1  192.0.2.1  64512 64496  i          100    0  64512:100',
      '*=             192.0.2.2  192.0.2.2  64512 64496  i          100    0  64512:100',
      '',
    ]);
  });

  test('stale paths, AS sets, large communities, local routes, page footer', () => {
    const page = p.routes({ limit: 4 });
    const out = formatRoutes(page.routes, page);
    expect(out).toMatch(/^\*> +10\.244\.0\.0\/24 +0\.0\.0\.0 +local +- +i$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('4 of 84 routes (more: --after 10.244.2.0/24)');
    const ext = formatRoutes(p.routes({ search: '198.51', limit: 4 }).routes);
    expect(ext).toContain('*>  198.51.100.0/24  192.0.2.1  192.0.2.1  64512 64499 {64500 64501}  ?');
    expect(ext).toContain('64512:1:2');
    const stale = p.routes({ prefix: '10.244.7.0/24', limit: 5 }).routes.filter((r) => r.prefix === '10.244.7.0/24');
    expect(formatRoutes(stale)).toMatch(/^\*>S  10\.244\.7\.0\/24/m);
    expect(formatRoutes([])).toBe('no routes\n');
  });

  test('pathMark', () => {
    const base = { peer: 'x', nextHop: 'x', asPath: '', origin: 'igp' as const, communities: [], largeCommunities: [] };
    expect(pathMark({ ...base, best: false, multipath: false })).toBe('* ');
    expect(pathMark({ ...base, best: false, multipath: true, stale: true })).toBe('*=S');
  });
});

test('formatStatus: the one screen an operator reads first', () => {
  const s = summarizeStatus({
    node: p.node(), health: p.health(), peers: p.peers(),
    rib: [{ family: 'ipv4-unicast', routes: 63, paths: 64 }], fib: p.fib!(), services: p.services!(), events: p.events(),
    syncs: [{ controller: 'fib', count: 3, totalSeconds: 0.1, lastSeconds: 0.0425 }, { controller: 'routing', count: 0, totalSeconds: 0 }],
    now: new Date(NOW),
  });
  expect(formatStatus(s)).toBe(
    [
      'Node:        node-a  AS64600  router-id 10.0.0.10  version 0.1.0',
      'Uptime:      01:00:00',
      'Health:      alive, ready',
      'Controllers: routing, proxy, netpol',
      'BGP peers:   2/4 established, 1 Active, 1 OpenSent',
      'RIB:         ipv4-unicast 63 routes/64 paths',
      'FIB:         79 installed, 2 pending, 1 errors, 1 skipped, last sync 42ms',
      'Services:    3',
      'Policies:    not running',
      'Last syncs:  fib 42.5ms (3)',
      'Events:      4 (1 warnings, 1 errors), last: install 10.244.9.0/24: ENETUNREACH',
      '',
    ].join('\n'),
  );
});

test('formatFib lists skipped prefixes with reasons', () => {
  expect(formatFib(p.fib!())).toBe(
    'installed 79, pending 2, errors 1, skipped 1; last sync 2026-11-27T03:01:00.000Z took 42ms\n' +
      'Skipped          Reason\n198.51.100.0/24  next hop 192.0.2.1 not directly connected\n',
  );
});

test('formatServices: addresses, ports with node ports, ready endpoints', () => {
  const out = formatServices(p.services!());
  expect(out.split('\n')[0]).toBe('Service             Type       Addresses               Ports         Ready  Endpoints');
  expect(out).toContain('shop/web            NodePort   10.96.12.40,192.0.2.80  80:30080/TCP    2/3  10.244.1.12:8080 10.244.2.7:8080 10.244.3.9:8080(not ready)');
  expect(out).toMatch(/^shop\/db +ClusterIP +10\.96\.30\.5 +5432\/TCP +0\/0 +-$/m);
  // Unknown shapes degrade instead of throwing: the proxy controller owns this type.
  expect(formatServices([{ name: 'odd', endpoints: ['10.1.1.1'] }, 42])).toContain('default/odd');
  expect(formatServices([])).toBe('no services\n');
});

test('formatPolicies: selector text from LabelSelector, rule counts', () => {
  expect(formatPolicies(p.policies!())).toBe(
    [
      'Policy                 Pod Selector  Types           Ingress  Egress  Pods',
      'shop/default-deny      (all pods)    Ingress               0       0     6',
      'shop/web-from-ingress  app=web       Ingress               2       0     3',
      'shop/db-egress         app=db        Ingress,Egress        1       1     1',
      '',
    ].join('\n'),
  );
});

test('formatEvents', () => {
  expect(formatEvents(p.events()).split('\n')[3]).toBe('2026-11-27T03:06:00.000Z  WARN   bgp        peer 203.0.113.9: connect ECONNREFUSED');
});
