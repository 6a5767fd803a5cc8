/** The domain's words for a service-desk ticket: where it is, and what its state means for the task. */

/** Where a ticket lives: enough to find it again and to show a person. */
export interface TicketRef {
  /**
   * The desk's name: a `desks:` key, or the kind (`jira`, `servicenow`) for the kind's own section, which is also what
   * records written before desks had names hold.
   */
  system: string;
  /** Jira issue key (`OPS-12`) or ServiceNow record number (`SCTASK0010001`). */
  key: string;
  /** Jira issue id or ServiceNow sys_id. */
  id: string;
  /** Where a person opens it. */
  url: string;
  /** ServiceNow table; Jira project key. */
  container: string;
  /** A ServiceNow catalog order's request number (`REQ0010001`) when the ticket is its requested item. */
  request?: string;
  /** The route that opened it: its status map decides what the ticket's status means. */
  route?: string;
}

export type Outcome = 'complete' | 'errored';

export interface TicketStatus {
  /** The ticket reached a final state and the outcome is known. */
  final: boolean;
  outcome?: Outcome;
  /** Human words for the state, e.g. `Done` or `Closed Incomplete`. */
  status: string;
  resolution?: string;
  /** The desk answered that the ticket does not exist (deleted): final, reported errored. */
  deleted?: true;
  /** The ticket's key and link now, when they changed since it was created (a Jira issue moved to another project). */
  renamed?: { key: string; url: string };
}
