import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import { checkTicket } from '../jobs/check-ticket.ts';
import { reportingCreateFailures } from '../jobs/create-failure.ts';
import { createTicket } from '../jobs/create-ticket.ts';
import type { JobDeps } from '../jobs/job-deps.ts';
import { reconcile } from '../jobs/reconcile.ts';
import { sendCallback } from '../jobs/send-callback.ts';
import { DEFAULT_PAUSE_MS } from '../store/desk-pace.ts';
import { TicketSystemError } from '../desks/ticket-error.ts';
import { retryAfterBackoff } from './backoff.ts';
import { putBack, waitForDesk } from './desk-wait.ts';
import { keepTrying } from './keep-trying.ts';
import { QUEUE_NAMES, type CheckTicketJob, type Queues, type SendCallbackJob } from './queues.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  reconcileIntervalSeconds: number;
  backoffMs: number;
  lockDurationMs: number;
  /** Times a job may be taken over from a dead worker before it is failed (a crash is not the job's fault). */
  maxStalledCount: number;
  concurrency?: number;
}

/**
 * How soon a failed attempt to set (or remove) the reconcile schedule is made again. A Redis that is slow or away while
 * the workers start must not stop them: the workers wait for Redis on their own, and the schedule follows.
 */
const SCHEDULE_RETRY_MS = 5_000;

/** How many more create-ticket jobs than other jobs a worker runs at once (most of them wait on a desk). */
const CREATE_CONCURRENCY_FACTOR = 4;

export interface Workers {
  workers: Worker[];
  /** Stops taking jobs and waits for running ones; `force` abandons them (the stalled-job check recovers them). */
  close(force?: boolean): Promise<void>;
}

/**
 * Turns the desk's classification into BullMQ's: a 429 pauses that desk alone, in every process (the limit is per
 * account, not per job), for its Retry-After, and puts the job back without using an attempt, while jobs for other
 * desks go on; other transient errors back off; permanent ones fail now.
 */
function withErrorPolicy<T, R>(deps: JobDeps, run: (job: Job<T>, token?: string) => Promise<R>): Processor<T, R> {
  return async (job, token) => {
    try {
      return await run(job, token);
    } catch (error) {
      if (error instanceof TicketSystemError) {
        if (error.code === 'ticket_system_rate_limited') {
          const held = await deps.pace.pause(error.system.name, error.retryAfterMs ?? DEFAULT_PAUSE_MS);
          deps.metrics.deskRateLimited.inc({ desk: error.system.name });
          deps.logger.info({ desk: error.system.name, pauseMs: held, jobId: job.id }, 'desk asked to slow down: its calls wait, other desks go on');
          await putBack(job, token, held);
          throw error;
        }
        if (!error.retryable) throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  };
}

export async function startWorkers(deps: JobDeps, queues: Queues, options: WorkerOptions): Promise<Workers> {
  const common = {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 5,
    settings: { backoffStrategy: retryAfterBackoff(options.backoffMs) },
    // The lock is renewed every half of this; a dead worker's job is moved back to waiting by the next stalled check.
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    // BullMQ's default (1) fails a job whose worker dies twice while running it, e.g. through two crashes in a row.
    maxStalledCount: options.maxStalledCount,
  };
  const created: Worker[] = [];
  const ticketWorker = new Worker(
    QUEUE_NAMES.createTicket,
    reportingCreateFailures(
      deps,
      withErrorPolicy(deps, (job, token) => createTicket(deps, job, token)),
    ),
    // Jobs for a paused desk come back and are put back again: more slots keep other desks' jobs flowing meanwhile.
    { ...common, concurrency: (options.concurrency ?? 5) * CREATE_CONCURRENCY_FACTOR },
  );
  const callbackWorker = new Worker(QUEUE_NAMES.sendCallback, withErrorPolicy(deps, (job: Job<SendCallbackJob>) => sendCallback(deps, job)), common);
  const reconcileWorker = new Worker(QUEUE_NAMES.reconcile, () => reconcile(deps), { ...common, concurrency: 1 });
  const checkWorker = new Worker(
    QUEUE_NAMES.checkTicket,
    withErrorPolicy(deps, (job: Job<CheckTicketJob>, token) => checkTicket(deps, job.data, (desk) => waitForDesk(deps.pace, desk, job, token))),
    common,
  );
  created.push(ticketWorker, callbackWorker, reconcileWorker, checkWorker);

  const every = options.reconcileIntervalSeconds * 1000;
  const schedule = keepTrying(
    'reconcile schedule',
    every > 0 ? 'set' : 'removed',
    () => (every > 0 ? queues.reconcile.upsertJobScheduler('reconcile', { every }, { name: 'reconcile', data: {} }) : queues.reconcile.removeJobScheduler('reconcile')),
    deps.logger,
    SCHEDULE_RETRY_MS,
  );
  await schedule.firstTry;
  const observe = (queue: string, job: Job | undefined, result: string) => {
    if (job?.processedOn !== undefined && job.finishedOn !== undefined) {
      deps.metrics.jobDuration.observe({ queue, result }, (job.finishedOn - job.processedOn) / 1000);
    }
  };
  for (const worker of created) {
    worker.on('completed', (job) => observe(worker.name, job, 'completed'));
    worker.on('failed', (job, error) => {
      observe(worker.name, job, 'failed');
      deps.logger.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed');
    });
    worker.on('error', (error) => deps.logger.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  return {
    workers: created,
    async close(force = false) {
      schedule.stop();
      await Promise.all(created.map((worker) => worker.close(force)));
    },
  };
}
