import { outcomeComment } from '../domain/outcome-comment.ts';
import { reportOutcome } from '../ingest/report-outcome.ts';
import { ticketOf } from '../store/correlation-store.ts';
import type { JobDeps } from './job-deps.ts';

export interface ReconcileResult {
  checked: number;
  reported: number;
  errors: number;
}

/**
 * Polls every open ticket and reports those that reached a final state, so a lost service-desk event still completes
 * its task. One ticket's error is logged and left for the next run; it never stops the others.
 */
export async function reconcile(deps: JobDeps): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, reported: 0, errors: 0 };
  for (const step of await deps.store.openSteps()) {
    const record = await deps.store.get(step.taskId, step.stepId);
    const ticket = record === undefined ? undefined : ticketOf(record);
    const system = ticket === undefined ? undefined : deps.ticketSystems[ticket.system];
    if (ticket === undefined || system === undefined) continue;
    result.checked += 1;
    try {
      const status = await system.getStatus(ticket);
      if (!status.final || status.outcome === undefined) continue;
      if (await reportOutcome(deps, step, status.outcome, outcomeComment(ticket, status, status.outcome))) {
        result.reported += 1;
        deps.logger.info({ ...step, ticket: ticket.key, outcome: status.outcome }, 'reconciliation found a final ticket');
      }
    } catch (error) {
      result.errors += 1;
      deps.logger.warn({ ...step, ticket: ticket.key, err: error instanceof Error ? error.message : String(error) }, 'reconciliation could not read the ticket');
    }
  }
  deps.metrics.reconcileRuns.inc({ result: result.errors > 0 ? 'with_errors' : 'ok' });
  return result;
}
