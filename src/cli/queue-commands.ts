import type { Job } from 'bullmq';
import { failedJobs } from '../queue/failed-jobs.ts';
import { requeueFailed } from '../queue/requeue-failed.ts';
import { replayVerdict } from './replay-verdict.ts';
import type { Deps } from '../deps.ts';
import type { CliIo } from './io.ts';

type QueueDeps = Pick<Deps, 'queues' | 'correlationStore'>;

function queuesNamed(deps: QueueDeps, name: string | undefined) {
  const all = deps.queues.all;
  if (name === undefined) return all;
  const found = all.filter((queue) => queue.name === name);
  if (found.length === 0) throw new Error(`unknown queue ${JSON.stringify(name)}; queues: ${all.map((q) => q.name).join(', ')}`);
  return found;
}

function describeJob(queue: string, job: Job): string {
  const when = job.finishedOn === undefined ? '' : new Date(job.finishedOn).toISOString();
  return `${queue}  ${job.id ?? '?'}  attempts=${job.attemptsMade.toString()}  ${when}  ${job.failedReason}`;
}

/** `status <taskId>`: what the bridge knows of a task, step by step. Exit 1 when it knows nothing. */
export async function status(deps: QueueDeps, taskId: string | undefined, io: CliIo): Promise<number> {
  if (taskId === undefined) {
    io.err('usage: c1-ticket-bridge status <taskId>');
    return 2;
  }
  const records = await deps.correlationStore.findTask(taskId);
  if (records.length === 0) {
    io.err(`no record of task ${taskId}`);
    return 1;
  }
  for (const record of records) {
    const ticket = record.fields['ticketKey'] === undefined ? 'none yet' : `${record.fields['ticketSystem'] ?? ''} ${record.fields['ticketKey']} ${record.fields['ticketUrl'] ?? ''}`.trim();
    io.out(`task ${record.taskId} step ${record.stepId} (${record.kind})`);
    io.out(`  state: ${record.state}`);
    io.out(`  ticket: ${ticket}`);
    if (record.fields['outcome'] !== undefined) io.out(`  outcome: ${record.fields['outcome']}`);
    if (record.fields['callbackResult'] !== undefined) io.out(`  callback: ${record.fields['callbackResult']}`);
    io.out('  history:');
    for (const entry of record.history) io.out(`    ${entry.at}  ${entry.event}${entry.detail === undefined ? '' : `  ${entry.detail}`}`);
  }
  return 0;
}

/** `list-failed [--queue q]`: every failed job, newest first, with its reason. */
export async function listFailed(deps: QueueDeps, queueName: string | undefined, io: CliIo): Promise<number> {
  let total = 0;
  for (const queue of queuesNamed(deps, queueName)) {
    for await (const job of failedJobs(queue)) {
      io.out(describeJob(queue.name, job));
      total += 1;
    }
  }
  io.out(`${total.toString()} failed job(s)`);
  return 0;
}

/**
 * `replay-failed [--queue q] [--dry-run]`: moves every failed job that can still do good back to waiting, under its
 * own id (so a replay never duplicates a ticket or a callback) and with its attempts counted afresh; says of each
 * other one why it is left.
 */
export async function replayFailed(deps: QueueDeps, queueName: string | undefined, dryRun: boolean, io: CliIo): Promise<number> {
  let replayed = 0;
  let left = 0;
  for (const queue of queuesNamed(deps, queueName)) {
    for await (const job of failedJobs(queue)) {
      const verdict = await replayVerdict(deps.correlationStore, queue.name, job);
      if (!verdict.replay) {
        io.out(`not replayed ${describeJob(queue.name, job)}`);
        io.out(`  why: ${verdict.why}`);
        left += 1;
        continue;
      }
      io.out(`${dryRun ? 'would replay' : 'replaying'} ${describeJob(queue.name, job)}`);
      if (!dryRun) {
        const { taskId, stepId } = job.data as { taskId: string; stepId: string };
        // The record first: a callback job run before its record is due again would find it failed and send nothing.
        if (verdict.reopenCallback) await deps.correlationStore.reopenCallback(taskId, stepId, new Date().toISOString());
        await requeueFailed(job);
      }
      replayed += 1;
    }
  }
  const summary = `${dryRun ? 'would replay' : 'replayed'} ${replayed.toString()} job(s)`;
  io.out(left === 0 ? summary : `${summary}; ${left.toString()} not replayed (why: above)`);
  return 0;
}
