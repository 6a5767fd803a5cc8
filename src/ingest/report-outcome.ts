import { BridgeError } from '../errors.ts';
import { approvalComment, reassignUserIds, type ApprovalDecision } from '../domain/approval-outcome.ts';
import type { StepKind } from '../domain/provisioning-request.ts';
import { stepJobId, type Queues } from '../queue/queues.ts';
import type { CorrelationStore } from '../store/correlation-store.ts';
import type { Outcome } from '../domain/ticket.ts';

export interface ReportDeps {
  store: CorrelationStore;
  queues: Pick<Queues, 'sendCallback'>;
  now: () => Date;
}

type Step = { taskId: string; stepId: string };

/**
 * Fixes a step's outcome (the first decision wins) and queues its callback. Safe to call again for the same step:
 * the record keeps the first outcome and the callback job id is the step, so Jira's retries, redelivered events and
 * a reconciliation run racing a webhook all end in one callback.
 * @returns whether this call decided the outcome.
 * @throws BridgeError `step_kind_mismatch` when the step is an approval step, which only approval outcomes answer.
 */
export async function reportOutcome(deps: ReportDeps, step: Step, outcome: Outcome, comment: string): Promise<boolean> {
  return decide(deps, step, 'provision', outcome, comment);
}

/**
 * The same for an approval step: approve, deny, or reassign to ConductorOne users. The comment is cut to what C1
 * takes; a reassign C1 would refuse (no user, more than 32) is refused here, before anything is stored.
 * @throws BridgeError `invalid_approval_answer`, or `step_kind_mismatch` when the step is a provisioning step.
 */
export async function reportApprovalOutcome(deps: ReportDeps, step: Step, decision: ApprovalDecision): Promise<boolean> {
  const ids = decision.outcome === 'reassign' ? reassignUserIds(decision.newStepUserIds) : undefined;
  return decide(deps, step, 'approval', decision.outcome, approvalComment(decision.comment), ids);
}

async function decide(deps: ReportDeps, step: Step, kind: StepKind, outcome: string, comment: string, newStepUserIds?: string[]): Promise<boolean> {
  // The script answers with the record's state, so a decided-but-unsent step (a lost job) is queued again too.
  const { decided, state, stepMismatch } = await deps.store.decideOutcome(step.taskId, step.stepId, outcome, comment, deps.now().toISOString(), {
    step: kind,
    ...(newStepUserIds === undefined ? {} : { newStepUserIds }),
  });
  if (stepMismatch === true) {
    const other = kind === 'approval' ? 'a provisioning' : 'an approval';
    throw new BridgeError('step_kind_mismatch', `task ${step.taskId} step ${step.stepId} is ${other} step: it cannot be answered ${outcome}`);
  }
  if (state === 'outcome_decided') {
    await deps.queues.sendCallback.add('send-callback', { taskId: step.taskId, stepId: step.stepId }, { jobId: stepJobId(step.taskId, step.stepId) });
  }
  return decided;
}
