import type { Job } from 'bullmq';
import { createFailedComment } from '../domain/outcome-comment.ts';
import { reportOutcome } from '../ingest/report-outcome.ts';
import { isFinalAttempt } from '../queue/final-attempt.ts';
import type { CreateTicketJob } from '../queue/queues.ts';
import { ticketOf } from '../store/correlation-store.ts';
import type { CreateTicketResult } from './create-ticket.ts';
import type { JobDeps } from './job-deps.ts';

export type CreateJobResult = CreateTicketResult | { reportedErrored: string } | { skipped: string };

/**
 * What becomes of a create that failed for good (the desk refused it, or every attempt failed): never silence.
 * `jobs.onCreateFailure: report` (the default) fixes the outcome `errored` with the desk's own reason, so C1 falls
 * back to manual provisioning, and the job completes; `hold` notes the reason in the record and lets the job fail, so
 * it waits in the failed set for `replay-failed` or a redelivery from C1. Either way the history says why and
 * `c1tb_ticket_create_failures_total` counts it.
 *
 * Reporting happens inside the attempt, before BullMQ records the job as failed or done: a worker killed in between
 * leaves the job to the stalled-job check, and its next run finds the outcome decided and opens nothing.
 */
export function reportingCreateFailures(deps: JobDeps, create: (job: Job<CreateTicketJob>, token?: string) => Promise<CreateTicketResult>) {
  return async (job: Job<CreateTicketJob>, token?: string): Promise<CreateJobResult> => {
    const { taskId, stepId } = job.data;
    const record = await deps.store.get(taskId, stepId);
    if (record?.fields['outcome'] !== undefined && ticketOf(record) === undefined) {
      return { skipped: `the outcome is already decided (${record.fields['outcome']}); no ticket is opened for it` };
    }
    try {
      return await create(job, token);
    } catch (error) {
      if (!isFinalAttempt(job, error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      const log = deps.logger.child({ taskId, stepId, jobId: job.id });
      const at = deps.now().toISOString();
      // An approval step is never reported errored (that is no answer to an approval): it is always held.
      if (deps.config.jobs.onCreateFailure === 'hold' || job.data.request.step === 'approval') {
        await deps.store.addHistory(taskId, stepId, 'create_held', reason, at);
        deps.metrics.createFailures.inc({ result: 'held' });
        log.warn({ reason, attempts: job.attemptsMade + 1 }, 'ticket not created; held for replay-failed or a redelivery');
        throw error;
      }
      await deps.store.addHistory(taskId, stepId, 'create_failed', reason, at);
      await reportOutcome(deps, { taskId, stepId }, 'errored', createFailedComment(reason));
      deps.metrics.createFailures.inc({ result: 'reported' });
      log.error({ reason, attempts: job.attemptsMade + 1 }, 'ticket not created; reported errored to ConductorOne');
      return { reportedErrored: reason };
    }
  };
}
