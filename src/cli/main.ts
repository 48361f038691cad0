// podroute command line: dispatches subcommands. Each subcommand lives in its own module and is
// imported lazily, so `podroute status` does not load the BGP engine.
import { UsageError } from './args.js';

const USAGE = `usage: podroute <command> [options]

commands:
  agent                run the node agent (routing; see --help)
  bgp run              run a standalone BGP speaker from a config file
  status [VIEW]        show an agent's state: summary, peers, routes, fib, services, policies, events
  bgp peers            BGP sessions (like \`birdc show protocols\`)
  bgp routes [PREFIX]  the Loc-RIB, or the routes covering PREFIX
  services, policies   the service proxy's and the policy controller's view
  cleanup              remove everything podroute made on this node (routes, chains, ipsets, …) and nothing else
  demo                 build a small cluster network on this machine and check it end to end
  help                 this text
`;

async function status(argv: string[]): Promise<number> {
  return (await import('../observe/statusCommand.js')).runStatusCommand(argv, {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
  });
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      case 'bgp':
        if (sub === 'run') return await (await import('./bgp-run.js')).bgpRun(argv.slice(2));
        // `bgp peers` / `bgp routes [PREFIX]`: birdc-style shortcuts for the status views.
        if (sub === 'peers') return await status(['peers', ...argv.slice(2)]);
        if (sub === 'routes') {
          const rest = argv.slice(2);
          const prefix = rest[0] && !rest[0].startsWith('-') ? ['--prefix', rest.shift()!] : [];
          return await status(['routes', ...prefix, ...rest]);
        }
        throw new UsageError(`unknown bgp command "${sub ?? ''}" (try: podroute bgp run | peers | routes [PREFIX])`);
      case 'services':
      case 'policies':
        return await status([cmd, ...argv.slice(1)]);
      case 'agent':
        return await (await import('./agent.js')).agentCommand(argv.slice(1));
      case 'status':
        return await status(argv.slice(1));
      case 'demo':
        return await (await import('../demo/command.js')).demoCommand(argv.slice(1));
      case 'cleanup':
        return await (await import('./cleanup.js')).cleanupCommand(argv.slice(1));
      default:
        throw new UsageError(`unknown command "${cmd}"\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`podroute: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
