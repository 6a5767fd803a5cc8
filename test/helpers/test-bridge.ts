import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../../src/app.ts';
import { configSchema, type BridgeConfig } from '../../src/config/schema.ts';
import { createDeps, type Deps, type DepsOverrides } from '../../src/deps.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { FakeConductorOne, SignOptions } from '../../src/sandbox/conductorone.ts';
import { captureLogs, type LogCapture } from './log-capture.ts';
import { deleteUnder, keysUnder, REDIS_URL, uniquePrefix } from './redis.ts';

export const PUBLIC_URL = 'https://bridge.acme.example';
export const AUDIENCE = 'bridge.acme.example';
export const C1_ENDPOINT = `${PUBLIC_URL}/webhooks/conductorone`;

export interface TestBridge {
  app: FastifyInstance;
  deps: Deps;
  config: BridgeConfig;
  logs: LogCapture;
  prefix: string;
  /** A separate connection for the test's own look-ups. */
  redis: Redis;
  /** Signs `body` as the fake tenant would and posts it to the C1 endpoint. */
  deliver(body: Buffer | string | object, options?: DeliverOptions): Promise<LightMyRequestResponse>;
  post(body: Buffer | string, headers: Record<string, string>): Promise<LightMyRequestResponse>;
  jobCount(): Promise<number>;
  /** Keys the bridge wrote under its prefix, less BullMQ's queue metadata (written when a queue is opened). */
  redisKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export interface DeliverOptions extends SignOptions {
  token?: string;
  contentType?: string;
}

export interface TestBridgeOptions {
  c1: FakeConductorOne;
  redisUrl?: string;
  /** Merged over the base config before it is parsed. */
  config?: Record<string, unknown>;
  overrides?: DepsOverrides;
}

export function toBytes(body: Buffer | string | object): Buffer {
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startTestBridge(options: TestBridgeOptions): Promise<TestBridge> {
  const prefix = uniquePrefix('c1');
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const config = configSchema.parse({
    server: { publicUrl: PUBLIC_URL, bodyLimitBytes: 64 * 1024 },
    redis: { url: redisUrl, prefix },
    conductorone: { tenant: options.c1.tenant, jwksUrl: options.c1.jwksUrl },
    ...options.config,
  });
  const logs = captureLogs();
  const logger = createLogger({ level: 'debug', destination: logs.destination });
  const deps = await createDeps(config, logger, options.overrides);
  const app = await buildApp(deps.app);
  const redis = new Redis(REDIS_URL);

  const post = (body: Buffer | string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/webhooks/conductorone', payload: body, headers });

  return {
    app,
    deps,
    config,
    logs,
    prefix,
    redis,
    post,
    async deliver(body, deliverOptions = {}) {
      const bytes = toBytes(body);
      const token = deliverOptions.token ?? (await options.c1.sign(bytes, AUDIENCE, C1_ENDPOINT, deliverOptions));
      return post(bytes, { authorization: `Bearer ${token}`, 'content-type': deliverOptions.contentType ?? 'application/json' });
    },
    async jobCount() {
      const counts = await deps.queues.createTicket.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    redisKeys: async () => (await keysUnder(redis, prefix)).filter((key) => !key.endsWith(':meta')),
    async close() {
      await app.close();
      await deps.close();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    },
  };
}
