import type { Job } from 'bullmq';
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

/** `list-failed [--queue q]`: failed jobs, newest first, with their reasons. */
export async function listFailed(deps: QueueDeps, queueName: string | undefined, io: CliIo): Promise<number> {
  let total = 0;
  for (const queue of queuesNamed(deps, queueName)) {
    for (const job of await queue.getFailed(0, 999)) {
      io.out(describeJob(queue.name, job));
      total += 1;
    }
  }
  io.out(`${total.toString()} failed job(s)`);
  return 0;
}

/** `replay-failed [--queue q] [--dry-run]`: moves failed jobs back to waiting, keeping their ids (so no duplicates). */
export async function replayFailed(deps: QueueDeps, queueName: string | undefined, dryRun: boolean, io: CliIo): Promise<number> {
  let total = 0;
  for (const queue of queuesNamed(deps, queueName)) {
    for (const job of await queue.getFailed(0, 999)) {
      io.out(`${dryRun ? 'would replay' : 'replaying'} ${describeJob(queue.name, job)}`);
      if (!dryRun) await job.retry('failed');
      total += 1;
    }
  }
  io.out(`${dryRun ? 'would replay' : 'replayed'} ${total.toString()} job(s)`);
  return 0;
}
