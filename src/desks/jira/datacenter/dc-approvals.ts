/**
 * Jira Data Center approval tickets: the Data Center adapter's own issue (wiki markup, label and property) with the
 * approval text, its status deciding by the route's `approve` / `deny` lists as on Cloud (jira-approvals.ts). Read over
 * REST v2, `GET /rest/api/2/issue/{id}?fields=status,assignee,comment` (desks.md §1.2): comment bodies are wiki markup,
 * read back as plain text; a 404 is a deleted issue, which decides nothing.
 */
import type { ApprovalReading, ApprovalTickets } from '../../approval-tickets.ts';
import type { TicketSystem } from '../../ticket-system.ts';
import { approvalTarget, jiraApprovalDecision, type ApprovalStatuses } from '../jira-approvals.ts';
import type { DcClient } from './dc-client.ts';
import { wikiToText } from './wiki-markup.ts';

type DcApprovalFields = {
  status?: { name?: string };
  assignee?: { emailAddress?: string } | null;
  comment?: { comments?: Array<{ body?: unknown }> };
};

/**
 * The Data Center adapter with approval issues: creates go through its own `create` with the route's summary and
 * description defaulting to the approval text.
 */
export function withDcApprovals(tickets: TicketSystem, client: DcClient, statuses: (route: string | undefined) => ApprovalStatuses | undefined): TicketSystem {
  const approvals: ApprovalTickets = {
    create: (input) => {
      const target = input.route.target.jira;
      if (target === undefined) throw new Error(`route ${input.route.name} has no jira target`);
      return tickets.create({ ...input, route: { ...input.route, target: { ...input.route.target, jira: approvalTarget(target) } } });
    },
    async read(ticket): Promise<ApprovalReading> {
      const issue = (await client.call(`get approval issue ${ticket.key}`, 'GET', `/issue/${encodeURIComponent(ticket.id)}?fields=status,assignee,comment`, { missingOk: true })) as
        | { fields?: DcApprovalFields }
        | undefined;
      if (issue === undefined) return { decision: 'open', status: 'deleted', deleted: true };
      const status = issue.fields?.status?.name ?? '';
      const last = issue.fields?.comment?.comments?.at(-1)?.body;
      const words = typeof last === 'string' ? wikiToText(last).trim() : '';
      const email = issue.fields?.assignee?.emailAddress ?? '';
      return {
        decision: jiraApprovalDecision(status, statuses(ticket.route)),
        status,
        ...(words === '' ? {} : { words }),
        ...(email === '' ? {} : { assigneeEmail: email }),
      };
    },
  };
  return { ...tickets, approvals };
}
