import { UnrecoverableError, type Job } from 'bullmq';
import type { ApprovalTicketRequest } from '../domain/approval-request.ts';
import type { ChosenRoute } from '../domain/routing.ts';
import { waitForDesk } from '../queue/desk-wait.ts';
import type { CreateTicketJob } from '../queue/queues.ts';
import type { CreateTicketResult } from './create-ticket.ts';
import { findOrCreate } from './find-or-create.ts';
import { ASSIGNEE_EVENT } from './approval-assignee.ts';
import type { JobDeps } from './job-deps.ts';

/**
 * Opens an approval step's ticket once per task + step, with the crash safety of a provisioning ticket (the record's
 * in-flight marker, then the desk searched by the ticket's marks). A desk that does not open approval tickets holds
 * the job in the failed set, where `replay-failed` finds it: it never opens a provisioning ticket, and it never
 * answers C1 (no errored, and never a deny). With `reassign: assignee`, the assignee the desk gave the new ticket is
 * recorded, so only a later change of assignee reassigns.
 */
export async function createApprovalTicket(
  deps: JobDeps,
  job: Job<CreateTicketJob>,
  request: ApprovalTicketRequest,
  route: ChosenRoute | undefined,
  token?: string,
): Promise<CreateTicketResult> {
  const { taskId, stepId } = request;
  const log = deps.logger.child({ taskId, stepId, jobId: job.id, step: 'approval' });
  if (route === undefined) {
    // The route that took it at ingest is gone (a config change since): still no answer to C1 without a person.
    log.warn('no route with for: approval takes this approval step any more; held');
    throw new UnrecoverableError('no_approval_route: no route with for: approval takes this approval step');
  }
  const system = deps.ticketSystems[route.desk];
  const approvals = system?.approvals;
  if (system === undefined || approvals === undefined) {
    log.warn({ route: route.name }, 'approval step routed; this desk does not open approval tickets, so the step is held');
    throw new UnrecoverableError(`approval_ticket_unsupported: route ${route.name} takes approvals, but its desk does not open approval tickets`);
  }
  await waitForDesk(deps.pace, system.name, job, token);
  const record = await deps.store.get(taskId, stepId);
  const { ticket, recovered } = await findOrCreate(deps, job, token, { ...system, create: approvals.create }, route, record);
  const target = route.target.jira ?? route.target.servicenow;
  if (target?.reassign === 'assignee') {
    try {
      const reading = await approvals.read(ticket);
      await deps.store.addHistory(taskId, stepId, ASSIGNEE_EVENT, reading.assigneeEmail ?? '', deps.now().toISOString());
    } catch (error) {
      // The first check records it instead; a change made before then is taken as the starting assignee.
      log.warn({ ticket: ticket.key, err: error instanceof Error ? error.message : String(error) }, 'could not read the approval ticket\'s assignee after creating it');
    }
  }
  // Recorded before the ticket: no event about the ticket is matched, and no check reads it, until the assignee is.
  await deps.store.markTicketCreated(taskId, stepId, ticket, deps.now().toISOString());
  log.info({ ticket: ticket.key, route: route.name, recovered }, recovered ? 'found the approval ticket opened before a crash' : 'approval ticket created');
  return { ticket, recovered };
}
