import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BridgeConfig } from '../config/schema.ts';
import { deleteUnder } from '../store/keys-under.ts';
import { SANDBOX_FLAVOURS, sandboxConfig, startSandboxPeers, type SandboxFlavour, type SandboxPeers } from './sandbox-peers.ts';

export type Env = Record<string, string | undefined>;

/**
 * Starts the sandbox's peers and makes the config that points the bridge at them, or says why it cannot (a bad
 * `BRIDGE_SANDBOX_PORT` or `BRIDGE_SANDBOX_FLAVOUR`). Port: `BRIDGE_SANDBOX_PORT`, default 8080; which Jira:
 * `BRIDGE_SANDBOX_FLAVOUR`, default `cloud`; Redis: `REDIS_URL`, default the local one.
 */
export async function prepareSandbox(env: Env): Promise<{ config: BridgeConfig; sandbox: SandboxPeers } | { problem: string }> {
  const port = Number(env['BRIDGE_SANDBOX_PORT'] ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { problem: `BRIDGE_SANDBOX_PORT must be a port number (0-65535), not ${JSON.stringify(env['BRIDGE_SANDBOX_PORT'])}` };
  }
  const flavour = env['BRIDGE_SANDBOX_FLAVOUR'] ?? 'cloud';
  if (!(SANDBOX_FLAVOURS as readonly string[]).includes(flavour)) {
    return { problem: `BRIDGE_SANDBOX_FLAVOUR must be one of ${SANDBOX_FLAVOURS.join(', ')}, not ${JSON.stringify(flavour)}` };
  }
  // The sandbox's peers are all on loopback: a proxy set for the machine must not get their calls. Node's proxy
  // support reads NO_PROXY when the first call is made, which is later than this.
  env['NO_PROXY'] = ['127.0.0.1', 'localhost', env['NO_PROXY'] ?? env['no_proxy']].filter((v) => v !== undefined && v !== '').join(',');
  const sandbox = await startSandboxPeers(flavour as SandboxFlavour);
  const redisUrl = env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  return { sandbox, config: sandboxConfig(sandbox, { port, redisUrl, prefix: `c1tb-sandbox-${randomBytes(4).toString('hex')}` }) };
}

/** After the bridge closed: the sandbox's records and queues were for this run only, and its peers stop. */
export async function stopSandbox(sandbox: SandboxPeers, config: BridgeConfig): Promise<void> {
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await deleteUnder(redis, config.redis.prefix).catch(() => undefined);
  redis.disconnect();
  await sandbox.close();
}

/** The one line that tells where the page is and that this is not production. */
export function sandboxBanner(port: number, prefix: string): { fields: Record<string, string>; message: string } {
  const url = `http://127.0.0.1:${port.toString()}/`;
  return { fields: { url, prefix }, message: `SANDBOX MODE, NOT PRODUCTION: ConductorOne, Jira and ServiceNow are in-process stand-ins on 127.0.0.1; open ${url}` };
}
