import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { ProvisioningRequest } from '../domain/provisioning-request.ts';

/** Every queue the bridge uses, and the payload of its jobs. Payloads carry ids and data, never credentials. */
export const QUEUE_NAMES = {
  createTicket: 'create-ticket',
} as const;

export interface CreateTicketJob {
  taskId: string;
  stepId: string;
  request: ProvisioningRequest;
}

export interface JobPayloads {
  [QUEUE_NAMES.createTicket]: CreateTicketJob;
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
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    // Completed jobs go after a week; failed ones stay until an operator replays or removes them.
    removeOnComplete: { age: 7 * 24 * 60 * 60 },
    removeOnFail: false,
  };
}

export interface Queues {
  createTicket: Queue<CreateTicketJob, unknown, 'create-ticket'>;
  close(): Promise<void>;
}

export function createQueues(options: { connection: ConnectionOptions; prefix: string; retry: RetryPolicy }): Queues {
  const common = { connection: options.connection, prefix: options.prefix, defaultJobOptions: defaultJobOptions(options.retry) };
  const createTicket = new Queue<CreateTicketJob, unknown, 'create-ticket'>(QUEUE_NAMES.createTicket, common);
  return {
    createTicket,
    async close() {
      await createTicket.close();
    },
  };
}
