import type { TicketStatus } from '../../domain/ticket.ts';

export interface JiraIssueState {
  status: string;
  /** statusCategory.key: `new`, `indeterminate` or `done`. */
  statusCategory: string;
  resolution?: string | undefined;
}

const sameName = (a: string | null | undefined, b: string): boolean => a != null && a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * With a status map (`outcome:`): a status or resolution named in `errored` errors the task, one in `complete`
 * completes it (errored first, should a name be in both), anything else leaves it open, whatever its category.
 * Without one, contract §6: status category `done` ⇒ complete, unless the resolution or the status is one of `erroredResolutions`
 * (compared ignoring case) ⇒ errored. Anything else is not final.
 */
export function jiraOutcome(state: JiraIssueState, erroredResolutions: readonly string[], map?: { readonly complete: readonly string[]; readonly errored: readonly string[] }): TicketStatus {
  const base = { status: state.status, ...(state.resolution == null ? {} : { resolution: state.resolution }) };
  if (map !== undefined) {
    const named = (names: readonly string[]) => names.some((name) => sameName(state.status, name) || sameName(state.resolution, name));
    if (named(map.errored)) return { final: true, outcome: 'errored', ...base };
    if (named(map.complete)) return { final: true, outcome: 'complete', ...base };
    return { final: false, ...base };
  }
  if (state.statusCategory !== 'done') return { final: false, ...base };
  const errored = erroredResolutions.some((name) => sameName(state.resolution, name) || sameName(state.status, name));
  return { final: true, outcome: errored ? 'errored' : 'complete', ...base };
}
