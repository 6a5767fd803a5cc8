import { ConfigError, loadConfig, resolveConfigPath } from './config/load.ts';
import { createDeps } from './deps.ts';
import { createLogger } from './log/logger.ts';

/** Entry point: read the config, build the dependencies once, serve; close everything on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const path = resolveConfigPath(process.env);
  let config;
  try {
    config = loadConfig({ path, env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`config invalid: ${path}\n${error.format()}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  const role = process.env['BRIDGE_ROLE'] ?? 'all';
  if (role !== 'api' && role !== 'worker' && role !== 'all') {
    console.error(`BRIDGE_ROLE must be api, worker or all, not ${JSON.stringify(role)}`);
    process.exitCode = 1;
    return;
  }
  // Pretty on a terminal, JSON everywhere else (LOG_FORMAT=json forces JSON on a terminal too).
  const pretty = process.stdout.isTTY && process.env['LOG_FORMAT'] !== 'json';
  const logger = createLogger({ level: config.logging.level, pretty }).child({ role });
  const deps = await createDeps(config, logger);
  // A worker serves no HTTP: it does not even load the web framework.
  const app = role === 'worker' ? undefined : await (await import('./app.ts')).buildApp(deps.app);
  if (role !== 'api') {
    await deps.startWorkers();
    logger.info('workers started');
  }
  if (app !== undefined) await app.listen({ host: config.server.host, port: config.server.port });

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app?.close();
    await deps.close();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
