import { connectRedis, type RedisClient } from './store/redis-connection.ts';
import type { Logger } from 'pino';
import type { AppDeps } from './app.ts';
import { routeDesk, type BridgeConfig } from './config/schema.ts';
import { C1_WEBHOOK_PATH } from './http/conductorone-webhook.ts';
import type { JobDeps } from './jobs/job-deps.ts';
import { createQueues, type Queues } from './queue/queues.ts';
import { startWorkers, type Workers } from './queue/workers.ts';
import { instrumentTickets } from './metrics/instrument-tickets.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { settlesWithin } from './shutdown-bound.ts';
import type { DeskModule } from './desks/desk-module.ts';
import { namedDesk } from './desks/named-desk.ts';
import { deskModule } from './desks/registry.ts';
import type { TicketSystem } from './desks/ticket-system.ts';
import { CorrelationStore } from './store/correlation-store.ts';
import { createDeskPace } from './store/desk-pace.ts';
import { createRunLock } from './store/run-lock.ts';
import { redisKeys } from './store/redis-keys.ts';
import { createReplicaWait } from './store/replica-wait.ts';
import { createC1TokenVerifier } from './verify/c1-token.ts';
import { createC1ApiClient } from './c1/api-client.ts';
import { createJwksKeyResolver } from './verify/jwks.ts';
import type { SandboxPeers } from './sandbox/sandbox-peers.ts';

export interface Deps {
  config: BridgeConfig;
  logger: Logger;
  /** The producer connection: fails fast while Redis is down, so webhooks answer 503 and C1 retries. */
  redis: RedisClient;
  queues: Queues;
  correlationStore: CorrelationStore;
  app: AppDeps;
  metrics: Metrics;
  jobs: JobDeps;
  /** By desk name. */
  ticketSystems: Readonly<Record<string, TicketSystem>>;
  /** Starts the job workers in this process (role `worker` or `all`). */
  startWorkers(): Promise<Workers>;
  close(): Promise<void>;
}

export interface DepsOverrides {
  fetch?: typeof fetch;
  /** How soon an unknown `kid` may trigger another JWKS fetch (default 30 s). */
  jwksCooldownMs?: number;
  now?: () => Date;
  /** How long close() lets running jobs finish (default 10 s). */
  shutdownTimeoutMs?: number;
  /** What to do when Jira's answers do not match jira.js's schemas (default: log a warning). */
  jiraSchemaMismatch?: 'throw' | 'warn';
  /** How long a command on the producer connection may wait for Redis (default 5 s). */
  commandTimeoutMs?: number;
  /** How long a callback to C1 may take before the attempt is abandoned, its result unknown (default 30 s). */
  callbackTimeoutMs?: number;
  /** Sandbox mode: the in-process peers the sandbox page drives; /readyz then answers 503 `sandbox`. */
  sandbox?: SandboxPeers;
}

/** A reconciliation run's lock outlives a dead holder by at most this long. */
const RECONCILE_LOCK_TTL_MS = 60_000;

