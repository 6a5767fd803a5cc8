import type { TicketStatus } from '../ticket-system.ts';

export interface TableStates {
  complete: readonly number[];
  errored: readonly number[];
}

/** A record's `state` against its table's final states (contract §6 defaults, configurable per table). */
export function serviceNowOutcome(state: string | number | undefined, states: TableStates | undefined, label?: string): TicketStatus {
  const code = typeof state === 'number' ? state : Number.parseInt(state ?? '', 10);
  const status = label ?? `state ${String(state ?? 'unknown')}`;
  if (states === undefined || Number.isNaN(code)) return { final: false, status };
  if (states.complete.includes(code)) return { final: true, outcome: 'complete', status };
  if (states.errored.includes(code)) return { final: true, outcome: 'errored', status };
  return { final: false, status };
}
