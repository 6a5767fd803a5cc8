import { UnrecoverableError, type Job } from 'bullmq';
import { isFinalAttempt } from '../queue/final-attempt.ts';
import type { SendCallbackJob } from '../queue/queues.ts';
import { ticketOf } from '../store/correlation-store.ts';
import { parseRetryAfter } from '../desks/ticket-error.ts';
import type { JobDeps } from './job-deps.ts';
import { approvalCallbackBody, isApprovalOutcome, isProvisionOutcome, type ApprovalOutcome } from '../domain/approval-outcome.ts';
import type { Outcome } from '../domain/ticket.ts';
import { approvalNotSentNote, approvalSentNote } from '../domain/approval-ticket-text.ts';
import { isBridgeError } from '../errors.ts';
import type { CorrelationRecord } from '../store/correlation-store.ts';

export class CallbackRetryError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'CallbackRetryError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The callback URL comes from the payload: only origins the operator listed may receive it (contract §2). */
export function callbackAllowed(url: string, origins: readonly string[]): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.username === '' && parsed.password === '' && origins.includes(parsed.origin);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export type SendCallbackResult = { sent: true; status: number } | { sent: false; reason: string };

/**
 * POSTs the step's outcome to its C1 callback URL once (contract §5). 2xx: reported. 408/429/5xx/network: retried
 * with backoff; after the last attempt, recorded as failed for a transient cause (`replay-failed` resends it). Any
 * other answer: failed for good and recorded with the answer's body; C1 answers 400 once the URL is used or expired,
 * and trying again cannot change that. Except: a 400 after an attempt whose result is unknown (no answer, the
 * bridge's own timeout, a worker killed or Redis away before the answer was recorded) means that attempt landed, since
 * only the bridge holds the URL; the step is then reported, with a note saying so.
 */
