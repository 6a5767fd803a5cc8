import { createHash } from 'node:crypto';
import { QUEUE_NAMES, stepJobId, type Queues } from '../queue/queues.ts';
import { ticketOf, type CorrelationStore } from '../store/correlation-store.ts';

export interface TicketEventDeps {
  store: CorrelationStore;
  queues: Pick<Queues, 'checkTicket'>;
}

export type EventAnswer =
  | { status: 'accepted' }
  | { status: 'already_reported'; outcome: 'complete' | 'errored' }
  | { status: 'ignored'; reason: string };

/**
 * What a verified service-desk event about one of our tickets leads to: a `check-ticket` job that reads the ticket
 * from the desk (the event is a hint, the desk is the truth), unless the step's outcome is already fixed. The job id
 * is the step plus a digest of the event, so a redelivered event collapses onto one check while a newer event about
 * the same ticket is never swallowed by an older check that may already have read the desk.
 */
export async function acceptTicketEvent(deps: TicketEventDeps, step: { taskId: string; stepId: string }, rawBody: Buffer): Promise<EventAnswer> {
  const record = await deps.store.get(step.taskId, step.stepId);
  if (record === undefined || ticketOf(record) === undefined) return { status: 'ignored', reason: 'no ticket on record' };
  const outcome = record.fields['outcome'];
  if (outcome === 'complete' || outcome === 'errored') return { status: 'already_reported', outcome };
  const digest = createHash('sha256').update(rawBody).digest('base64url');
  await deps.queues.checkTicket.add(QUEUE_NAMES.checkTicket, { taskId: step.taskId, stepId: step.stepId }, { jobId: `${stepJobId(step.taskId, step.stepId)}|${digest}` });
  return { status: 'accepted' };
}
