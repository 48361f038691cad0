// Cleanup recognises podroute's objects by name. This pins every name the three controllers
// create (taken from their own modules, not retyped) to the planner's rules, so a controller that
// starts naming things outside the podroute-/PODROUTE- prefixes fails here instead of leaving
// objects behind on uninstall.
import { expect, test } from '@jest/globals';
import { planCleanup, type CleanupOptions, type Inventory } from '../../../src/cleanup/plan.js';
import { CLUSTER_SET, SNAT_CHAIN } from '../../../src/routing/podnet/snat.js';
import { CNI_FILE_NAME } from '../../../src/routing/podnet/cni.js';
import { HOOKS, setName } from '../../../src/proxy/netfilter.js';
import { defaultProxyConfig } from '../../../src/proxy/config.js';
import * as netpol from '../../../src/netpol/names.js';
import { PODROUTE_RTPROT_DEFAULT } from '../../../src/netlink/route/protocol.js';

const opts: CleanupOptions = { protocol: PODROUTE_RTPROT_DEFAULT, bridge: 'podroute-br', vipInterface: defaultProxyConfig('node-1').vipInterface, cniConfDir: '/etc/cni/net.d', force: false };
const base: Inventory = { routes: [], links: [], vipAddresses: [], netfilter: [], ipsets: [], ipvs: { available: false, reason: 'test' }, ownedIpvs: [], existingPaths: [] };

const sets = [
  CLUSTER_SET[4], CLUSTER_SET[6], `${CLUSTER_SET[4]}-tmp`,
  ...(['vip', 'port', 'ext', 'hairpin', 'cluster'] as const).flatMap((w) => [setName(w, 4), setName(w, 6)]),
  netpol.peerPodSetName('ns', 'pol', 'ingress', 0, 4), netpol.ipBlockSetName('ns', 'pol', 'egress', 1, 2, 6), netpol.namedPortSetName('ns', 'pol', 'ingress', 0, 1, 4),
];
const chains = [SNAT_CHAIN, ...HOOKS.map((h) => h[2]), netpol.FORWARD_CHAIN, netpol.OUTPUT_CHAIN, netpol.READY_SRC_CHAIN, netpol.READY_DST_CHAIN, netpol.podChainName('ns', 'pod', 'ingress'), netpol.podChainName('ns', 'pod', 'egress')];

test('every ipset the controllers name is removed', () => {
  expect(planCleanup({ ...base, ipsets: sets }, opts).ipsets.sort()).toEqual([...new Set(sets)].sort());
});

test('every chain the controllers name is removed, in any table', () => {
  const listing = [...new Set(chains)].map((c) => `-N ${c}`).join('\n');
  const p = planCleanup({ ...base, netfilter: [{ backend: 'nft', family: 4, table: 'filter', listing }] }, opts);
  expect(p.netfilter[0].chains.sort()).toEqual([...new Set(chains)].sort());
});

test('the CNI file, the VIP interface and the route protocol are the agent\'s own', () => {
  const p = planCleanup({
    ...base,
    links: [{ name: opts.vipInterface, kind: 'dummy' }],
    routes: [{ prefix: '10.244.1.0/24', family: 2, table: 254, protocol: PODROUTE_RTPROT_DEFAULT, metric: 0 }],
    existingPaths: [`/etc/cni/net.d/${CNI_FILE_NAME}`],
  }, opts);
  expect(p.links).toEqual(['podroute-vip']);
  expect(p.routes).toHaveLength(1);
  expect(p.files).toEqual(['/etc/cni/net.d/10-podroute.conflist']);
});
