import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig, resolveConfigPath } from './config/load.ts';
import type { BridgeConfig } from './config/schema.ts';
import { createDeps } from './deps.ts';
import { createLogger } from './log/logger.ts';
import { networkSettings } from './net/proxy-env.ts';
import type { SandboxPeers } from './sandbox/sandbox-peers.ts';
import { sandboxReason } from './sandbox/sandbox-mode.ts';
import { deleteUnder } from './store/keys-under.ts';

interface Setup {
  config: BridgeConfig;
  sandbox?: SandboxPeers;
}

/** The config file, or (with none, off production, or with BRIDGE_SANDBOX=1) a sandbox's; undefined after an error. */
async function setUp(): Promise<Setup | undefined> {
  const path = resolveConfigPath(process.env);
  if (sandboxReason(process.env, existsSync(path)) !== undefined) {
    const port = Number(process.env['BRIDGE_SANDBOX_PORT'] ?? '8080');
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`BRIDGE_SANDBOX_PORT must be a port number (0-65535), not ${JSON.stringify(process.env['BRIDGE_SANDBOX_PORT'])}`);
      return undefined;
    }
    const { sandboxConfig, startSandboxPeers } = await import('./sandbox/sandbox-peers.ts');
    const sandbox = await startSandboxPeers();
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    return { sandbox, config: sandboxConfig(sandbox, { port, redisUrl, prefix: `c1tb-sandbox-${randomBytes(4).toString('hex')}` }) };
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
  const network = networkSettings(process.env, process.execArgv);
  if ((network.httpsProxy ?? network.httpProxy) !== undefined && !network.proxySupport) {
    logger.warn(network, 'a proxy is set but Node was started without --use-env-proxy (or NODE_USE_ENV_PROXY=1): outbound calls go direct');
  } else if ((network.httpsProxy ?? network.httpProxy ?? network.extraCaCerts) !== undefined) {
    logger.info(network, 'outbound network settings');
  }
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
    const port = (app.server.address() as { port: number }).port;
    logger.warn(
      { url: `http://127.0.0.1:${port.toString()}/`, prefix: config.redis.prefix },
      `SANDBOX MODE, NOT PRODUCTION: ConductorOne, Jira and ServiceNow are in-process stand-ins on 127.0.0.1; open http://127.0.0.1:${port.toString()}/`,
    );
  }

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app?.close();
    await adminApp?.close();
    await deps.close();
    if (sandbox !== undefined) {
      // A sandbox's records and queues were for this run only.
      const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await deleteUnder(redis, config.redis.prefix).catch(() => undefined);
      redis.disconnect();
      await sandbox.close();
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
