import { DelayedError, type Job } from 'bullmq';
import type { ChosenRoute } from '../domain/routing.ts';
import type { CreateTicketJob } from '../queue/queues.ts';
import { CREATE_STARTED_FIELD, type CorrelationRecord } from '../store/correlation-store.ts';
import { TicketSystemError } from '../desks/ticket-error.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import type { TicketRef } from '../domain/ticket.ts';
import type { JobDeps } from './job-deps.ts';

/** A 4xx other than 408 means the desk refused the create: nothing was opened. */
function createdNothing(error: unknown): boolean {
  return error instanceof TicketSystemError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408;
}

/**
 * Opens the step's ticket, unless an earlier attempt may already have. The record's in-flight marker is written just
 * before each create call; an attempt that finds it (or any retry of the job) looks the ticket up in the desk first
 * (Jira: by label, confirmed by the issue property; ServiceNow: by correlation_id), but only once the desk's search
 * can see a ticket created at the marker's time: until then the job is put back, delayed, without using an attempt.
 * A search that still misses after that wait opens a second ticket: the window that remains is a search index lagging
 * more than the desk's `searchLagMs`.
 */
export async function findOrCreate(
  deps: JobDeps,
  job: Job<CreateTicketJob>,
  token: string | undefined,
  system: TicketSystem,
  route: ChosenRoute,
  record: CorrelationRecord | undefined,
): Promise<{ ticket: TicketRef; recovered: boolean }> {
  const { taskId, stepId, request } = job.data;
  const startedAt = record?.fields[CREATE_STARTED_FIELD];
  // A job put back because its desk was paused (or answered 429, which clears the marker) called nothing that may have
  // opened a ticket; with a record, the marker says whether a create call may have, so only a failed attempt or a
  // stall (a worker that died, perhaps mid-call) adds a search. Counting every start would make each put-back job
  // search before it creates: a second call on the desk's rate (ServiceNow's table API shares one limit).
  const started = record === undefined ? (job.attemptsStarted ?? 0) > 1 : (job.stalledCounter ?? 0) > 0;
  const retried = started || job.attemptsMade > 0;
  if (startedAt !== undefined || retried) {
    const wait = (startedAt === undefined ? 0 : Date.parse(startedAt) + system.searchLagMs) - deps.now().getTime();
    if (wait > 0) {
      deps.logger.info({ taskId, stepId, jobId: job.id, startedAt, waitMs: wait }, 'an earlier create call may not be searchable yet: looking it up later');
      if (token === undefined) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      } else {
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    }
    const found = await system.findByTask(taskId, stepId, route);
    if (found !== undefined) return { ticket: found, recovered: true };
  }
  if (record !== undefined) await deps.store.markCreateStarted(taskId, stepId, deps.now().toISOString());
  try {
    return { ticket: await system.create({ request, route }), recovered: false };
  } catch (error) {
    if (record !== undefined && createdNothing(error)) await deps.store.clearCreateStarted(taskId, stepId);
    throw error;
  }
}
