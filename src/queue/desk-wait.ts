import { DelayedError, type Job } from 'bullmq';
import type { DeskPace } from '../store/desk-pace.ts';

/** Most times a job's return is spread over its pause: a job put back often returns over a wider window. */
const MAX_SPREAD = 4;

/**
 * Puts the job back in its queue, delayed until `ms` from now plus a random share of a further `ms` or more, without
 * using an attempt (BullMQ's DelayedError). The worker takes other jobs meanwhile, so a desk that asked the bridge to
 * wait holds only its own jobs. The spread widens each time the same job is put back, so that a long backlog for a
 * paused desk does not return all at once (and find the desk paused again). Without a lock token (a job run outside a
 * worker) it simply sleeps.
 */
export async function putBack(job: Job, token: string | undefined, ms: number): Promise<never | void> {
  const spread = ms * Math.min(MAX_SPREAD, Math.max(1, job.attemptsStarted ?? 1));
  const wait = Math.round(ms + Math.random() * spread);
  if (token === undefined) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    return;
  }
  await job.moveToDelayed(Date.now() + wait, token);
  throw new DelayedError();
}

/** Before a job calls `desk`: if the desk is paused (it answered 429 to any process), the job waits its turn. */
export async function waitForDesk(pace: DeskPace, desk: string, job: Job, token: string | undefined): Promise<void> {
  const ms = await pace.waitMs(desk);
  if (ms > 0) await putBack(job, token, ms);
}
