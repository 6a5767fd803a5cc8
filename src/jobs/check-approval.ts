import { reportApprovalOutcome } from '../ingest/report-outcome.ts';
import { defaultDecisionComment, reassignComment } from '../domain/approval-ticket-text.ts';
import type { ApprovalReading } from '../desks/approval-tickets.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import type { TicketRef } from '../domain/ticket.ts';
import type { CorrelationRecord } from '../store/correlation-store.ts';
import { ASSIGNEE_EVENT, assigneeChange, recordedAssignee } from './approval-assignee.ts';
import type { JobDeps } from './job-deps.ts';

export type ApprovalCheck =
  | { result: 'no_ticket' }
  | { result: 'open'; ticket: TicketRef; reading: ApprovalReading }
  | { result: 'reported' | 'reported_before'; ticket: TicketRef; reading: ApprovalReading };

/** The route that opened the ticket, if it is still a `for: approval` route; its target says whether reassign is on. */
export function approvalRouteOf(config: Pick<JobDeps['config'], 'routes'>, route: string | undefined) {
  return route === undefined ? undefined : config.routes.find((candidate) => candidate.name === route && candidate.for === 'approval');
}

/**
 * Reads an approval ticket from its desk (by the id on record; events are hints) and answers C1 once it decided:
 * approve or deny only from a state the route or desk names so (a reading that fails throws, and nothing is sent; a
 * deleted ticket or an unknown state stays open: never a deny). With `reassign: assignee` and while it is open, a new
 * assignee whose email is a C1 user reassigns the step to that user; one who is not is recorded and logged. The
 * decision is taken once by the store, so a ticket re-opened afterwards changes nothing.
 */
export async function checkApproval(deps: JobDeps, record: CorrelationRecord, ticket: TicketRef, system: TicketSystem): Promise<ApprovalCheck> {
  const approvals = system.approvals;
  if (approvals === undefined) return { result: 'no_ticket' };
  const step = { taskId: record.taskId, stepId: record.stepId };
  const log = deps.logger.child({ ...step, ticket: ticket.key, step: 'approval' });
  const reading = await approvals.read(ticket);
  if (reading.deleted === true) {
    log.warn('the approval ticket was deleted in the desk: nothing is sent; the step waits in ConductorOne');
    return { result: 'open', ticket, reading };
  }
  if (reading.decision !== 'open') {
    const comment = reading.words ?? defaultDecisionComment(reading.decision, system.ticketNoun, ticket.key, reading.status);
    const decided = await reportApprovalOutcome(deps, step, { outcome: reading.decision, comment });
    if (decided) log.info({ outcome: reading.decision, status: reading.status }, 'the approval ticket is decided: answering ConductorOne');
    return { result: decided ? 'reported' : 'reported_before', ticket, reading };
  }
  const target = approvalRouteOf(deps.config, ticket.route);
  const reassignOn = (target?.jira ?? target?.servicenow)?.reassign === 'assignee';
  if (!reassignOn) return { result: 'open', ticket, reading };
  const recorded = recordedAssignee(record);
  const at = deps.now().toISOString();
  if (recorded === undefined) {
    // No assignee recorded at creation (its read failed): the one seen now is the starting point.
    await deps.store.addHistory(step.taskId, step.stepId, ASSIGNEE_EVENT, reading.assigneeEmail ?? '', at);
    return { result: 'open', ticket, reading };
  }
  const email = assigneeChange(recorded, reading.assigneeEmail);
  if (email === undefined) return { result: 'open', ticket, reading };
  if (deps.c1Api === undefined) {
    log.warn('the approval ticket was reassigned, but conductorone.api is not configured: reassign is off');
    return { result: 'open', ticket, reading };
  }
  const userId = await deps.c1Api.findUserIdByEmail(email);
  if (userId === undefined) {
    log.info({ assignee: email }, 'the new assignee is not a ConductorOne user: the step stays with its approvers');
    await deps.store.addHistory(step.taskId, step.stepId, ASSIGNEE_EVENT, email, at);
    return { result: 'open', ticket, reading };
  }
  const decided = await reportApprovalOutcome(deps, step, { outcome: 'reassign', comment: reassignComment(system.ticketNoun, ticket.key, email, reading.words), newStepUserIds: [userId] });
  if (decided) log.info({ assignee: email, userId }, 'the approval ticket was reassigned: reassigning the step in ConductorOne');
  return { result: decided ? 'reported' : 'reported_before', ticket, reading };
}
