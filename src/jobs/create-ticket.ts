import { UnrecoverableError, type Job } from 'bullmq';
import { noRouteComment } from '../domain/outcome-comment.ts';
import { decideRoute } from '../domain/routing.ts';
import { reportOutcome } from '../ingest/report-outcome.ts';
import { waitForDesk } from '../queue/desk-wait.ts';
import type { CreateTicketJob } from '../queue/queues.ts';
import { ticketOf } from '../store/correlation-store.ts';
import type { TicketRef } from '../domain/ticket.ts';
import { isApprovalRequest } from '../domain/approval-request.ts';
import { createApprovalTicket } from './create-approval-ticket.ts';
import { findOrCreate } from './find-or-create.ts';
import type { JobDeps } from './job-deps.ts';

export type CreateTicketResult = { ticket: TicketRef; recovered: boolean } | { unrouted: true };

/**
 * Opens the step's ticket exactly once. The record is consulted first; after a create call whose result was not
 * recorded (see findOrCreate), the desk is searched for a ticket carrying the task's marks once its search can see it,
 * so a crash between the desk's answer and the record write finds that ticket instead of opening a second one.
 */
export async function createTicket(deps: JobDeps, job: Job<CreateTicketJob>, token?: string): Promise<CreateTicketResult> {
  const { taskId, stepId, request } = job.data;
  const log = deps.logger.child({ taskId, stepId, jobId: job.id });
  const record = await deps.store.get(taskId, stepId);
  const existing = record === undefined ? undefined : ticketOf(record);
  if (existing !== undefined) return { ticket: existing, recovered: true };

  const decision = decideRoute(deps.config, request);
  for (const verdict of decision.verdicts) {
    if ('evaluationError' in verdict) {
      log.warn({ route: verdict.route, err: verdict.evaluationError }, 'route condition could not be evaluated on this task: route skipped');
      deps.metrics.routeConditionErrors.inc({ route: verdict.route });
    }
  }
  const route = decision.chosen;
  if (isApprovalRequest(request)) return createApprovalTicket(deps, job, request, route, token);
  if (route === undefined) {
    const comment = noRouteComment(request.app.name ?? request.app.id, request.entitlement.name ?? request.entitlement.id, request.kind);
    log.warn({ appId: request.app.id, entitlementId: request.entitlement.id }, 'no route for this task: reporting errored');
    await reportOutcome(deps, { taskId, stepId }, 'errored', comment);
    return { unrouted: true };
  }
  const system = deps.ticketSystems[route.desk];
  if (system === undefined) throw new UnrecoverableError(`route ${route.name} sends tickets to desk ${route.desk}, which is not configured`);

  // A desk that answered 429 to any process is left alone until its Retry-After is over; other desks' jobs go on.
  await waitForDesk(deps.pace, system.name, job, token);
  const { ticket, recovered } = await findOrCreate(deps, job, token, system, route, record);
  await deps.store.markTicketCreated(taskId, stepId, ticket, deps.now().toISOString());
  log.info({ ticket: ticket.key, route: route.name, recovered }, recovered ? 'found the ticket opened before a crash' : 'ticket created');
  return { ticket, recovered };
}
