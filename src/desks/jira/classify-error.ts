import { JIRA_KIND_DESK } from './jira-config.ts';
import { isApiError, isNetworkError, isRateLimitError, isServerError } from 'jira.js/core';
import { TicketSystemError } from '../ticket-error.ts';

/** Jira's own words for a refusal: `errorMessages` and the per-field `errors` of its ErrorCollection. */
export function jiraMessage(body: unknown): string {
  if (body === null || typeof body !== 'object') return typeof body === 'string' ? body.slice(0, 500) : '';
  const collection = body as { errorMessages?: unknown; errors?: unknown };
  const messages = Array.isArray(collection.errorMessages) ? collection.errorMessages.map(String) : [];
  const fields =
    collection.errors !== null && typeof collection.errors === 'object'
      ? Object.entries(collection.errors as Record<string, unknown>).map(([field, message]) => `${field}: ${String(message)}`)
      : [];
  return [...messages, ...fields].join('; ');
}

/** Sorts a failed Jira call into retry-with-backoff, retry-after-advice, or stop (contract §5; issue: 4xx stop). */
export function classifyJiraError(error: unknown, action: string): TicketSystemError {
  const what = `Jira ${action}`;
  if (isRateLimitError(error)) {
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    return new TicketSystemError({
      system: JIRA_KIND_DESK,
      code: 'ticket_system_rate_limited',
      message: `${what}: rate limited (429)`,
      status: 429,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  if (isServerError(error)) {
    return new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: Jira answered ${error.status.toString()}`, status: error.status, cause: error });
  }
  if (isNetworkError(error)) {
    return new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: Jira did not answer (${(error as Error).message})`, cause: error });
  }
  if (isApiError(error)) {
    const detail = jiraMessage(error.body);
    return new TicketSystemError({
      system: JIRA_KIND_DESK,
      code: 'ticket_system_rejected',
      message: `${what}: Jira refused with ${error.status.toString()}${detail === '' ? '' : `: ${detail}`}`,
      status: error.status,
      cause: error,
    });
  }
  return new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
}

/**
 * Jira's own "no such issue": 404 with its ErrorCollection body ("Issue does not exist or you do not have permission
 * to see it", Get issue in the REST v3 reference). A 404 without that body (a wrong base URL, a proxy's page) is not
 * taken for a deleted issue.
 */
export function isIssueMissing(error: unknown): boolean {
  if (!isApiError(error) || error.status !== 404) return false;
  const body = error.body as { errorMessages?: unknown } | null;
  return body !== null && typeof body === 'object' && Array.isArray(body.errorMessages);
}
