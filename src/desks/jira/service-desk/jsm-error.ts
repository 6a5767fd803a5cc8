import { JIRA_KIND_DESK } from '../jira-config.ts';
import { isApiError } from 'jira.js/core';
import { TicketSystemError } from '../../ticket-error.ts';
import { classifyJiraError } from '../classify-error.ts';

/**
 * JSM's own words for a refusal: its ErrorResponse is `{errorMessage, i18nErrorMessage}` (jira.js
 * `src/serviceDesk/models/errorResponse.ts`), not the platform API's ErrorCollection.
 */
export function jsmMessage(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const message = (body as { errorMessage?: unknown }).errorMessage;
  return typeof message === 'string' ? message : '';
}

/** A failed JSM call sorted like any Jira call (429, 5xx, network retried; other 4xx permanent), in JSM's words. */
export function classifyJsmError(error: unknown, action: string): TicketSystemError {
  const classified = classifyJiraError(error, action);
  const detail = isApiError(error) ? jsmMessage(error.body) : '';
  if (detail === '' || classified.code !== 'ticket_system_rejected') return classified;
  return new TicketSystemError({
    system: JIRA_KIND_DESK,
    code: 'ticket_system_rejected',
    message: `Jira ${action}: Jira refused with ${String(classified.status)}: ${detail}`,
    ...(classified.status === undefined ? {} : { status: classified.status }),
    cause: error,
  });
}
