// `podroute demo [--nodes N] [--keep] [--status-port P]`
import { flagHelp, parseFlags, UsageError, type FlagSpec } from '../cli/args.js';
import { runDemo } from './run.js';
import { PODROUTE_RTPROT_DEFAULT } from '../netlink/route/protocol.js';

const SPEC = {
  nodes: { type: 'string', help: 'number of nodes', default: '3' },
  keep: { type: 'boolean', help: 'leave it running (Ctrl-C removes everything) and print where each agent is served' },
  'status-port': { type: 'string', help: 'first local port for the per-node dashboards with --keep', default: '9181' },
} satisfies FlagSpec;

export async function demoCommand(argv: string[]): Promise<number> {
  const { flags } = parseFlags(argv, SPEC);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new UsageError('the demo creates network namespaces: run it as root');
  const nodes = Number(flags.nodes);
  if (!Number.isInteger(nodes) || nodes < 2 || nodes > 50) throw new UsageError(`--nodes must be 2..50\n${flagHelp(SPEC)}`);
  return runDemo({
    nodes,
    keep: flags.keep,
    statusPort: Number(flags['status-port']),
    out: (line) => process.stdout.write(line + '\n'),
    routeProtocol: PODROUTE_RTPROT_DEFAULT,
  });
}
