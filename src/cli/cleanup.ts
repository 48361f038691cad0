// `podroute cleanup`: removes what podroute made on this node and nothing else (see
// src/cleanup/plan.ts for what counts as ours). For uninstall, run it on each node after the
// DaemonSet is gone (docs/deploy.md). Exit 0: clean; 1: some removals failed; 2: usage.
import { flagHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { PODROUTE_RTPROT_DEFAULT } from '../netlink/route/protocol.js';
import { hostRunner, netnsRunner } from '../netfilter/exec.js';
import { planCleanup, planIsEmpty, type CleanupOptions } from '../cleanup/plan.js';
import { takeInventory } from '../cleanup/inventory.js';
import { applyCleanup } from '../cleanup/apply.js';
import { formatPlan } from '../cleanup/format.js';

// Names match `podroute agent`'s flags, so the agent's ConfigMap values can be passed as they are.
const SPEC = {
  'dry-run': { type: 'boolean', help: 'print what would be removed, change nothing' },
  force: { type: 'boolean', help: 'remove the pod bridge and CNI config even with pods attached' },
  'route-protocol': { type: 'string', help: 'route protocol number marking podroute\'s routes', default: String(PODROUTE_RTPROT_DEFAULT) },
  'cni-conf-dir': { type: 'string', help: 'where the agent wrote its CNI config (empty: leave files)', default: '/etc/cni/net.d' },
  'cni-bridge': { type: 'string', help: 'name of the pod bridge', default: 'podroute-br' },
  'cni-ipam-dir': { type: 'string', help: 'host-local IPAM store of our network', default: '/var/lib/cni/networks/podroute' },
  'vip-interface': { type: 'string', help: 'the service proxy\'s dummy VIP interface', default: 'podroute-vip' },
  netns: { type: 'string', help: 'work inside this network namespace (tests, debugging)' },
  'ipvs-ownership-file': { type: 'string', help: 'the service proxy\'s record of IPVS services it created (optional)' },
} satisfies FlagSpec;

export const CLEANUP_USAGE = `usage: podroute cleanup [--dry-run] [--force] [flags]\n${flagHelp(SPEC)}\n`;

export interface CleanupIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CleanupIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

export async function cleanupCommand(argv: string[], io: CleanupIo = stdio): Promise<number> {
  if (argv.includes('--help')) {
    io.out(CLEANUP_USAGE);
    return 0;
  }
  const { flags, rest } = parseFlags(argv, SPEC);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"\n${CLEANUP_USAGE}`);
  const protocol = Number(flags['route-protocol']);
  if (!Number.isInteger(protocol) || protocol < 1 || protocol > 255) throw new UsageError(`--route-protocol must be an integer 1..255, got "${flags['route-protocol']}"`);
  // The kernel's own protocols (redirect, kernel, boot, static) belong to everyone: never sweep them.
  if (protocol <= 4) throw new UsageError(`--route-protocol ${protocol} is a kernel protocol, not podroute's`);
  const opts: CleanupOptions = {
    protocol,
    bridge: flags['cni-bridge'] ?? 'podroute-br',
    vipInterface: flags['vip-interface'] ?? 'podroute-vip',
    cniConfDir: flags['cni-conf-dir'] || undefined,
    ipamDir: flags['cni-ipam-dir'] || undefined,
    force: flags.force,
  };
  const netns = flags.netns || undefined;
  const deps = { run: netns ? netnsRunner(netns) : hostRunner, netns, ownershipFile: flags['ipvs-ownership-file'] };
  const plan = planCleanup(await takeInventory(opts, deps), opts);
  if (flags['dry-run']) {
    io.out(formatPlan(plan, 'would remove'));
    return 0;
  }
  io.out(formatPlan(plan));
  if (planIsEmpty(plan)) return 0;
  const res = await applyCleanup(plan, deps);
  for (const f of res.failed) io.err(`failed: ${f.what}: ${f.error}\n`);
  io.out(`removed ${res.done.length}, failed ${res.failed.length}\n`);
  return res.failed.length === 0 ? 0 : 1;
}
