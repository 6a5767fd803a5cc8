import { outcomeComment } from '../domain/outcome-comment.ts';
import { ticketOf } from '../store/correlation-store.ts';
import type { TicketStatus } from '../tickets/ticket-system.ts';
import { reportOutcome, type ReportDeps } from './report-outcome.ts';

export type EventAnswer =
  | { status: 'accepted' | 'already_reported'; outcome: 'complete' | 'errored' }
  | { status: 'ignored'; reason: string };

/**
 * What a verified service-desk event about one of our tickets leads to: nothing until the ticket is final, then the
 * outcome is fixed (first decision wins) and the callback queued.
 */
export async function reportTicketEvent(deps: ReportDeps, step: { taskId: string; stepId: string }, status: TicketStatus): Promise<EventAnswer> {
  if (!status.final || status.outcome === undefined) return { status: 'ignored', reason: `status ${status.status} is not final` };
  const record = await deps.store.get(step.taskId, step.stepId);
  const ticket = record === undefined ? undefined : ticketOf(record);
  if (ticket === undefined) return { status: 'ignored', reason: 'no ticket on record' };
  const decided = await reportOutcome(deps, step, status.outcome, outcomeComment(ticket, status, status.outcome));
  return { status: decided ? 'accepted' : 'already_reported', outcome: status.outcome };
}
