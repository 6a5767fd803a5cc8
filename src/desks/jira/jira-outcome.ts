import type { TicketStatus } from '../../domain/ticket.ts';

export interface JiraIssueState {
  status: string;
  /** statusCategory.key: `new`, `indeterminate` or `done`. */
  statusCategory: string;
  resolution?: string | undefined;
}

/**
 * Contract §6: status category `done` ⇒ complete, unless the resolution or the status is one of `erroredResolutions`
 * (compared ignoring case) ⇒ errored. Anything else is not final.
 */
export function jiraOutcome(state: JiraIssueState, erroredResolutions: readonly string[]): TicketStatus {
  const base = { status: state.status, ...(state.resolution == null ? {} : { resolution: state.resolution }) };
  if (state.statusCategory !== 'done') return { final: false, ...base };
  const errored = erroredResolutions.some((name) =>
    [state.resolution, state.status].some((value) => value != null && value.localeCompare(name, undefined, { sensitivity: 'accent' }) === 0),
  );
  return { final: true, outcome: errored ? 'errored' : 'complete', ...base };
}
