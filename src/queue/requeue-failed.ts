import type { Job, Queue } from 'bullmq';

/**
 * Moves a failed job back to waiting under its own id (so it can never become a second ticket or callback), with its
 * attempts counted afresh. Its count of started attempts is kept: a create-ticket job that ran before still looks
 * for a ticket it may have opened. False when the job is not (or no longer) failed, e.g. another caller was first.
 */
export async function requeueFailed(job: Job): Promise<boolean> {
  try {
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  } catch (error) {
    if (await job.isFailed()) throw error;
    return false;
  }
}

/** `requeueFailed` by id: false when the queue holds no failed job of that id. */
export async function requeueFailedById(queue: Queue, jobId: string): Promise<boolean> {
  if ((await queue.getJobState(jobId)) !== 'failed') return false;
  const job = await queue.getJob(jobId);
  return job === undefined ? false : requeueFailed(job);
}
