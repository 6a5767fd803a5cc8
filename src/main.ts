import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, resolveConfigPath } from './config/load.ts';
import type { BridgeConfig } from './config/schema.ts';
import { createDeps } from './deps.ts';
import { createLogger } from './log/logger.ts';
import { logNetworkSettings, networkSettings } from './net/proxy-env.ts';
import type { SandboxPeers } from './sandbox/sandbox-peers.ts';
import { sandboxReason } from './sandbox/sandbox-mode.ts';

interface Setup {
  config: BridgeConfig;
  sandbox?: SandboxPeers;
}

/** The config file, or (with none, off production, or with BRIDGE_SANDBOX=1) a sandbox's; undefined after an error. */
async function setUp(): Promise<Setup | undefined> {
  const path = resolveConfigPath(process.env);
  if (sandboxReason(process.env, existsSync(path)) !== undefined) {
    const prepared = await (await import('./sandbox/start-sandbox.ts')).prepareSandbox(process.env);
    if ('problem' in prepared) {
      console.error(prepared.problem);
      return undefined;
    }
    return prepared;
  }
  try {
    return { config: loadConfig({ path, env: process.env }) };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`config invalid: ${path}\n${error.format()}`);
      return undefined;
    }
    throw error;
  }
}

/** Entry point: read the config, build the dependencies once, serve; close everything on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const setup = await setUp();
  if (setup === undefined) {
    process.exitCode = 1;
    return;
  }
  const { config, sandbox } = setup;

  // The sandbox's peers live in this process: it runs every role.
  const role = sandbox === undefined ? (process.env['BRIDGE_ROLE'] ?? 'all') : 'all';
  if (role !== 'api' && role !== 'worker' && role !== 'all') {
    console.error(`BRIDGE_ROLE must be api, worker or all, not ${JSON.stringify(role)}`);
    process.exitCode = 1;
    return;
  }
  // Pretty on a terminal, JSON everywhere else (LOG_FORMAT=json forces JSON on a terminal too).
  const pretty = process.stdout.isTTY && process.env['LOG_FORMAT'] !== 'json';
  const logger = createLogger({ level: config.logging.level, pretty }).child({ role });
  logNetworkSettings(logger, networkSettings(process.env, process.execArgv));
  const deps = await createDeps(config, logger, sandbox === undefined ? {} : { sandbox });
  // A worker serves no HTTP: it does not even load the web framework.
  const adminPort = config.server.adminPort;
  const { buildApp } = role === 'worker' ? { buildApp: undefined } : await import('./app.ts');
  const app = await buildApp?.(deps.app, adminPort === undefined ? 'all' : 'public');
  // With server.adminPort, /admin, /metrics and /readyz answer only there: the public ingress needs only /webhooks/*.
  const adminApp = adminPort === undefined ? undefined : await buildApp?.(deps.app, 'private');
  if (role !== 'api') {
    await deps.startWorkers();
    logger.info('workers started');
  }
  if (app !== undefined) await app.listen({ host: config.server.host, port: config.server.port });
  if (adminApp !== undefined && adminPort !== undefined) {
    await adminApp.listen({ host: config.server.host, port: adminPort });
    const { port } = adminApp.server.address() as { port: number };
    logger.info({ adminPort: port }, `admin listener on port ${port.toString()}: /admin, /metrics, /readyz`);
  }
  if (sandbox !== undefined && app !== undefined) {
    const { sandboxBanner } = await import('./sandbox/start-sandbox.ts');
    const banner = sandboxBanner((app.server.address() as { port: number }).port, config.redis.prefix);
    logger.warn(banner.fields, banner.message);
  }

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app?.close();
    await adminApp?.close();
    await deps.close();
    if (sandbox !== undefined) await (await import('./sandbox/start-sandbox.ts')).stopSandbox(sandbox, config);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
