import type { ChosenRoute } from '../domain/routing.ts';
import type { TicketRequest } from '../domain/provisioning-request.ts';
import type { TicketRef, TicketStatus } from '../domain/ticket.ts';
import type { ApprovalTickets } from './approval-tickets.ts';

export interface CreateTicketInput {
  request: TicketRequest;
  route: ChosenRoute;
}

/**
 * What the bridge needs from a service desk. Every method throws TicketSystemError on failure, classified as
 * retryable (429, 5xx, network: the job backs off) or permanent (other 4xx: the job fails visibly).
 */
export interface TicketSystem {
  /** The desk's name (pace, metrics and ticket refs are per desk): a `desks:` key, or the kind for its own section. */
  readonly name: string;
  readonly kind: string;
  /** What a person calls one of its tickets: `Jira issue`, `ServiceNow record`. */
  readonly ticketNoun: string;
  /**
   * How long after a create the desk's search may still miss the new ticket (Jira Cloud's JQL search is eventually
   * consistent; ServiceNow's Table API reads the table itself: 0). A retry after a create call waits this out before
   * it searches.
   */
  readonly searchLagMs: number;
  create(input: CreateTicketInput): Promise<TicketRef>;
  /** The ticket opened earlier for this task step, found in the desk itself (crash recovery), if any. */
  findByTask(taskId: string, stepId: string, route: ChosenRoute): Promise<TicketRef | undefined>;
  /** Reads the ticket the record names (by its id), never one named by an event. A ticket gone is `deleted`. */
  getStatus(ref: TicketRef): Promise<TicketStatus>;
  /** Most tickets `getStatuses` reads in one call (Jira: one JQL search; ServiceNow: one `sys_idIN` query). */
  readonly batchSize: number;
  /**
   * Reads up to `batchSize` tickets at once, asking only for the fields a status needs (paged if the desk pages),
   * keyed by ticket id. A ticket missing from the answer may be deleted, or not yet searchable: read it with
   * `getStatus` before believing it gone.
   */
  getStatuses(refs: readonly TicketRef[]): Promise<Map<string, TicketStatus>>;
  comment(ref: TicketRef, text: string): Promise<void>;
  /** Proves the credentials work; answers who the bridge acts as. */
  probe(): Promise<string>;
  /** Approval tickets, on a desk that opens them for `for: approval` routes. */
  readonly approvals?: ApprovalTickets;
}
