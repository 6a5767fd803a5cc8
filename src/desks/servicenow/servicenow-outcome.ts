import type { TicketStatus } from '../../domain/ticket.ts';

export interface TableStates {
  complete: readonly number[];
  errored: readonly number[];
}

/**
 * Whether a requested item's `stage` says its request was cancelled. Stages are flow-driven and instance-specific
 * (a RITM can reach "Closed Complete" with stage "Request Cancelled" when a catalog task closed incomplete), so
 * `servicenow.cancelledStages` lists them where set; otherwise any stage whose value names a cancellation counts.
 */
export function isCancelledStage(stage: string | undefined, cancelledStages: readonly string[] | undefined): boolean {
  if (stage === undefined || stage === '') return false;
  if (cancelledStages !== undefined) return cancelledStages.some((listed) => listed.toLowerCase() === stage.toLowerCase());
  return /cancel/i.test(stage);
}

/**
 * A record's `state` against its table's final states (contract §6 defaults, configurable per table); for a
 * requested item also its `stage`: a complete state whose stage says cancelled is errored.
 */
export function serviceNowOutcome(
  state: string | number | undefined,
  states: TableStates | undefined,
  label?: string,
  stage?: { value: string | undefined; cancelled: readonly string[] | undefined },
): TicketStatus {
  const code = typeof state === 'number' ? state : Number.parseInt(state ?? '', 10);
  const status = label ?? `state ${String(state ?? 'unknown')}`;
  if (states === undefined || Number.isNaN(code)) return { final: false, status };
  if (states.complete.includes(code)) {
    if (stage !== undefined && isCancelledStage(stage.value, stage.cancelled)) return { final: true, outcome: 'errored', status: `${status}, stage ${stage.value ?? ''}` };
    return { final: true, outcome: 'complete', status };
  }
  if (states.errored.includes(code)) return { final: true, outcome: 'errored', status };
  return { final: false, status };
}
