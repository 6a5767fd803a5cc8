import { replayJob } from '../../queue/replay-job.ts';
import { DESK_KINDS } from '../../desks/registry.ts';
import type { Job } from 'bullmq';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import { stepJobId, type CreateTicketJob, type Queues } from '../../queue/queues.ts';
import type { CorrelationRecord, CorrelationStore } from '../../store/correlation-store.ts';

/**
 * What the operator console shows, read from the correlation records and the queues. Nothing here carries a callback
 * URL: the URL holds ConductorOne's token, so only its origin leaves this module.
 */
export interface ConsoleSources {
  queues: Queues;
  store: Pick<CorrelationStore, 'findTask' | 'findByTicket' | 'get' | 'reopenCallback'>;
  /** The configured desks' names, whose tickets a search by key looks among (default: the kinds' own sections). */
  desks?: readonly string[];
}

export interface StepView {
  stepId: string;
  kind: string;
  state: string;
  createdAt: string;
  updatedAt: string;
  ticket?: { system: string; key: string; url?: string };
  outcome?: string;
  outcomeComment?: string;
  callbackResult?: string;
  callbackOrigin: string;
  history: CorrelationRecord['history'];
}

export interface TaskView {
  taskId: string;
  /** From the task's create-ticket job, while BullMQ keeps it (completed jobs: a week). */
  request?: Pick<TicketRequest, 'kind' | 'displayName' | 'subject' | 'app' | 'entitlement' | 'taskUrl'>;
  receivedAt: string;
  steps: StepView[];
}

export interface FailedJobView {
  queue: string;
  jobId: string;
  taskId?: string;
  attempts: number;
  failedAt?: string;
  reason: string;
}

const JOB_STATES = ['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/**
 * How many of the newest create-ticket jobs of each state the list and the email search read: the console refreshes
 * every 1.5 s, so it reads a bounded slice, never a whole week's queue. Task ids and ticket keys are found at any age.
 */
export const RECENT_SCAN = 200;

export function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '';
}

/** Job data with every `callbackUrl` cut to its origin, at any depth: what the queue dashboard may show. */
export function withoutCallbackTokens(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(withoutCallbackTokens);
  if (data === null || typeof data !== 'object') return data;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, key === 'callbackUrl' && typeof value === 'string' ? `${originOf(value)}/… (token not shown)` : withoutCallbackTokens(value)]),
  );
}

function stepView(record: CorrelationRecord): StepView {
  const { fields } = record;
  return {
    stepId: record.stepId,
    kind: record.kind,
    state: record.state,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(fields['ticketKey'] === undefined
      ? {}
      : { ticket: { system: fields['ticketSystem'] ?? '', key: fields['ticketKey'], ...(fields['ticketUrl'] === undefined ? {} : { url: fields['ticketUrl'] }) } }),
    ...(fields['outcome'] === undefined ? {} : { outcome: fields['outcome'] }),
    ...(fields['outcomeComment'] === undefined ? {} : { outcomeComment: fields['outcomeComment'] }),
    ...(fields['callbackResult'] === undefined ? {} : { callbackResult: fields['callbackResult'] }),
    callbackOrigin: originOf(record.callbackUrl),
    history: record.history,
  };
}

function requestView(request: TicketRequest): NonNullable<TaskView['request']> {
  const { kind, displayName, subject, app, entitlement, taskUrl } = request;
  return { kind, subject, app, entitlement, taskUrl, ...(displayName === undefined ? {} : { displayName }) };
}

/** The newest create-ticket jobs: one per task step the bridge accepted, newest first. */
async function recentJobs(sources: ConsoleSources, scan: number): Promise<Array<Job<CreateTicketJob>>> {
  const jobs = await sources.queues.createTicket.getJobs([...JOB_STATES], 0, scan - 1, false);
  return jobs.filter((job) => job !== undefined && typeof job.data?.taskId === 'string').sort((a, b) => b.timestamp - a.timestamp);
}

