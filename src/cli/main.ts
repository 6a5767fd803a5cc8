import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveConfigPath, type Env } from '../config/load.ts';
import { createDeps, type Deps } from '../deps.ts';
import { createLogger } from '../log/logger.ts';
import { redisLabel } from '../store/redis-connection.ts';
import { listFailed, replayFailed, status } from './queue-commands.ts';
import { loadConfigOrReport, printSummary } from './check-config.ts';
import { checkOnline } from './check-online.ts';
import { previewCommand } from './preview.ts';
import { serveDevJwks, signTestWebhook } from './sign-test-webhook.ts';
import { processIo, type CliIo } from './io.ts';

const USAGE = `usage: c1-ticket-bridge <command>

commands:
  check-config [--config <file>] [--online]   validate the config ($BRIDGE_CONFIG, else config/bridge.yaml);
                                      --online also reaches the JWKS, Jira and ServiceNow with the credentials
  status <taskId> [--config <file>]   what the bridge knows of a task: steps, ticket, outcome, callback, history
  list-failed [--queue <name>]        failed jobs with their reasons (queues: create-ticket, send-callback, reconcile, check-ticket)
  replay-failed [--queue <name>] [--dry-run]   move failed jobs back to waiting, under their own ids
  sign-test-webhook [--fixture <name|file.json>] [--send] [--to <url>] [--key-dir <dir>]
                                      sign a sample C1 webhook with a local development key (print curl, or --send it)
  serve-dev-jwks [--port 8099] [--key-dir <dir>]
                                      serve that key's JWKS; point conductorone.jwksUrl at it to accept the test webhooks
  preview [--fixture <name> | <file.json>] [--all] [--json] [--config <file>]
                                      the route a task takes (and why earlier routes did not) and the ticket its desk
                                      would receive; --all: a table over every sample; creates nothing
  help                                this text

exit codes: 0 done, 1 the command found problems, 2 the command line is wrong`;

/** Runs a command that needs Redis: builds the dependencies from the config, and closes them afterwards. */
async function withDeps(path: string, env: Env, io: CliIo, run: (deps: Deps) => Promise<number>): Promise<number> {
  const config = loadConfigOrReport(path, env, io.err);
  if (config === undefined) return 1;
  const deps = await createDeps(config, createLogger({ level: 'silent' }), { shutdownTimeoutMs: 2_000 });
  try {
    await deps.redis.ping();
  } catch (error) {
    io.err(`Redis does not answer at ${redisLabel(config.redis)}: ${error instanceof Error ? error.message : String(error)}`);
    await deps.close();
    return 1;
  }
  try {
    return await run(deps);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await deps.close();
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(message);
  io.err(USAGE);
  return 2;
}

/**
 * Runs one CLI command with the given arguments (without `node` and the script), environment and output.
 *
 * @example
 * process.exitCode = await runCli(['check-config'], process.env, processIo);
 * @returns the process exit code.
 */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'check-config': {
      let values;
      try {
        ({ values } = parseArgs({ args: [...args], options: { config: { type: 'string' }, online: { type: 'boolean' } }, strict: true, allowPositionals: false }));
      } catch (error) {
        return usageError(io, `check-config: ${(error as Error).message}`);
      }
      const path = values.config ?? resolveConfigPath(env);
      const config = loadConfigOrReport(path, env, io.err);
      if (config === undefined) return 1;
      printSummary(config, path, io.out);
      if (values.online !== true) return 0;
      const deps = await createDeps(config, createLogger({ level: 'silent' }), { shutdownTimeoutMs: 1_000 });
      try {
        return await checkOnline({ config, ticketSystems: deps.ticketSystems, fetch, pingRedis: () => deps.redis.ping(), out: io.out, err: io.err });
      } finally {
        await deps.close();
      }
    }
    case 'status':
    case 'list-failed':
    case 'replay-failed': {
      let parsed;
      try {
        parsed = parseArgs({
          args: [...args],
          options: { config: { type: 'string' }, queue: { type: 'string' }, 'dry-run': { type: 'boolean' } },
          strict: true,
          allowPositionals: command === 'status',
        });
      } catch (error) {
        return usageError(io, `${command}: ${(error as Error).message}`);
      }
      const { values, positionals } = parsed;
      const path = values.config ?? resolveConfigPath(env);
      if (command === 'status') {
        if (positionals.length !== 1) return usageError(io, 'status: give exactly one task id');
        return withDeps(path, env, io, (deps) => status(deps, positionals[0] ?? '', io));
      }
      if (command === 'list-failed') return withDeps(path, env, io, (deps) => listFailed(deps, values.queue, io));
      return withDeps(path, env, io, (deps) => replayFailed(deps, values.queue, values['dry-run'] === true, io));
    }
    case 'sign-test-webhook':
    case 'serve-dev-jwks': {
      let values;
      try {
        ({ values } = parseArgs({
          args: [...args],
          options: {
            config: { type: 'string' },
            fixture: { type: 'string' },
            send: { type: 'boolean' },
            to: { type: 'string' },
            'key-dir': { type: 'string' },
            port: { type: 'string' },
          },
          strict: true,
          allowPositionals: false,
        }));
      } catch (error) {
        return usageError(io, `${command}: ${(error as Error).message}`);
      }
      const keyDir = values['key-dir'] ?? '.c1tb-dev';
      if (command === 'serve-dev-jwks') return serveDevJwks(keyDir, Number(values.port ?? '8099'), io);
      const config = loadConfigOrReport(values.config ?? resolveConfigPath(env), env, io.err);
      if (config === undefined) return 1;
      return signTestWebhook({ config, keyDir, fixture: values.fixture ?? 'provision-grant', send: values.send === true, to: values.to, io });
    }
    case 'preview': {
      let parsed;
      try {
        parsed = parseArgs({ args: [...args], options: { config: { type: 'string' }, fixture: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true, allowPositionals: true });
      } catch (error) {
        return usageError(io, `preview: ${(error as Error).message}`);
      }
      const { values, positionals } = parsed;
      const given = [...(values.fixture === undefined ? [] : [values.fixture]), ...positionals];
      if (given.length > 1 || (values.all === true && given.length > 0)) return usageError(io, 'preview: give one of --fixture <name>, a JSON file, or --all');
      const config = loadConfigOrReport(values.config ?? resolveConfigPath(env), env, io.err);
      if (config === undefined) return 1;
      return previewCommand({ config, source: given[0], all: values.all === true, json: values.json === true, io });
    }
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    case undefined:
      return usageError(io, 'no command given');
    default:
      return usageError(io, `unknown command: ${command}`);
  }
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // import.meta.url is the real path; argv[1] may be a symlink (node_modules/.bin).
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await runCli(process.argv.slice(2), process.env, processIo);
}