export function webhookEndpointUrl(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

/** Where a desk's events arrive: /webhooks/<desk name> (the kinds' own sections keep /webhooks/jira and /webhooks/servicenow). */
export function deskWebhookPath(desk: string): string {
  return `/webhooks/${encodeURIComponent(desk)}`;
}

/** One adapter per configured desk, named as the desk, timed and counted. */
function createDesks(config: BridgeConfig, logger: Logger, metrics: Metrics, overrides: DepsOverrides): Record<string, TicketSystem> {
  const systems: Record<string, TicketSystem> = {};
  const routes = [...config.routes, ...(config.defaultRoute === undefined ? [] : [{ ...config.defaultRoute, name: 'defaultRoute' }])];
  for (const instance of config.deskInstances) {
    const desk = { name: instance.name, kind: instance.kind };
    const module = deskModule(instance.kind) as DeskModule;
    const adapter = module.createTickets({
      desk,
      config: instance.config,
      // A route's target of this desk's kind, by route name: what the route overrides for its own tickets.
      routeTarget: (name) => {
        const route = routes.find((candidate) => candidate.name === name && routeDesk(candidate) === instance.name) as Readonly<Record<string, unknown>> | undefined;
        return route?.[instance.kind];
      },
      timeZone: config.templates.timeZone,
      logger: logger.child({ system: instance.name }),
      ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
      strictSchemas: overrides.jiraSchemaMismatch === 'throw',
    });
    systems[instance.name] = instrumentTickets(namedDesk(desk, adapter), metrics);
  }
  return systems;
}

/** The composition root: every long-lived object of the process is built here and nowhere else. */
export async function createDeps(config: BridgeConfig, logger: Logger, overrides: DepsOverrides = {}): Promise<Deps> {
  const now = overrides.now ?? (() => new Date());
  const redis = connectRedis(config.redis, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: overrides.commandTimeoutMs ?? 5_000,
    // Concurrent webhooks' commands share one write to Redis instead of one each (the producer only; workers block).
    enableAutoPipelining: true,
  });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  await redis.connect().catch((error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis not reachable at start-up; webhooks answer 503 until it is');
  });

  const keys = redisKeys(config.redis.prefix);
  const queues = createQueues({ connection: redis, prefix: config.redis.prefix, retry: config.jobs });
  // BullMQ reports connection trouble as an 'error' event; one nobody listens to would end the process.
  for (const queue of queues.all) {
    queue.on('error', (error: Error) => logger.warn({ queue: queue.name, err: error.message }, 'queue error'));
  }
  const correlationStore = new CorrelationStore(redis, keys, { retentionDays: config.records.retentionDays });
  const replicated = createReplicaWait(redis, {
    replicas: config.redis.waitForReplicas,
    timeoutMs: config.redis.waitForReplicasTimeoutMs,
    slotKey: `${config.redis.prefix}:replicas`,
  });
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

  const metrics = createMetrics();
  const ticketSystems = createDesks(config, logger, metrics, overrides);
  const jobs: JobDeps = {
    config,
    store: correlationStore,
    queues,
    ticketSystems,
    pace: createDeskPace(redis, keys.pace),
    reconcileLock: createRunLock(redis, keys.reconcileLock(), RECONCILE_LOCK_TTL_MS),
    logger,
    metrics,
    now,
    fetch: overrides.fetch ?? fetch,
    callbackTimeoutMs: overrides.callbackTimeoutMs ?? 30_000,
    ...(config.conductorone.api === undefined
      ? {}
      : {
          c1Api: createC1ApiClient({
            tenant: config.conductorone.tenant,
            clientId: config.conductorone.api.clientId,
            clientSecret: config.conductorone.api.clientSecret,
            ...(config.conductorone.api.baseUrl === undefined ? {} : { baseUrl: config.conductorone.api.baseUrl }),
            ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
          }),
        }),
  };
  let workers: Workers | undefined;
  let workerRedis: RedisClient | undefined;

  return {
    config,
    logger,
    redis,
    queues,
    correlationStore,
    jobs,
    metrics,
    ticketSystems,
    async startWorkers() {
      // The Jira client library loads on first use (the API never needs it); a worker loads it before taking jobs,
      // so the first job after a start or a crash does not wait for it.
      for (const kind of new Set(config.deskInstances.map((desk) => desk.kind))) await (deskModule(kind) as DeskModule).prepare?.();
      // Workers block on Redis: their connection retries forever instead of failing fast like the producer's.
      workerRedis = connectRedis(config.redis, { maxRetriesPerRequest: null });
      workerRedis.on('error', (error: Error) => logger.warn({ err: error.message }, 'worker redis connection error'));
      workers = await startWorkers(jobs, queues, {
        connection: workerRedis,
        prefix: config.redis.prefix,
        reconcileIntervalSeconds: config.reconcile.intervalSeconds,
        backoffMs: config.jobs.backoffMs,
        lockDurationMs: config.jobs.lockDurationMs,
        // A worker killed mid-job is no fault of the job: it may be taken over as often as it may be retried.
        maxStalledCount: config.jobs.attempts,
      });
      return workers;
    },
    app: {
      logger,
      health: { redis, queues, metrics, memoryWarningPercent: config.redis.memoryWarningPercent, ...(overrides.sandbox === undefined ? {} : { sandbox: true }) },
      ...(overrides.sandbox === undefined ? {} : { sandbox: { peers: overrides.sandbox, store: correlationStore, publicUrl: config.server.publicUrl } }),
      ...(config.admin.username === undefined || config.admin.password === undefined
        ? {}
        : { admin: { username: config.admin.username, password: config.admin.password, queues, store: correlationStore, desks: config.deskInstances.map((desk) => desk.name), preview: config } }),
      bodyLimitBytes: config.server.bodyLimitBytes,
      c1: {
        verifyC1Token,
        store: correlationStore,
        queues,
        now,
        ...(replicated === undefined ? {} : { replicated }),
        tenant: config.conductorone.tenant,
        bodyLimitBytes: config.server.bodyLimitBytes,
        routing: config,
      },
      desks: config.deskInstances.map((desk) => ({
        module: deskModule(desk.kind) as DeskModule,
        config: desk.config,
        deps: {
          desk: { name: desk.name, kind: desk.kind },
          path: deskWebhookPath(desk.name),
          secrets: (deskModule(desk.kind) as DeskModule).webhookSecrets(desk.config),
          store: correlationStore,
          queues,
          bodyLimitBytes: config.server.bodyLimitBytes,
        },
      })),
    },
    async close() {
      // Running jobs get `shutdownTimeoutMs` to finish; a job cut off later is recovered by BullMQ's stalled-job check.
      const bound = overrides.shutdownTimeoutMs ?? 10_000;
      if (workers !== undefined && !(await settlesWithin(bound, workers.close()))) {
        logger.warn({ boundMs: bound }, 'workers did not stop in time; closing anyway');
        await settlesWithin(1_000, workers.close(true));
      }
      await settlesWithin(bound, queues.close());
      workerRedis?.disconnect();
      redis.disconnect();
    },
  };
}
