import { pathToFileURL } from 'node:url';
import { resolveConfigPath } from '../config/load.ts';
import type { Env } from '../config/interpolate.ts';
import { checkConfig } from './check-config.ts';
import { processIo, type CliIo } from './io.ts';

const USAGE = `usage: c1-ticket-bridge <command>

commands:
  check-config [--config <file>]   validate the config ($BRIDGE_CONFIG, else config/bridge.yaml) and print a summary
  help                             this text`;

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

/** @returns the process exit code. */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'check-config':
      return checkConfig({ path: option(args, '--config') ?? resolveConfigPath(env), env, io });
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    default:
      io.err(command === undefined ? 'no command given' : `unknown command: ${command}`);
      io.err(USAGE);
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2), process.env, processIo);
}
