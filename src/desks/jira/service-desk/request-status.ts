/**
 * A customer request's state as a TicketStatus, by the same rule as a plain issue (jira-outcome.ts). JSM writes the
 * status category in upper case (`NEW`, `INDETERMINATE`, `DONE`, `UNDEFINED`: `currentStatus.statusCategory`,
 * desks.md §2), the platform API in lower case (`statusCategory.key`); the resolution comes from the issue itself.
 */
import type { TicketStatus } from '../../../domain/ticket.ts';
import { jiraOutcome } from '../jira-outcome.ts';
import type { CustomerRequest } from './jsm-api.ts';

export function jsmRequestStatus(request: Pick<CustomerRequest, 'currentStatus'>, resolution: string | null | undefined, erroredResolutions: readonly string[]): TicketStatus {
  return jiraOutcome(
    { status: request.currentStatus?.status ?? '', statusCategory: (request.currentStatus?.statusCategory ?? '').toLowerCase(), resolution: resolution ?? undefined },
    erroredResolutions,
  );
}
