import type { Job } from 'bullmq';
import { QUEUE_NAMES } from '../queue/queues.ts';
import type { CorrelationStore } from '../store/correlation-store.ts';

/** Whether replaying a failed job can do any good, and if not, why: what `replay-failed` prints for it. */
export type ReplayVerdict = { replay: true; reopenCallback: boolean } | { replay: false; why: string };

const REPLAY: ReplayVerdict = { replay: true, reopenCallback: false };

/**
 * A failed callback is resent only when it failed for a transient cause (no answer or 5xx after every attempt); one
 * that C1 or the bridge refused for good (a 4xx answer, a foreign origin) would be refused again. A failed create is
 * replayed while its step still waits for a ticket. Reconcile runs are always replayed.
 */
export async function replayVerdict(store: CorrelationStore, queueName: string, job: Job): Promise<ReplayVerdict> {
  if (queueName === QUEUE_NAMES.reconcile) return REPLAY;
  const { taskId, stepId } = job.data as { taskId?: string; stepId?: string };
  const record = taskId === undefined || stepId === undefined ? undefined : await store.get(taskId, stepId);
  if (queueName === QUEUE_NAMES.createTicket) {
    if (record === undefined || record.state === 'received') return REPLAY;
    return { replay: false, why: `the step is already ${record.state}${record.fields['ticketKey'] === undefined ? '' : ` (ticket ${record.fields['ticketKey']})`}` };
  }
  if (record === undefined) return { replay: false, why: 'no record of the step is left (records are kept 45 days)' };
  const result = record.fields['callbackResult'] ?? '';
  switch (record.state) {
    case 'outcome_decided':
      return REPLAY;
    case 'reported':
      return { replay: false, why: `already reported: ${result}` };
    case 'callback_failed':
      return record.fields['callbackRetryable'] === '1' ? { replay: true, reopenCallback: true } : { replay: false, why: `refused for good, sending it again cannot help: ${result}` };
    default:
      return { replay: false, why: `no outcome is decided yet (state ${record.state})` };
  }
}
