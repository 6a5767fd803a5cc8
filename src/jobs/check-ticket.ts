import { outcomeComment } from '../domain/outcome-comment.ts';
import { reportOutcome } from '../ingest/report-outcome.ts';
import { ticketOf } from '../store/correlation-store.ts';
import type { TicketRef, TicketStatus } from '../domain/ticket.ts';
import type { JobDeps } from './job-deps.ts';
import { checkApproval, type ApprovalCheck } from './check-approval.ts';

export type TicketCheck =
  | { result: 'no_ticket' | 'already_decided' }
  | { result: 'open'; ticket: TicketRef; status: TicketStatus }
  | { result: 'reported' | 'reported_before'; ticket: TicketRef; status: TicketStatus }
  | ApprovalCheck;

/**
 * Reads the step's ticket from its desk, the one the record names (Jira issue id, ServiceNow sys_id in its own
 * table), and reports it once it is final. The desk is the truth: what an event said about the ticket is never used,
 * so a forged, stale or out-of-order event, or an event about a copy of the record, decides nothing. A ticket the
 * desk no longer has is reported errored, saying it was deleted, which also takes it out of the open tickets.
 * Throws the desk's error (TicketSystemError) when the ticket could not be read. `beforeRead` waits for the desk's
 * turn (see DeskPace).
 */
export async function checkTicket(
  deps: JobDeps,
  step: { taskId: string; stepId: string },
  beforeRead?: (desk: string) => Promise<void>,
): Promise<TicketCheck> {
  const record = await deps.store.get(step.taskId, step.stepId);
  const ticket = record === undefined ? undefined : ticketOf(record);
  const system = ticket === undefined ? undefined : deps.ticketSystems[ticket.system];
  if (record === undefined || ticket === undefined || system === undefined) return { result: 'no_ticket' };
  if (record.fields['outcome'] !== undefined) return { result: 'already_decided' };
  await beforeRead?.(system.name);
  if (record.fields['step'] === 'approval') return checkApproval(deps, record, ticket, system);
  return reportIfFinal(deps, step, ticket, await system.getStatus(ticket));
}

/** Reports the step once its ticket's status (as read from the desk) is final; a moved Jira issue by its key now. */
export async function reportIfFinal(deps: JobDeps, step: { taskId: string; stepId: string }, ticket: TicketRef, status: TicketStatus): Promise<TicketCheck> {
  if (!status.final || status.outcome === undefined) return { result: 'open', ticket, status };
  const named = status.renamed === undefined ? ticket : { ...ticket, ...status.renamed };
  const decided = await reportOutcome(deps, step, status.outcome, outcomeComment(named, status, status.outcome, deps.ticketSystems[ticket.system]?.ticketNoun ?? 'Ticket'));
  if (decided) {
    const log = { ...step, ticket: ticket.key, outcome: status.outcome };
    if (status.deleted === true) deps.logger.warn(log, 'the ticket was deleted in the desk: reported errored');
    else deps.logger.info(log, 'the desk says the ticket is final: reported');
  }
  return { result: decided ? 'reported' : 'reported_before', ticket, status };
}
