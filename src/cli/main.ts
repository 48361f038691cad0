// podroute command line: dispatches subcommands. Each subcommand lives in its own module and is
// imported lazily, so `podroute status` does not load the BGP engine.
import { UsageError } from './args.js';

const USAGE = `usage: podroute <command> [options]

commands:
  agent                run the node agent (routing; see --help)
  bgp run              run a standalone BGP speaker from a config file
  demo                 build a small cluster network on this machine and check it end to end
  help                 this text
`;

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
        throw new UsageError(`unknown bgp command "${sub ?? ''}" (try: podroute bgp run)`);
      case 'agent':
        return await (await import('./agent.js')).agentCommand(argv.slice(1));
      case 'demo':
        return await (await import('../demo/command.js')).demoCommand(argv.slice(1));
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
