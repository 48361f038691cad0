// `podroute agent`: the node agent. Flags follow kube-router's names where one exists, so a
// DaemonSet can move over with few changes.
import { isIP } from 'node:net';
import { Agent, defaultNodeName } from '../agent/agent.js';
import { EventLog } from '../agent/event-log.js';
import { FileClusterSource } from '../cluster/file-source.js';
import type { ClusterSource } from '../cluster/source.js';
import type { ExternalPeer } from '../cluster/annotations.js';
import { asn as parseAsnText } from '../cluster/annotations.js';
import { jsonLogger, type LogLevel } from '../util/log.js';
import { flagHelp, parseFlags, parseHostPort, UsageError, type FlagSpec } from './args.js';
import { VERSION } from './version.js';
import { createKernelFib } from '../routing/kernel-fib.js';
import { PODROUTE_RTPROT_DEFAULT } from '../netlink/route/protocol.js';
import { DEFAULT_OBSERVE_PORT } from '../observe/server.js';
import { KubernetesClusterSource, loadKubeConfig } from '../cluster/kubernetes/source.js';
import { KubernetesEventRecorder, kubernetesEventApi } from '../cluster/kubernetes/events.js';
import { SecretCache, kubernetesSecretReader } from '../cluster/kubernetes/secrets.js';
import { nodeAnnotationWriter } from '../cluster/kubernetes/node-annotation.js';
import { BGP_STATUS_ANNOTATION } from '../agent/node-status.js';
import { parseCidr } from '../proxy/cidr.js';
import type { ProxyConfig } from '../proxy/config.js';

const SPEC = {
  'node-name': { type: 'string', help: 'this node (default $NODE_NAME, then the hostname)' },
  'cluster-file': { type: 'string', help: 'read the cluster from this YAML file of Kubernetes objects (standalone/demo)' },
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server (default: in-cluster service account)' },
  'run-firewall': { type: 'boolean', help: 'enforce NetworkPolicies with ipsets and iptables', default: true },
  'run-service-proxy': { type: 'boolean', help: 'program Services into IPVS (off by itself, with a warning, when the kernel has no IPVS)', default: true },
  'masquerade-all': { type: 'boolean', help: 'SNAT every packet to a service VIP, not only hairpin and outside traffic', default: false },
  'nodeport-bindon-all-ip': { type: 'boolean', help: 'NodePorts answer on every local address (default: the node\'s InternalIP/ExternalIP)', default: false },
  'nodeport-addresses': { type: 'list', help: 'NodePorts answer on exactly these addresses (overrides --nodeport-bindon-all-ip)' },
  'excluded-cidrs': { type: 'list', help: 'service VIPs in these CIDRs are never programmed, IPVS services there never touched' },
  'ipvs-graceful-period': { type: 'string', help: 'how long a removed endpoint drains (weight 0) before deletion', default: '30s' },
  'ipvs-sync-period': { type: 'string', help: 'full IPVS resync (repairs drift)', default: '5m' },
  'ipvs-stats-period': { type: 'string', help: 'how often per-service IPVS counters are read for status and metrics', default: '15s' },
  'ipvs-ownership-file': { type: 'string', help: 'which IPVS services the agent created, kept across restarts', default: '/run/podroute/ipvs-owned.json' },
  'advertise-cluster-ip': { type: 'boolean', help: 'advertise service ClusterIPs to external peers', default: false },
  'advertise-external-ip': { type: 'boolean', help: 'advertise service externalIPs to external peers', default: true },
  'advertise-loadbalancer-ip': { type: 'boolean', help: 'advertise LoadBalancer ingress IPs to external peers', default: true },
  'status-annotation': { type: 'boolean', help: `publish BGP status as the node annotation ${BGP_STATUS_ANNOTATION}`, default: true },
  'status-min-interval': { type: 'string', help: 'seconds between status annotation writes, at least', default: '5' },
  'status-max-interval': { type: 'string', help: 'seconds between status annotation writes, at most', default: '60' },
  'cluster-asn': { type: 'string', help: 'ASN of nodes without a node.asn annotation', default: '64512' },
  'nodes-full-mesh': { type: 'boolean', help: 'iBGP full mesh between nodes', default: true },
  'bgp-port': { type: 'string', help: 'BGP port between nodes', default: '179' },
  'router-id': { type: 'string', help: 'BGP router id (default: the node\'s first InternalIP)' },
  'peer-router-ips': { type: 'list', help: 'external peers of every node (comma-separated)' },
  'peer-router-asns': { type: 'list', help: 'their ASNs, in the same order' },
  'peer-router-ports': { type: 'list', help: 'their ports, in the same order (default 179)' },
  'advertise-pod-cidr': { type: 'boolean', help: 'advertise this node\'s podCIDR', default: true },
  'hold-time': { type: 'string', help: 'BGP hold time in seconds', default: '90' },
  'graceful-restart-time': { type: 'string', help: 'graceful restart time advertised to peers (0 disables)', default: '120' },
  fib: { type: 'boolean', help: 'install learned routes into the kernel FIB', default: true },
  'route-table': { type: 'string', help: 'kernel routing table for learned routes', default: '254' },
  'route-protocol': { type: 'string', help: 'route protocol number marking podroute\'s routes', default: String(PODROUTE_RTPROT_DEFAULT) },
  'cni-conf-dir': { type: 'string', help: 'write the CNI bridge config here (empty: do not)', default: '/etc/cni/net.d' },
  'cni-bridge': { type: 'string', help: 'name of the pod bridge', default: 'podroute-br' },
  'cni-ipam-dir': { type: 'string', help: 'host-local IPAM data dir' },
  'enable-pod-egress': { type: 'boolean', help: 'SNAT pod traffic that leaves the cluster', default: true },
  'cluster-cidr': { type: 'list', help: 'extra CIDRs never NATed (service CIDR, …)' },
  http: { type: 'string', help: 'status API, metrics, dashboard: HOST:PORT or unix:/path', default: `127.0.0.1:${DEFAULT_OBSERVE_PORT}` },
  'log-level': { type: 'string', help: 'debug, info, warn or error', default: 'info' },
} satisfies FlagSpec;

