/**
 * A ConductorOne policy approval step as the bridge understands it: the same task as a provisioning step (what is
 * asked, for whom, by whom), marked as a question to approve or deny. Pure and JSON-serialisable, like
 * ProvisioningRequest, because it travels inside a job.
 *
 * What an approval ticket shows, and the template variables that carry it (src/domain/template-scope.ts, the same
 * names as for provisioning tickets):
 * - what is asked: `app.name`, `entitlement.name` (`task.action` says Grant or Revoke);
 * - for whom: `subject.*` (also `user.*`), the task's user;
 * - by whom: `requester.*`, who opened the task;
 * - why: `task.justification`;
 * - for how long: `task.grantDuration` (`task.grantDurationSeconds`);
 * - where to read it in ConductorOne: `task.url`;
 * - which step: `task.stepId`, the policy step instance id that keys the ticket and the answer.
 */
import type { PolicyApprovalStepPayload, WebhookEnvelope } from '../c1/schemas.ts';
import { C1_EVENT } from '../c1/schemas.ts';
import { fromStepPayload, type ProvisioningOptions, type ProvisioningRequest, type StepKind, type TicketRequest } from './provisioning-request.ts';

export interface ApprovalStep {
  /** The approval's state when C1 sent the step (`APPROVAL_INSTANCE_STATE_WAITING`). */
  readonly state?: string;
  /** The webhook the policy step hands the approval to (`approval.approval.webhook.webhookId`). */
  readonly webhookId?: string;
}

export interface ApprovalRequest extends ProvisioningRequest {
  readonly step: 'approval';
  readonly approval: ApprovalStep;
}

/** The approval less its callback URL, to travel inside a job. */
export type ApprovalTicketRequest = Omit<ApprovalRequest, 'callbackUrl'>;

export type ApprovalResult = { ok: true; request: ApprovalRequest } | { ok: false; problems: string[] };

/** The step a request answers: `provision` unless it says otherwise (jobs from before approvals carry no `step`). */
export function stepKindOf(request: Pick<TicketRequest, 'step'>): StepKind {
  return request.step ?? 'provision';
}

export function isApprovalRequest(request: TicketRequest): request is ApprovalTicketRequest {
  return request.step === 'approval';
}

/**
 * Builds the approval from a PayloadPolicyApprovalStep, or lists every reason it cannot. The step id is the policy
 * step instance (`taskView.task.policy.current.id`), so one ticket and one answer belong to one approval step.
 *
 * @example
 *   const result = toApprovalRequest(envelope, payload, { tenant: 'acme.conductor.one' });
 *   if (result.ok) enqueue(result.request); // result.request.step === 'approval'
 */
export function toApprovalRequest(envelope: WebhookEnvelope, payload: PolicyApprovalStepPayload, options: ProvisioningOptions): ApprovalResult {
  const base = fromStepPayload(envelope, payload, options, C1_EVENT.policyApprovalStep);
  if (!base.ok) return base;
  const instance = payload.taskView?.task?.policy?.current?.approval;
  const state = instance?.state ?? undefined;
  const webhookId = instance?.approval?.webhook?.webhookId ?? undefined;
  const approval: ApprovalStep = {
    ...(state === undefined || state === '' ? {} : { state }),
    ...(webhookId === undefined || webhookId === '' ? {} : { webhookId }),
  };
  return { ok: true, request: { ...base.request, step: 'approval', approval } };
}
