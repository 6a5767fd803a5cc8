/**
 * Jira Cloud approval tickets: a plain issue whose status decides, by the route's `approve` and `deny` lists (names
 * compare ignoring case; a status in neither list leaves it open). REST v3 `GET /rest/api/3/issue/{id}` with
 * `fields=status,assignee,comment` (the `comment` field holds the issue's comments, oldest first; `assignee` a user
 * whose `emailAddress` Jira may hide by the person's privacy settings).
 */
import type { createCloudClient } from 'jira.js';
import { APPROVAL_DESCRIPTION, APPROVAL_SUMMARY } from '../../domain/approval-ticket-text.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import type { TicketRef } from '../../domain/ticket.ts';
import type { ApprovalReading, ApprovalTickets } from '../approval-tickets.ts';
import { TicketSystemError } from '../ticket-error.ts';
import { adfToText } from './adf.ts';
import { classifyJiraError, isIssueMissing } from './classify-error.ts';
import { JIRA_KIND_DESK, type JiraTarget } from './jira-config.ts';
import { jiraIssueBody } from './issue-body.ts';

export interface ApprovalStatuses {
  approve: readonly string[];
  deny: readonly string[];
}

export interface JiraApprovalsOptions {
  client: () => Promise<ReturnType<typeof createCloudClient>>;
  ref: (issue: { id: string; key: string }, project: string) => TicketRef;
  /** The route's lists, by route name; undefined when the route has none (renamed or gone): nothing decides. */
  statuses: (route: string | undefined) => ApprovalStatuses | undefined;
  scope: ScopeOptions;
}

type ApprovalFields = {
  status?: { name?: string };
  assignee?: { emailAddress?: string } | null;
  comment?: { comments?: Array<{ body?: unknown }> };
};

const inList = (list: readonly string[], name: string) => list.some((entry) => entry.toLowerCase() === name.toLowerCase());

/** A route target's approve / deny lists, when it has both (only a `for: approval` route may). */
export function approvalStatusesOf(target: JiraTarget | undefined): ApprovalStatuses | undefined {
  return target?.approve === undefined || target.deny === undefined ? undefined : { approve: target.approve, deny: target.deny };
}

/** The decision a status means for a route's lists; a status in neither list (or no lists) is open. */
export function jiraApprovalDecision(status: string, statuses: ApprovalStatuses | undefined): ApprovalReading['decision'] {
  if (statuses === undefined || status === '') return 'open';
  if (inList(statuses.approve, status)) return 'approve';
  if (inList(statuses.deny, status)) return 'deny';
  return 'open';
}

/** An approval issue's summary and description: the route's templates, else the approval defaults. */
export function approvalTarget(target: JiraTarget): JiraTarget {
  return { ...target, summary: target.summary ?? APPROVAL_SUMMARY, description: target.description ?? APPROVAL_DESCRIPTION };
}

export function createJiraApprovals(options: JiraApprovalsOptions): ApprovalTickets {
  return {
    async create({ request, route }) {
      const target = route.target.jira;
      if (target?.project === undefined) throw new Error(`route ${route.name} has no jira project target`);
      const project = target.project;
      try {
        const created = await (await options.client()).issues.createIssue(jiraIssueBody(approvalTarget(target), request, options.scope));
        if (created.key === undefined || created.id === undefined) {
          throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: 'Jira create issue: the answer has no key' });
        }
        return options.ref({ id: created.id, key: created.key }, project);
      } catch (error) {
        if (error instanceof TicketSystemError) throw error;
        throw classifyJiraError(error, 'create approval issue');
      }
    },

    async read(ticket) {
      let fields: ApprovalFields | undefined;
      try {
        const issue = await (await options.client()).issues.getIssue({ issueIdOrKey: ticket.id, fields: ['status', 'assignee', 'comment'] });
        fields = issue.fields as ApprovalFields | undefined;
      } catch (error) {
        if (isIssueMissing(error)) return { decision: 'open', status: 'deleted', deleted: true };
        throw classifyJiraError(error, `get approval issue ${ticket.key}`);
      }
      const status = fields?.status?.name ?? '';
      const last = fields?.comment?.comments?.at(-1);
      const words = last === undefined ? '' : adfToText(last.body);
      const email = fields?.assignee?.emailAddress ?? '';
      return {
        decision: jiraApprovalDecision(status, options.statuses(ticket.route)),
        status,
        ...(words === '' ? {} : { words }),
        ...(email === '' ? {} : { assigneeEmail: email }),
      };
    },
  };
}
