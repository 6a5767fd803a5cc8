import { ticketRequestOf, type ProvisioningRequest } from '../domain/provisioning-request.ts';
import { QUEUE_NAMES, stepJobId, type Queues } from '../queue/queues.ts';
import { requeueFailedById } from '../queue/requeue-failed.ts';
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
  /** True when the step's create-ticket job had failed (held) and this delivery moved it back to waiting. */
  requeued: boolean;
  jobId: string;
  /** The answer to give: the one stored with the token the first time it was seen. */
  answer: { status: number; body: unknown };
}

/**
 * Makes a provisioning step (or an approval step, which travels the same way) durable: its correlation record (and the token's answer), then its create-ticket job.
 * The record comes first so a crash between the two leaves a record in state `received`, and any redelivery, even of
 * the same token, re-adds the job (adding is idempotent by job id); once a ticket exists, nothing is enqueued again.
 * A redelivery of a step whose create failed and was held (`jobs.onCreateFailure: hold`) moves that job back to
 * waiting: C1 asking again is the signal to try again.
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
    ...(request.step === 'approval' ? { step: 'approval' as const } : {}),
    callbackUrl: request.callbackUrl,
    at: deps.now().toISOString(),
    ...(token === undefined ? {} : { token: { ...token, answer: JSON.stringify(fresh) } }),
  });
  const given = outcome === 'replayed' ? (JSON.parse(answer) as Acceptance['answer']) : fresh;
  // BullMQ keeps one job per id: adding a step that already has a job returns that job and creates nothing.
  const queued = state === 'received';
  let requeued = false;
  if (queued) {
    await deps.queues.createTicket.add(QUEUE_NAMES.createTicket, { taskId, stepId, request: ticketRequestOf(request) }, { jobId });
    // Only a step seen before can have a failed job, so a first delivery pays nothing for this check; a resent token
    // (`replayed`) is the same delivery again and changes nothing.
    const redelivered = outcome === 'unchanged' || outcome === 'callback_replaced';
    requeued = redelivered && (await requeueFailedById(deps.queues.createTicket, jobId));
  }
  // Every path waits, a resent token's too: its first answer may have been given before a failover undid the writes.
  await deps.replicated?.();
  return { outcome, queued, requeued, jobId, answer: given };
}
