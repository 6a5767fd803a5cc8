import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppDeps } from './app.ts';
import type { BridgeConfig } from './config/schema.ts';
import { C1_WEBHOOK_PATH } from './http/conductorone-webhook.ts';
import { createQueues, type Queues } from './queue/queues.ts';
import { CorrelationStore } from './store/correlation-store.ts';
import { redisKeys } from './store/redis-keys.ts';
import { ReplayStore } from './store/replay-store.ts';
import { createC1TokenVerifier } from './verify/c1-token.ts';
import { createJwksKeyResolver } from './verify/jwks.ts';

export interface Deps {
  config: BridgeConfig;
  logger: Logger;
  /** The producer connection: fails fast while Redis is down, so webhooks answer 503 and C1 retries. */
  redis: Redis;
  queues: Queues;
  correlationStore: CorrelationStore;
  replayStore: ReplayStore;
  app: AppDeps;
  close(): Promise<void>;
}

export interface DepsOverrides {
  fetch?: typeof fetch;
  /** How soon an unknown `kid` may trigger another JWKS fetch (default 30 s). */
  jwksCooldownMs?: number;
  now?: () => Date;
}

export function webhookEndpointUrl(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

/** The composition root: every long-lived object of the process is built here and nowhere else. */
export async function createDeps(config: BridgeConfig, logger: Logger, overrides: DepsOverrides = {}): Promise<Deps> {
  const now = overrides.now ?? (() => new Date());
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 5_000,
  });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  await redis.connect().catch((error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis not reachable at start-up; webhooks answer 503 until it is');
  });

  const keys = redisKeys(config.redis.prefix);
  const queues = createQueues({ connection: redis, prefix: config.redis.prefix, retry: config.jobs });
  const correlationStore = new CorrelationStore(redis, keys);
  const replayStore = new ReplayStore(redis, keys);
  const getKey = createJwksKeyResolver({
    url: config.conductorone.jwksUrl,
    ...(overrides.jwksCooldownMs === undefined ? {} : { cooldownMs: overrides.jwksCooldownMs }),
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
  });
  const verifyC1Token = createC1TokenVerifier({
    tenant: config.conductorone.tenant,
    audience: config.conductorone.audience,
    endpointUrl: webhookEndpointUrl(config.server.publicUrl, C1_WEBHOOK_PATH),
    clockToleranceSeconds: config.conductorone.clockToleranceSeconds,
    getKey,
    now,
  });

  return {
    config,
    logger,
    redis,
    queues,
    correlationStore,
    replayStore,
    app: {
      logger,
      bodyLimitBytes: config.server.bodyLimitBytes,
      c1: {
        verifyC1Token,
        replayStore,
        store: correlationStore,
        queues,
        now,
        tenant: config.conductorone.tenant,
        bodyLimitBytes: config.server.bodyLimitBytes,
      },
    },
    async close() {
      await queues.close();
      redis.disconnect();
    },
  };
}
