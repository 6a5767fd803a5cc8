import { buildApp } from './app.ts';
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

  const logger = createLogger({ level: config.logging.level });
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps.app);
  await app.listen({ host: config.server.host, port: config.server.port });

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await deps.close();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
