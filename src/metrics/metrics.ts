import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the bridge exports, on its own registry (no global state: tests build as many as they like). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'c1tb_' });
  return {
    registry,
    webhooks: new Counter({
      name: 'c1tb_webhooks_received_total',
      help: 'Webhook requests by endpoint and HTTP status of the answer.',
      labelNames: ['endpoint', 'status'] as const,
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'c1tb_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'c1tb_job_duration_seconds',
      help: 'Time a worker spent on a job attempt, by queue and result.',
      labelNames: ['queue', 'result'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    ticketCalls: new Histogram({
      name: 'c1tb_ticket_system_call_duration_seconds',
      help: 'Latency of calls to Jira and ServiceNow, by system, operation and outcome (ok or the error class).',
      labelNames: ['system', 'operation', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    ticketErrors: new Counter({
      name: 'c1tb_ticket_system_errors_total',
      help: 'Failed calls to Jira and ServiceNow by system, operation and HTTP status ("none" without an answer).',
      labelNames: ['system', 'operation', 'status'] as const,
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'c1tb_callbacks_total',
      help: 'Callbacks to ConductorOne by result: delivered, landed_earlier (a 400 after an attempt with no answer), retry, failed, refused (foreign origin).',
      labelNames: ['result', 'outcome'] as const,
      registers: [registry],
    }),
    routeConditionErrors: new Counter({
      name: 'c1tb_route_condition_errors_total',
      help: "Tasks on which a route's `when:` could not be evaluated (the route was skipped), by route.",
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    redisMemory: new Gauge({
      name: 'c1tb_redis_memory_bytes',
      help: 'Redis memory read from INFO memory at scrape time: used, and max (maxmemory, when set).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    createFailures: new Counter({
      name: 'c1tb_ticket_create_failures_total',
      help: 'Tickets that could not be created for good, by what followed: reported (errored to C1) or held (jobs.onCreateFailure: hold).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    deskRateLimited: new Counter({
      name: 'c1tb_desk_rate_limited_total',
      help: 'Answers 429 from a desk, by desk name; each pauses calls to that desk alone for its Retry-After.',
      labelNames: ['desk'] as const,
      registers: [registry],
    }),
    reconcileRuns: new Counter({
      name: 'c1tb_reconcile_runs_total',
      help: 'Reconciliation runs by outcome: ok, with_errors (some tickets could not be read), failed, skipped (another run held the lock).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'c1tb_reconcile_run_duration_seconds',
      help: 'How long a reconciliation run took, by outcome.',
      labelNames: ['result'] as const,
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    reconcileTickets: new Gauge({
      name: 'c1tb_reconcile_run_tickets',
      help: 'Open tickets the last reconciliation run read, by desk.',
      labelNames: ['desk'] as const,
      registers: [registry],
    }),
    reconcileExpired: new Counter({
      name: 'c1tb_reconcile_expired_total',
      help: 'Open-set members dropped by reconciliation because their record had expired (records.retentionDays).',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
