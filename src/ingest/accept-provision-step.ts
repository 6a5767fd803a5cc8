import type { ProvisioningRequest } from '../domain/provisioning-request.ts';
import { QUEUE_NAMES, stepJobId, type Queues } from '../queue/queues.ts';
import type { CorrelationStore, DeliveryOutcome } from '../store/correlation-store.ts';

export interface AcceptDeps {
  store: CorrelationStore;
  queues: Pick<Queues, 'createTicket'>;
  now: () => Date;
}

export interface Acceptance {
  outcome: DeliveryOutcome;
  /** False when a ticket already exists for the step, so no job was even offered to the queue. */
  queued: boolean;
  jobId: string;
}

/**
 * Makes a provisioning step durable: its correlation record, then its create-ticket job. The record comes first so a
 * crash between the two leaves a record in state `received`, and the redelivery C1 sends re-adds the job (adding is
 * idempotent by job id); once a ticket exists, nothing is enqueued again.
 */
export async function acceptProvisionStep(deps: AcceptDeps, request: ProvisioningRequest): Promise<Acceptance> {
  const { taskId, stepId } = request;
  const jobId = stepJobId(taskId, stepId);
  const { outcome, state } = await deps.store.registerDelivery({
    taskId,
    stepId,
    kind: request.kind,
    callbackUrl: request.callbackUrl,
    at: deps.now().toISOString(),
  });
  if (state !== 'received') return { outcome, queued: false, jobId };

  // BullMQ keeps one job per id: adding a step that already has a job returns that job and creates nothing.
  await deps.queues.createTicket.add(QUEUE_NAMES.createTicket, { taskId, stepId, request }, { jobId });
  return { outcome, queued: true, jobId };
}
