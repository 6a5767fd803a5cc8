import type { Outcome, TicketRef, TicketStatus } from './ticket.ts';

/** C1 shows this comment on the task; it caps comments at 1024 characters. `noun` is the desk's word for a ticket. */
export function outcomeComment(ticket: TicketRef, status: Pick<TicketStatus, 'status' | 'resolution' | 'deleted'>, outcome: Outcome, noun: string): string {
  const request = ticket.request === undefined ? '' : ` of request ${ticket.request}`;
  const where = `${noun} ${ticket.key}${request}${ticket.url === '' ? '' : ` (${ticket.url})`}`;
  if (status.deleted === true) return `${where} was deleted before it was resolved, so the bridge cannot tell whether the change was made.`.slice(0, 1024);
  const how = `status "${status.status}"${status.resolution === undefined ? '' : `, resolution "${status.resolution}"`}`;
  const verdict = outcome === 'complete' ? 'was resolved' : 'was closed without the change';
  return `${where} ${verdict}: ${how}.`.slice(0, 1024);
}

/** The errored callback's comment when the desk would not take the ticket: its own reason, so C1's people can act. */
export function createFailedComment(reason: string): string {
  return `No ticket was opened: the service desk refused it or could not be reached, so this needs provisioning by hand. The desk said: ${reason}`.slice(0, 1024);
}

export function noRouteComment(app: string, entitlement: string, kind: string): string {
  return `No ticket was opened: no route in the bridge's configuration matches this ${kind} of ${app} / ${entitlement}, and no defaultRoute is configured.`.slice(0, 1024);
}
