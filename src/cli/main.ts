// podroute command line: dispatches subcommands. Each subcommand lives in its own module.
export async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`podroute: unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}

const USAGE = `usage: podroute <command> [options]

commands:
  help                 this text
`;