export async function taskView(sources: ConsoleSources, taskId: string, request?: TicketRequest): Promise<TaskView | undefined> {
  const records = await sources.store.findTask(taskId);
  if (records.length === 0) return undefined;
  let known = request;
  if (known === undefined) {
    for (const record of records) {
      const job = await sources.queues.createTicket.getJob(stepJobId(taskId, record.stepId));
      if (job?.data?.request !== undefined) {
        known = job.data.request;
        break;
      }
    }
  }
  return { taskId, ...(known === undefined ? {} : { request: requestView(known) }), receivedAt: records[0]?.createdAt ?? '', steps: records.map(stepView) };
}

/**
 * Tasks matching `query`: a task id or a ticket key (Jira or ServiceNow), exactly, at any age; or, among the recent
 * tasks (RECENT_SCAN), a user's email, or part of a task id, an email or a name. An empty query gives the recent tasks.
 */
export async function findTasks(sources: ConsoleSources, query: string, limit = 50): Promise<TaskView[]> {
  const wanted = query.trim();
  const jobs = await recentJobs(sources, RECENT_SCAN);
  const found = new Map<string, TicketRequest | undefined>();
  if (wanted !== '') {
    if ((await sources.store.findTask(wanted)).length > 0) found.set(wanted, undefined);
    for (const system of sources.desks ?? DESK_KINDS) {
      for (const key of new Set([wanted, wanted.toUpperCase()])) {
        const step = await sources.store.findByTicket(system, key);
        if (step !== undefined) found.set(step.taskId, undefined);
      }
    }
  }
  const needle = wanted.toLowerCase();
  for (const job of jobs) {
    if (found.size >= limit) break;
    const { taskId, request } = job.data;
    const haystack = [taskId, request.subject.email, request.subject.name, request.appUser.email].filter((v) => v !== undefined).map((v) => v.toLowerCase());
    if (needle === '' || found.has(taskId) || haystack.some((value) => value.includes(needle))) found.set(taskId, request);
  }
  const views = await Promise.all([...found].map(([taskId, request]) => taskView(sources, taskId, request)));
  return views.filter((view) => view !== undefined).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}

export async function failedJobs(sources: ConsoleSources, limit = 100): Promise<FailedJobView[]> {
  const views: FailedJobView[] = [];
  for (const queue of sources.queues.all) {
    for (const job of await queue.getFailed(0, limit - 1)) {
      const data = job.data as { taskId?: unknown };
      views.push({
        queue: queue.name,
        jobId: job.id ?? '',
        ...(typeof data.taskId === 'string' ? { taskId: data.taskId } : {}),
        attempts: job.attemptsMade,
        ...(job.finishedOn === undefined ? {} : { failedAt: new Date(job.finishedOn).toISOString() }),
        reason: job.failedReason,
      });
    }
  }
  return views.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''));
}

export type ReplayResult = { replayed: true; queue: string; jobId: string } | { replayed: false; reason: string; code: 'not_found' | 'not_replayable' };

/** Replays one failed job exactly as `replay-failed` does (`replayJob`): never a duplicate, never a refused callback again. */
export async function replayFailedJob(sources: ConsoleSources, queueName: string, jobId: string): Promise<ReplayResult> {
  const queue = sources.queues.all.find((q) => q.name === queueName);
  if (queue === undefined) return { replayed: false, code: 'not_found', reason: `unknown queue ${JSON.stringify(queueName)}` };
  const job = await queue.getJob(jobId);
  if (job === undefined || !(await job.isFailed())) return { replayed: false, code: 'not_found', reason: `no failed job ${JSON.stringify(jobId)} in ${queueName}` };
  const outcome = await replayJob(sources.store, queueName, job);
  if (!outcome.replayed) return { replayed: false, code: 'not_replayable', reason: `not replayed: ${outcome.why}` };
  return { replayed: true, queue: queueName, jobId };
}