export const AGENT_USAGE = `usage: podroute agent [--kubeconfig FILE | --cluster-file FILE] [flags]\n${flagHelp(SPEC)}\n`;

function int(v: string | undefined, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer ${min}..${max}, got "${v}"`);
  return n;
}

/** Seconds in a duration: "30s", "5m", "1h", "500ms", or a plain number of seconds (kube-router takes Go durations). */
export function durationSeconds(v: string | undefined, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v ?? '');
  if (!m) throw new UsageError(`--${flag} must be a duration like 30s, 5m or 1h, got "${v}"`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's']!;
}

export async function agentCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(AGENT_USAGE);
    return 0;
  }
  const { flags } = parseFlags(argv, SPEC);
  const events = new EventLog();
  const log = jsonLogger({ level: (flags['log-level'] ?? 'info') as LogLevel, tap: events.tap }, { node: flags['node-name'] ?? defaultNodeName() });
  const nodeName = flags['node-name'] ?? defaultNodeName();

  const ips = flags['peer-router-ips'];
  const asns = flags['peer-router-asns'];
  const ports = flags['peer-router-ports'];
  if (ips.length !== asns.length) throw new UsageError(`--peer-router-ips has ${ips.length} entries but --peer-router-asns has ${asns.length}`);
  if (ports.length && ports.length !== ips.length) throw new UsageError(`--peer-router-ports has ${ports.length} entries but --peer-router-ips has ${ips.length}`);
  const globalPeers: ExternalPeer[] = ips.map((address, i) => {
    if (!isIP(address)) throw new UsageError(`--peer-router-ips: "${address}" is not an IP address`);
    let asn: number;
    try {
      asn = parseAsnText(asns[i]);
    } catch (err) {
      throw new UsageError(`--peer-router-asns: ${(err as Error).message}`);
    }
    return { address, asn, ...(ports[i] ? { port: int(ports[i], 'peer-router-ports', 1, 65535) } : {}) };
  });

  let source: ClusterSource;
  let k8sEvents: KubernetesEventRecorder | undefined;
  let passwords: SecretCache | undefined;
  let agentRef: Agent | undefined;
  const statusWriters: { name: string; write: (text: string) => Promise<void> }[] = [];
  if (flags['cluster-file'] && flags.kubeconfig) throw new UsageError('--cluster-file and --kubeconfig exclude each other');
  if (flags['cluster-file']) source = new FileClusterSource({ path: flags['cluster-file'], log: log.child({ component: 'cluster' }) });
  else {
    let kc;
    try {
      kc = loadKubeConfig(flags.kubeconfig);
    } catch (err) {
      const where = flags.kubeconfig ? `--kubeconfig ${flags.kubeconfig}` : 'the in-cluster service account (no --kubeconfig or --cluster-file given)';
      throw new UsageError(`cannot load ${where}: ${(err as Error).message}`);
    }
    // Routing needs nodes (peers, podCIDRs, annotations) and services with their endpoints (VIPs),
    // which are also all the service proxy reads (named targetPorts resolve from the slices' ports);
    // the firewall also needs namespaces, pods and the policies themselves.
    source = new KubernetesClusterSource({ kubeConfig: kc, log: log.child({ component: 'cluster' }), kinds: flags['run-firewall'] ? ['Node', 'Service', 'EndpointSlice', 'Namespace', 'Pod', 'NetworkPolicy'] : ['Node', 'Service', 'EndpointSlice'], ignoreAnnotations: [BGP_STATUS_ANNOTATION] });
    // Peer passwords may live in a Secret (passwordSecretRef); read on demand, one GET per Secret.
    passwords = new SecretCache(kubernetesSecretReader(kc), {
      defaultNamespace: process.env.POD_NAMESPACE ?? 'kube-system',
      log: log.child({ component: 'secrets' }),
      onChange: () => agentRef?.routing.markDirty(),
    });
    k8sEvents = new KubernetesEventRecorder({ api: kubernetesEventApi(kc), component: 'podroute', host: nodeName, log: log.child({ component: 'events' }) });
    if (flags['status-annotation']) statusWriters.push({ name: 'annotation', write: nodeAnnotationWriter(kc, nodeName, BGP_STATUS_ANNOTATION) });
  }
  const seconds = (flag: 'status-min-interval' | 'status-max-interval'): number => {
    const n = Number(flags[flag]);
    if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new UsageError(`--${flag} must be a number of seconds in (0, 86400], got "${flags[flag]}"`);
    return n * 1000;
  };
  const statusIntervals = { minMs: seconds('status-min-interval'), maxMs: seconds('status-max-interval') };
  if (statusIntervals.minMs > statusIntervals.maxMs) throw new UsageError('--status-min-interval must not exceed --status-max-interval');

  const httpFlag = flags.http ?? '';
  const http = httpFlag === '' ? undefined : httpFlag.startsWith('unix:') ? { path: httpFlag.slice(5) } : parseHostPort(httpFlag, 'http');
  const protocol = int(flags['route-protocol'], 'route-protocol', 1, 255);
  const table = int(flags['route-table'], 'route-table', 1, 0xffffffff - 1);
  const grTime = int(flags['graceful-restart-time'], 'graceful-restart-time', 0, 4095);

  let proxyConfig: Partial<ProxyConfig> = {};
  if (flags['run-service-proxy']) {
    for (const c of flags['excluded-cidrs']) {
      try {
        parseCidr(c);
      } catch (err) {
        throw new UsageError(`--excluded-cidrs: ${(err as Error).message}`);
      }
    }
    for (const a of flags['nodeport-addresses']) if (!isIP(a)) throw new UsageError(`--nodeport-addresses: "${a}" is not an IP address`);
    const grace = durationSeconds(flags['ipvs-graceful-period'], 'ipvs-graceful-period');
    proxyConfig = {
      masqueradeAll: flags['masquerade-all'],
      nodePortAddresses: flags['nodeport-addresses'].length ? flags['nodeport-addresses'] : flags['nodeport-bindon-all-ip'] ? 'all' : 'node',
      excludedCidrs: flags['excluded-cidrs'],
      gracefulTerminationSeconds: grace,
    };
  }
  const resyncSeconds = durationSeconds(flags['ipvs-sync-period'], 'ipvs-sync-period');
  if (resyncSeconds < 1) throw new UsageError('--ipvs-sync-period must be at least 1s');
  const statsSeconds = durationSeconds(flags['ipvs-stats-period'], 'ipvs-stats-period');
  if (statsSeconds < 0.1) throw new UsageError('--ipvs-stats-period must be at least 100ms');

  const fib = flags.fib ? await createKernelFib({ protocol, table, log: log.child({ component: 'fib' }), deferralMs: grTime > 0 ? Math.min(grTime, 30) * 1000 : 0 }) : undefined;
  const agent = new Agent({
    nodeName,
    source,
    log,
    events,
    version: VERSION,
    fib,
    http,
    gracefulRestart: grTime > 0 ? { restartTime: grTime } : undefined,
    k8sEvents,
    ...(passwords ? { passwords } : {}),
    statusWriters,
    statusIntervals,
    ...(flags['run-firewall'] ? { netpol: {} } : {}),
    ...(flags['run-service-proxy'] ? { proxy: { config: proxyConfig, extraClusterCidrs: flags['cluster-cidr'], ownershipFile: flags['ipvs-ownership-file'] || undefined, resyncMs: resyncSeconds * 1000, statsPollMs: statsSeconds * 1000 } } : {}),
    services: { clusterIP: flags['advertise-cluster-ip'], externalIP: flags['advertise-external-ip'], loadBalancerIP: flags['advertise-loadbalancer-ip'] },
    routing: {
      nodeName,
      clusterAsn: parseAsnText(flags['cluster-asn'] ?? '64512'),
      fullMesh: flags['nodes-full-mesh'],
      bgpPort: int(flags['bgp-port'], 'bgp-port', 1, 65535),
      ...(flags['router-id'] ? { routerId: flags['router-id'] } : {}),
      globalPeers,
      advertisePodCidr: flags['advertise-pod-cidr'],
      holdTime: int(flags['hold-time'], 'hold-time', 0, 65535),
    },
    podNetwork: {
      cniConfDir: flags['cni-conf-dir'] || undefined,
      bridge: flags['cni-bridge'] ?? 'podroute-br',
      ipamDataDir: flags['cni-ipam-dir'],
      snat: flags['enable-pod-egress'],
      extraClusterCIDRs: flags['cluster-cidr'],
      forwarding: true,
    },
  });
  agentRef = agent;
  await agent.start();
  log.info('agent started', { version: VERSION });
  const sig = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // With graceful restart the routes stay in the FIB and peers keep ours while we are away.
  const keepRoutes = grTime > 0;
  log.info('stopping', { signal: sig, keepRoutes });
  await agent.stop(keepRoutes);
  return 0;
}
