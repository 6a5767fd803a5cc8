import type { TicketRef } from '../domain/ticket.ts';
import type { CreateTicketInput } from './ticket-system.ts';

/**
 * What an approval ticket says now, read from the desk: the decision (only a state the route or the desk names as
 * approve or deny decides; anything else is open), the approver's words and who it is assigned to.
 */
export interface ApprovalReading {
  decision: 'approve' | 'deny' | 'open';
  /** Human words for the state, e.g. `Approved` or `approval: requested`. */
  status: string;
  /** The decision comment, else the last comment on the ticket, as plain text. */
  words?: string;
  /** The assignee's email, when the ticket has one and the desk shows it. */
  assigneeEmail?: string;
  /** The desk answered that the ticket does not exist: it decides nothing. */
  deleted?: true;
}

/**
 * A desk's approval tickets. Their marks are a provisioning ticket's (Jira label + issue property, ServiceNow
 * correlation_id), so the desk's `findByTask` finds them after a crash, and its `comment` writes on them.
 */
export interface ApprovalTickets {
  create(input: CreateTicketInput): Promise<TicketRef>;
  /** Reads the ticket the record names (by its id); throws TicketSystemError when it could not be read. */
  read(ref: TicketRef): Promise<ApprovalReading>;
}
