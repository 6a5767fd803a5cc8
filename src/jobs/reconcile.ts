import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenTicket } from '../store/correlation-store.ts';
import { DEFAULT_PAUSE_MS } from '../store/desk-pace.ts';
import { TicketSystemError } from '../desks/ticket-error.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import type { TicketStatus } from '../domain/ticket.ts';
import { reportIfFinal } from './check-ticket.ts';
import type { JobDeps } from './job-deps.ts';
import { approvalRouteOf, checkApproval } from './check-approval.ts';

export interface ReconcileResult {
  checked: number;
  reported: number;
  errors: number;
  /** Open-set members dropped because their record expired (only when there were any). */
  expired?: number;
  /** Another run held the lock: this one did nothing. */
  skipped?: true;
}

/** Records read from Redis per pipeline. */
const RECORD_CHUNK = 1000;
/** Tries of one desk call that keeps answering 429 before its tickets are left for the next run. */
const RATE_LIMITED_TRIES = 5;

type OpenItem = Extract<OpenTicket, { state: 'open' }>;

/**
 * Polls every open ticket and reports those that reached a final state (or were deleted), so a lost service-desk
 * event still completes its task. One run at a time across every worker process (a lock in Redis); tickets are read in
 * the desk's batches (`getStatuses`), `reconcile.concurrency` batches in flight per desk, through the desk's pace
 * (a 429 pauses the desk for create-ticket jobs too). A ticket missing from a batch is read alone before it is
 * believed deleted. Members whose record expired leave the open set. One ticket's error is logged and left for the
 * next run; it never stops the others.
 */
export async function reconcile(deps: JobDeps): Promise<ReconcileResult> {
  const started = performance.now();
  const lock = await deps.reconcileLock.tryAcquire();
  if (lock === undefined) {
    deps.logger.info('another reconciliation run is in progress: this one is skipped');
    deps.metrics.reconcileRuns.inc({ result: 'skipped' });
    return { checked: 0, reported: 0, errors: 0, skipped: true };
  }
  const result = { checked: 0, reported: 0, errors: 0, expired: 0 };
  let outcome = 'failed';
  try {
    const members = await deps.store.openMembers();
    for (const desk of Object.keys(deps.ticketSystems)) deps.metrics.reconcileTickets.set({ desk }, 0);
    const byDesk = new Map<string, OpenItem[]>();
    for (let start = 0; start < members.length; start += RECORD_CHUNK) {
      const entries = await deps.store.openTickets(members.slice(start, start + RECORD_CHUNK));
      const gone = entries.filter((entry) => entry.state === 'gone').map((entry) => entry.member);
      await deps.store.forgetOpen(gone);
      result.expired += gone.length;
      for (const entry of entries) {
        if (entry.state !== 'open') continue;
        const items = byDesk.get(entry.ticket.system) ?? [];
        items.push(entry);
        byDesk.set(entry.ticket.system, items);
      }
    }
    await Promise.all([...byDesk].map(([desk, items]) => reconcileDesk(deps, desk, items, result)));
    outcome = result.errors > 0 ? 'with_errors' : 'ok';
    deps.logger.info({ ...result, open: members.length, seconds: (performance.now() - started) / 1000 }, 'reconciliation run finished');
  } finally {
    await lock.release();
    deps.metrics.reconcileRuns.inc({ result: outcome });
    deps.metrics.reconcileDuration.observe({ result: outcome }, (performance.now() - started) / 1000);
    deps.metrics.reconcileExpired.inc(result.expired);
  }
  const { expired, ...counts } = result;
  return expired > 0 ? { ...counts, expired } : counts;
}

async function reconcileDesk(deps: JobDeps, desk: string, items: readonly OpenItem[], result: ReconcileResult): Promise<void> {
  deps.metrics.reconcileTickets.set({ desk }, items.length);
  const system = deps.ticketSystems[desk as keyof JobDeps['ticketSystems']];
  if (system === undefined) {
    result.errors += items.length;
    deps.logger.warn({ desk, tickets: items.length }, 'reconciliation: open tickets of a desk that is not configured');
    return;
  }
  // Approval tickets are read one by one (their decision, words and assignee); the others in the desk's batches.
  const approvals = items.filter((item) => approvalRouteOf(deps.config, item.ticket.route) !== undefined);
  const tickets = items.filter((item) => !approvals.includes(item));
  for (const item of approvals) await reconcileApproval(deps, system, item, result);
  const batches: OpenItem[][] = [];
  for (let start = 0; start < tickets.length; start += system.batchSize) batches.push(tickets.slice(start, start + system.batchSize));
  let next = 0;
  const lane = async () => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) await reconcileBatch(deps, system, batch, result);
  };
  await Promise.all(Array.from({ length: Math.min(deps.config.reconcile.concurrency, batches.length) }, lane));
}

async function reconcileBatch(deps: JobDeps, system: TicketSystem, batch: readonly OpenItem[], result: ReconcileResult): Promise<void> {
  let statuses: Map<string, TicketStatus>;
  try {
    statuses = await paced(deps, system.name, () => system.getStatuses(batch.map((item) => item.ticket)));
  } catch (error) {
    result.errors += batch.length;
    deps.logger.warn({ desk: system.name, tickets: batch.length, err: message(error) }, 'reconciliation could not read a batch of tickets');
    return;
  }
  const read: OpenItem[] = [];
  for (const item of batch) {
    const step = { taskId: item.taskId, stepId: item.stepId };
    try {
      // Missing from the batch: deleted, or not searchable yet. One read by id says which.
      const status = statuses.get(item.ticket.id) ?? (await paced(deps, system.name, () => system.getStatus(item.ticket)));
      const check = await reportIfFinal(deps, step, item.ticket, status);
      result.checked += 1;
      if (check.result === 'reported') result.reported += 1;
      read.push(item);
    } catch (error) {
      result.errors += 1;
      deps.logger.warn({ ...step, err: message(error) }, 'reconciliation could not read the ticket');
    }
  }
  // Records written before tickets were indexed by id get that index here (a moved Jira issue is then matched).
  await deps.store.indexTicketIds(read).catch((error: unknown) => deps.logger.warn({ err: message(error) }, 'reconciliation could not index tickets by id'));
}

async function reconcileApproval(deps: JobDeps, system: TicketSystem, item: OpenItem, result: ReconcileResult): Promise<void> {
  const step = { taskId: item.taskId, stepId: item.stepId };
  try {
    const record = await deps.store.get(step.taskId, step.stepId);
    if (record === undefined || record.fields['outcome'] !== undefined) return;
    const check = await paced(deps, system.name, () => checkApproval(deps, record, item.ticket, system));
    result.checked += 1;
    if (check.result === 'reported') result.reported += 1;
  } catch (error) {
    // Never a deny: the ticket is read again by the next run.
    result.errors += 1;
    deps.logger.warn({ ...step, err: message(error) }, 'reconciliation could not read the approval ticket');
  }
}

/** Calls the desk once it is not paused; a 429 pauses it (for every process) and the call is made again after. */
async function paced<T>(deps: JobDeps, desk: string, call: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    for (let wait = await deps.pace.waitMs(desk); wait > 0; wait = await deps.pace.waitMs(desk)) await sleep(wait);
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TicketSystemError) || error.code !== 'ticket_system_rate_limited' || tries >= RATE_LIMITED_TRIES) throw error;
      await deps.pace.pause(desk, error.retryAfterMs ?? DEFAULT_PAUSE_MS);
      deps.metrics.deskRateLimited.inc({ desk });
    }
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
