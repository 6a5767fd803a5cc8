import { UnrecoverableError, type Job } from 'bullmq';
import type { ApprovalTicketRequest } from '../domain/approval-request.ts';
import type { ChosenRoute } from '../domain/routing.ts';
import type { CreateTicketJob } from '../queue/queues.ts';
import type { CreateTicketResult } from './create-ticket.ts';
import type { JobDeps } from './job-deps.ts';

/**
 * Where an approval step's create-ticket job goes, with the `for: approval` route that took it. This is the seam the
 * desks' approval tickets plug into (a Jira issue with approve / deny statuses, a JSM request with native approvals,
 * a ServiceNow approval). Until a desk opens approval tickets the job is held in the failed set, where `replay-failed`
 * finds it: it never opens a provisioning ticket, and it never answers C1 (no errored, and never a deny).
 */
export function createApprovalTicket(
  deps: Pick<JobDeps, 'logger'>,
  job: Job<CreateTicketJob>,
  request: ApprovalTicketRequest,
  route: ChosenRoute | undefined,
): Promise<CreateTicketResult> {
  const log = deps.logger.child({ taskId: request.taskId, stepId: request.stepId, jobId: job.id, step: 'approval' });
  if (route === undefined) {
    // The route that took it at ingest is gone (a config change since): still no answer to C1 without a person.
    log.warn('no route with for: approval takes this approval step any more; held');
    throw new UnrecoverableError('no_approval_route: no route with for: approval takes this approval step');
  }
  log.warn({ route: route.name }, 'approval step routed; this desk does not open approval tickets, so the step is held');
  throw new UnrecoverableError(`approval_ticket_unsupported: route ${route.name} takes approvals, but its desk does not open approval tickets`);
}
