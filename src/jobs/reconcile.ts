import { checkTicket } from './check-ticket.ts';
import type { JobDeps } from './job-deps.ts';

export interface ReconcileResult {
  checked: number;
  reported: number;
  errors: number;
}

/**
 * Polls every open ticket and reports those that reached a final state (or were deleted), so a lost service-desk
 * event still completes its task. One ticket's error is logged and left for the next run; it never stops the others.
 */
export async function reconcile(deps: JobDeps): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, reported: 0, errors: 0 };
  for (const step of await deps.store.openSteps()) {
    try {
      const check = await checkTicket(deps, step);
      if (!('ticket' in check)) continue;
      result.checked += 1;
      // Records written before tickets were indexed by id get that index here (a moved Jira issue is then matched).
      await deps.store.indexTicketId(step.taskId, step.stepId, check.ticket);
      if (check.result === 'reported') result.reported += 1;
    } catch (error) {
      result.errors += 1;
      deps.logger.warn({ ...step, err: error instanceof Error ? error.message : String(error) }, 'reconciliation could not read the ticket');
    }
  }
  deps.metrics.reconcileRuns.inc({ result: result.errors > 0 ? 'with_errors' : 'ok' });
  return result;
}
