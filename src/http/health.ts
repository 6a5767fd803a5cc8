import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics/metrics.ts';
import type { Queues } from '../queue/queues.ts';
import { memoryCheck, parseRedisMemory } from '../store/redis-memory.ts';

export interface HealthDeps {
  redis: Pick<Redis, 'ping' | 'info'>;
  queues: Queues;
  metrics: Metrics;
  /** `redis.memoryWarningPercent`: readiness warns once this share of maxmemory is in use. */
  memoryWarningPercent: number;
  /** Sandbox mode: /readyz always answers 503 `sandbox`, so no load balancer ever sends it traffic. */
  sandbox?: boolean;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms.toString()} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/**
 * Liveness, readiness (Redis answers and some worker listens on the queues), and Prometheus metrics. With
 * `operations: false` only liveness is served (the public listener when `server.adminPort` takes the rest).
 */
export function healthRoutes(deps: HealthDeps, serve: { operations: boolean } = { operations: true }) {
  const readMemory = async () => {
    const memory = parseRedisMemory(await within(1000, deps.redis.info('memory')));
    deps.metrics.redisMemory.set({ kind: 'used' }, memory.used);
    if (memory.max !== undefined) deps.metrics.redisMemory.set({ kind: 'max' }, memory.max);
    return memory;
  };
  // Probes come every few seconds: their request lines would drown the log, so only their warnings are kept.
  const quiet = { logLevel: 'warn' } as const;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/healthz', quiet, async () => ({ status: 'ok' }));
    if (!serve.operations) return;

    app.get('/readyz', quiet, async (request, reply) => {
      if (deps.sandbox === true) return reply.code(503).send({ status: 'sandbox', message: 'sandbox mode: not for production traffic' });
      const checks: Record<string, string> = {};
      try {
        await within(1000, deps.redis.ping());
        checks['redis'] = 'ok';
        const memory = memoryCheck(await readMemory(), deps.memoryWarningPercent);
        checks['memory'] = memory.text;
        if (memory.warning) request.log.warn({ memory: memory.text }, 'Redis is close to maxmemory');
        // Workers of any process count: BullMQ names their connections, so Redis knows who listens.
        const workers = await within(1000, deps.queues.createTicket.getWorkersCount());
        checks['workers'] = workers > 0 ? `${workers.toString()} running` : 'none running';
      } catch (error) {
        checks['redis'] ??= `unreachable: ${error instanceof Error ? error.message : String(error)}`;
        checks['workers'] ??= 'unknown';
      }
      const ready = checks['redis'] === 'ok' && checks['workers'] !== undefined && checks['workers'].endsWith('running') && !checks['workers'].startsWith('none');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    });

    app.get('/metrics', quiet, async (_request, reply) => {
      await readMemory().catch(() => undefined);
      await Promise.all(
        deps.queues.all.map(async (queue) => {
          const counts = await within(1000, queue.getJobCounts(...QUEUE_STATES)).catch(() => undefined);
          if (counts === undefined) return;
          for (const state of QUEUE_STATES) deps.metrics.queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });
  };
}
