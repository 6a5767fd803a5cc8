import type { Job } from 'bullmq';
import type { CorrelationStore } from '../store/correlation-store.ts';
import { replayVerdict } from './replay-verdict.ts';
import { requeueFailed } from './requeue-failed.ts';

export type ReplayOutcome = { replayed: true } | { replayed: false; why: string };

/**
 * Replays one failed job if that can still do good (`replayVerdict`), the one way both `replay-failed` and the
 * operator console do it: a callback that failed for a transient cause has its record made due again first (a
 * callback job run before that would find it failed and send nothing), then the job goes back to waiting under its
 * own id, so a replay never becomes a second ticket or callback.
 */
export async function replayJob(store: Pick<CorrelationStore, 'get' | 'reopenCallback'>, queueName: string, job: Job, now: () => Date = () => new Date()): Promise<ReplayOutcome> {
  const verdict = await replayVerdict(store, queueName, job);
  if (!verdict.replay) return { replayed: false, why: verdict.why };
  if (verdict.reopenCallback) {
    const { taskId, stepId } = job.data as { taskId: string; stepId: string };
    await store.reopenCallback(taskId, stepId, now().toISOString());
  }
  if (!(await requeueFailed(job))) return { replayed: false, why: 'the job is no longer failed (replayed or removed meanwhile)' };
  return { replayed: true };
}
