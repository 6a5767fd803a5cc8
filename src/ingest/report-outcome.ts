import { stepJobId, type Queues } from '../queue/queues.ts';
import type { CorrelationStore } from '../store/correlation-store.ts';
import type { Outcome } from '../domain/ticket.ts';

export interface ReportDeps {
  store: CorrelationStore;
  queues: Pick<Queues, 'sendCallback'>;
  now: () => Date;
}

/**
 * Fixes a step's outcome (the first decision wins) and queues its callback. Safe to call again for the same step:
 * the record keeps the first outcome and the callback job id is the step, so Jira's retries, redelivered events and
 * a reconciliation run racing a webhook all end in one callback.
 * @returns whether this call decided the outcome.
 */
export async function reportOutcome(deps: ReportDeps, step: { taskId: string; stepId: string }, outcome: Outcome, comment: string): Promise<boolean> {
  // The script answers with the record's state, so a decided-but-unsent step (a lost job) is queued again too.
  const { decided, state } = await deps.store.decideOutcome(step.taskId, step.stepId, outcome, comment, deps.now().toISOString());
  if (state === 'outcome_decided') {
    await deps.queues.sendCallback.add('send-callback', { taskId: step.taskId, stepId: step.stepId }, { jobId: stepJobId(step.taskId, step.stepId) });
  }
  return decided;
}
