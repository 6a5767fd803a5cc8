import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { TicketRequest } from '../domain/provisioning-request.ts';
import { BRIDGE_BACKOFF } from './backoff.ts';

/**
 * Every queue the bridge uses, and the payload of its jobs. Payloads carry ids and data, never credentials: not even
 * the callback URL, whose one home is the correlation record (the queue dashboard shows job data as it is).
 */
export const QUEUE_NAMES = {
  createTicket: 'create-ticket',
  sendCallback: 'send-callback',
  reconcile: 'reconcile',
  checkTicket: 'check-ticket',
} as const;

export interface CreateTicketJob {
  taskId: string;
  stepId: string;
  /** Everything a ticket is made of, less the callback URL: that is a credential, kept in the record alone. */
  request: TicketRequest;
}

/** The outcome is in the correlation record; the job names the step, so duplicates collapse onto one job id. */
export interface SendCallbackJob {
  taskId: string;
  stepId: string;
}

export type ReconcileJob = Record<string, never>;

/** A service-desk event about the step's ticket: read the ticket from the desk and decide from what it says. */
export interface CheckTicketJob {
  taskId: string;
  stepId: string;
}

export interface JobPayloads {
  [QUEUE_NAMES.createTicket]: CreateTicketJob;
  [QUEUE_NAMES.sendCallback]: SendCallbackJob;
  [QUEUE_NAMES.reconcile]: ReconcileJob;
  [QUEUE_NAMES.checkTicket]: CheckTicketJob;
}

export type QueueName = keyof JobPayloads;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/**
 * The job id of work about one provisioning step: the same step always maps to the same id, so BullMQ itself refuses
 * a second job for it. Parts are URI-encoded because BullMQ ids may not contain ':'.
 */
export function stepJobId(taskId: string, stepId: string): string {
  return `${encodeURIComponent(taskId)}|${encodeURIComponent(stepId)}`;
}

export function defaultJobOptions(retry: RetryPolicy): DefaultJobOptions {
  return {
    attempts: retry.attempts,
    // Computed by the workers' retryAfterBackoff: exponential and jittered, unless the peer said Retry-After.
    backoff: { type: BRIDGE_BACKOFF, delay: retry.backoffMs },
    // Completed jobs go after a week; failed ones stay until an operator replays or removes them.
    removeOnComplete: { age: 7 * 24 * 60 * 60 },
    removeOnFail: false,
  };
}

export interface Queues {
  createTicket: Queue<CreateTicketJob, unknown, 'create-ticket'>;
  sendCallback: Queue<SendCallbackJob, unknown, 'send-callback'>;
  reconcile: Queue<ReconcileJob, unknown, 'reconcile'>;
  checkTicket: Queue<CheckTicketJob, unknown, 'check-ticket'>;
  /** The four above, for what is done to every queue alike (listen, count, show, close). */
  all: readonly Queue[];
  close(): Promise<void>;
}

export function createQueues(options: { connection: ConnectionOptions; prefix: string; retry: RetryPolicy }): Queues {
  const common = { connection: options.connection, prefix: options.prefix, defaultJobOptions: defaultJobOptions(options.retry) };
  const createTicket = new Queue<CreateTicketJob, unknown, 'create-ticket'>(QUEUE_NAMES.createTicket, common);
  const sendCallback = new Queue<SendCallbackJob, unknown, 'send-callback'>(QUEUE_NAMES.sendCallback, common);
  const reconcile = new Queue<ReconcileJob, unknown, 'reconcile'>(QUEUE_NAMES.reconcile, {
    ...common,
    // A reconciliation run that fails is simply the next run's work.
    defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  });
  const checkTicket = new Queue<CheckTicketJob, unknown, 'check-ticket'>(QUEUE_NAMES.checkTicket, {
    ...common,
    // A check is one read of the desk; once done it leaves nothing worth keeping, and its id is free for the next event.
    defaultJobOptions: { ...common.defaultJobOptions, removeOnComplete: true },
  });
  const all: readonly Queue[] = [createTicket, sendCallback, reconcile, checkTicket];
  return {
    createTicket,
    sendCallback,
    reconcile,
    checkTicket,
    all,
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}
