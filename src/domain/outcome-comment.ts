import type { Outcome, TicketRef, TicketStatus } from '../tickets/ticket-system.ts';

const SYSTEM_NAME = { jira: 'Jira issue', servicenow: 'ServiceNow record' } as const;

/** C1 shows this comment on the task; it caps comments at 1024 characters. */
export function outcomeComment(ticket: TicketRef, status: Pick<TicketStatus, 'status' | 'resolution'>, outcome: Outcome): string {
  const request = ticket.request === undefined ? '' : ` of request ${ticket.request}`;
  const where = `${SYSTEM_NAME[ticket.system]} ${ticket.key}${request}${ticket.url === '' ? '' : ` (${ticket.url})`}`;
  const how = `status "${status.status}"${status.resolution === undefined ? '' : `, resolution "${status.resolution}"`}`;
  const verdict = outcome === 'complete' ? 'was resolved' : 'was closed without the change';
  return `${where} ${verdict}: ${how}.`.slice(0, 1024);
}

export function noRouteComment(app: string, entitlement: string, kind: string): string {
  return `No ticket was opened: no route in the bridge's configuration matches this ${kind} of ${app} / ${entitlement}, and no defaultRoute is configured.`.slice(0, 1024);
}
