import type { Job } from 'bullmq';

/**
 * Whether BullMQ will give up on the job when this attempt throws `error`: a permanent failure (`UnrecoverableError`),
 * or the last of its attempts. A rate-limit pause (`Worker.RateLimitError`) and a move back to delayed (`DelayedError`,
 * e.g. waiting out Jira's search index lag) use no attempt, so they are never final.
 * BullMQ counts `attemptsMade` when an attempt ends, so the running one is `attemptsMade + 1`.
 */
export function isFinalAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>, error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  if (name === 'RateLimitError' || name === 'DelayedError') return false;
  if (name === 'UnrecoverableError') return true;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
