import type { CorrelationRecord } from '../store/correlation-store.ts';

/** The history entry that holds an approval ticket's assignee as the bridge last saw it (its email, or empty). */
export const ASSIGNEE_EVENT = 'approval_assignee';

/** The assignee last recorded for the step's ticket, or undefined when none was recorded yet. */
export function recordedAssignee(record: CorrelationRecord): string | undefined {
  const entry = record.history.findLast((candidate) => candidate.event === ASSIGNEE_EVENT);
  return entry === undefined ? undefined : (entry.detail ?? '');
}

/** A change of assignee to a person: the new assignee's email, compared ignoring case. */
export function assigneeChange(recorded: string | undefined, now: string | undefined): string | undefined {
  if (now === undefined || now === '' || recorded === undefined) return undefined;
  return now.toLowerCase() === recorded.toLowerCase() ? undefined : now;
}