export async function sendCallback(deps: JobDeps, job: Job<SendCallbackJob>): Promise<SendCallbackResult> {
  const { taskId, stepId } = job.data;
  const log = deps.logger.child({ taskId, stepId, jobId: job.id });
  const at = () => deps.now().toISOString();
  const record = await deps.store.get(taskId, stepId);
  if (record === undefined) throw new UnrecoverableError(`no record for task ${taskId} step ${stepId}`);
  if (record.state === 'reported' || record.state === 'callback_failed') return { sent: false, reason: `already ${record.state}` };
  const outcome = record.fields['outcome'];
  if (!isProvisionOutcome(outcome) && !isApprovalOutcome(outcome)) throw new UnrecoverableError(`task ${taskId} step ${stepId} has no outcome yet`);
  const built = callbackBody(record, outcome);
  if (!built.ok) {
    log.error({ outcome, code: built.code }, built.detail);
    deps.metrics.callbacks.inc({ result: 'refused', outcome });
    await deps.store.markCallbackFailed(taskId, stepId, `${built.code}: ${built.detail}`, at());
    throw new UnrecoverableError(`${built.code}: ${built.detail}`);
  }

  if (!callbackAllowed(record.callbackUrl, deps.config.conductorone.callbackOrigins)) {
    const origin = URL.canParse(record.callbackUrl) ? new URL(record.callbackUrl).origin : 'an unparsable URL';
    const detail = `refused: the callback URL's origin ${origin} is not in conductorone.callbackOrigins`;
    log.error({ origin, allowed: deps.config.conductorone.callbackOrigins }, 'callback refused: foreign origin');
    deps.metrics.callbacks.inc({ result: 'refused', outcome });
    await deps.store.markCallbackFailed(taskId, stepId, detail, at());
    throw new UnrecoverableError(detail);
  }

  const body = built.body;
  // A transient failure on the last attempt is recorded, so `status` tells the truth and a replay may resend it.
  const transient = async (reason: string, retryAfterMs?: number): Promise<CallbackRetryError> => {
    const error = new CallbackRetryError(reason, retryAfterMs);
    deps.metrics.callbacks.inc({ result: 'retry', outcome });
    if (isFinalAttempt(job, error)) {
      await deps.store.markCallbackFailed(taskId, stepId, `${reason}, after ${(job.attemptsMade + 1).toString()} attempt(s)`, at(), { retryable: true });
      deps.metrics.callbacks.inc({ result: 'failed', outcome });
      log.error({ outcome, reason }, 'callback failed after every attempt; replay-failed --queue send-callback sends it again');
    }
    return error;
  };
  const { earlierUnknown } = await deps.store.beginCallbackAttempt(taskId, stepId);
  let response: Response;
  try {
    response = await deps.fetch(record.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.callbackTimeoutMs),
    });
  } catch (error) {
    throw await transient(`callback did not get an answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const answer = (await response.text().catch(() => '')).slice(0, 1000);
  if (response.status >= 200 && response.status < 300) {
    await deps.store.markReported(taskId, stepId, `${outcome}: ConductorOne answered ${response.status.toString()}`, at());
    log.info({ outcome, status: response.status }, 'callback delivered');
    deps.metrics.callbacks.inc({ result: 'delivered', outcome });
    await commentOnTicket(deps, record, outcome, log);
    return { sent: true, status: response.status };
  }
  if (isRetryableStatus(response.status)) {
    await deps.store.markCallbackAnswered(taskId, stepId);
    throw await transient(`callback answered ${response.status.toString()}`, parseRetryAfter(response.headers.get('retry-after')));
  }
  if (response.status === 400 && earlierUnknown) {
    const note = `${outcome}: ConductorOne answered 400 to a retry after an attempt whose result is unknown, so that attempt landed (only the bridge holds the URL); its answer: ${answer}`;
    await deps.store.markReported(taskId, stepId, note, at());
    log.warn({ outcome, status: response.status, answer }, 'callback had landed on an earlier attempt; recorded as reported');
    deps.metrics.callbacks.inc({ result: 'landed_earlier', outcome });
    await commentOnTicket(deps, record, outcome, log);
    return { sent: true, status: response.status };
  }
  const detail = `ConductorOne answered ${response.status.toString()}: ${answer}`;
  log.error({ outcome, status: response.status, answer }, 'callback refused; not retried');
  deps.metrics.callbacks.inc({ result: 'failed', outcome });
  await deps.store.markCallbackFailed(taskId, stepId, detail, at());
  // The approver decided on the ticket: they are told C1 did not take it (the step was closed or expired).
  if (response.status === 400 && isApprovalOutcome(outcome)) await commentOnTicket(deps, record, outcome, log, approvalNotSentNote(outcome, answer));
  throw new UnrecoverableError(detail);
}

type BuiltBody = { ok: true; body: string } | { ok: false; code: 'step_kind_mismatch' | 'invalid_approval_answer'; detail: string };

/**
 * The callback body for the step's outcome: `ResponseProvisionStep` (complete | errored) for a provisioning step,
 * `ResponsePolicyApprovalStep` (approve | deny | reassign) for an approval step. An outcome of the other kind is
 * refused, never translated: C1 would refuse it too, and guessing (errored as deny?) could deny someone's access.
 */
function callbackBody(record: CorrelationRecord, outcome: Outcome | ApprovalOutcome): BuiltBody {
  const comment = record.fields['outcomeComment'] ?? '';
  const approvalStep = record.fields['step'] === 'approval';
  if (!isApprovalOutcome(outcome)) {
    if (approvalStep) return { ok: false, code: 'step_kind_mismatch', detail: `an approval step cannot be answered ${outcome}` };
    return { ok: true, body: JSON.stringify({ version: 'v1', [outcome]: { comment } }) };
  }
  if (!approvalStep) return { ok: false, code: 'step_kind_mismatch', detail: `a provisioning step cannot be answered ${outcome}` };
  try {
    if (outcome !== 'reassign') return { ok: true, body: JSON.stringify(approvalCallbackBody({ outcome, comment })) };
    const stored: unknown = JSON.parse(record.fields['reassignUserIds'] ?? '[]');
    const ids = Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
    return { ok: true, body: JSON.stringify(approvalCallbackBody({ outcome, comment, newStepUserIds: ids })) };
  } catch (error) {
    if (isBridgeError(error) && error.code === 'invalid_approval_answer') return { ok: false, code: error.code, detail: error.message };
    throw error;
  }
}

const sentNote = (outcome: string) => (isApprovalOutcome(outcome) ? approvalSentNote(outcome) : `The bridge reported this task to ConductorOne as ${outcome}.`);

/** Tells the people watching the ticket that C1 has been told; a failure here never undoes the callback. */
async function commentOnTicket(deps: JobDeps, record: Parameters<typeof ticketOf>[0], outcome: string, log: JobDeps['logger'], text = sentNote(outcome)): Promise<void> {
  const ticket = ticketOf(record);
  const system = ticket === undefined ? undefined : deps.ticketSystems[ticket.system];
  if (ticket === undefined || system === undefined) return;
  try {
    await system.comment(ticket, text);
    await deps.store.addHistory(record.taskId, record.stepId, 'ticket_commented', ticket.key, deps.now().toISOString());
  } catch (error) {
    log.warn({ ticket: ticket.key, err: error instanceof Error ? error.message : String(error) }, 'could not comment on the ticket');
  }
}
