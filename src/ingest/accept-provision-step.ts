import type { ProvisioningRequest } from '../domain/provisioning-request.ts';
import { QUEUE_NAMES, stepJobId, type Queues } from '../queue/queues.ts';
import type { CorrelationStore, DeliveryOutcome } from '../store/correlation-store.ts';
import type { ReplicaWait } from '../store/replica-wait.ts';

export interface AcceptDeps {
  store: CorrelationStore;
  queues: Pick<Queues, 'createTicket'>;
  now: () => Date;
  /** Set when `redis.waitForReplicas` asks that the writes reach replicas before the answer. */
  replicated?: ReplicaWait;
}

export interface Acceptance {
  outcome: DeliveryOutcome;
  /** False when a ticket already exists for the step, so no job was even offered to the queue. */
  queued: boolean;
  jobId: string;
  /** The answer to give: the one stored with the token the first time it was seen. */
  answer: { status: number; body: unknown };
}

/**
 * Makes a provisioning step durable: its correlation record (and the token's answer), then its create-ticket job.
 * The record comes first so a crash between the two leaves a record in state `received`, and any redelivery, even of
 * the same token, re-adds the job (adding is idempotent by job id); once a ticket exists, nothing is enqueued again.
 */
export async function acceptProvisionStep(
  deps: AcceptDeps,
  request: ProvisioningRequest,
  token?: { jti: string; ttlSeconds: number },
): Promise<Acceptance> {
  const { taskId, stepId } = request;
  const jobId = stepJobId(taskId, stepId);
  const fresh = { status: 202, body: { status: 'accepted', taskId, stepId } };
  const { outcome, state, answer } = await deps.store.registerDelivery({
    taskId,
    stepId,
    kind: request.kind,
    callbackUrl: request.callbackUrl,
    at: deps.now().toISOString(),
    ...(token === undefined ? {} : { token: { ...token, answer: JSON.stringify(fresh) } }),
  });
  const given = outcome === 'replayed' ? (JSON.parse(answer) as Acceptance['answer']) : fresh;
  // BullMQ keeps one job per id: adding a step that already has a job returns that job and creates nothing.
  const queued = state === 'received';
  if (queued) await deps.queues.createTicket.add(QUEUE_NAMES.createTicket, { taskId, stepId, request }, { jobId });
  // Every path waits, a resent token's too: its first answer may have been given before a failover undid the writes.
  await deps.replicated?.();
  return { outcome, queued, jobId, answer: given };
}
