import { browseUrlOf } from './browse-url.ts';
import type { createCloudClient } from 'jira.js';
import type { SchemaMismatchBehavior } from 'jira.js/core';
import { jiraCoreClient } from './cloud-client.ts';
import { JIRA_KIND_DESK, type JiraConfig } from './jira-config.ts';
import type { ChosenRoute } from '../../domain/routing.ts';
import { DEFAULT_SCOPE_OPTIONS } from '../../domain/template-scope.ts';
import type { CreateTicketInput, TicketSystem } from '../ticket-system.ts';
import type { TicketRef, TicketStatus } from '../../domain/ticket.ts';
import { TicketSystemError } from '../ticket-error.ts';
import { textToAdf } from './adf.ts';
import { classifyJiraError, isIssueMissing } from './classify-error.ts';
import { jiraIssueBody, JIRA_PROPERTY_KEY, taskLabel } from './issue-body.ts';
import { jiraOutcome } from './jira-outcome.ts';
import { jqlString } from './jql.ts';
import { cloudUserSearch, createCloudUserFinder } from './find-user-cloud.ts';
import { cloudSubjectFinder, requestedFor, type RequestedForLog } from './requested-for.ts';
import { createJiraApprovals, type ApprovalStatuses } from './jira-approvals.ts';


export { JIRA_PROPERTY_KEY, taskLabel } from './issue-body.ts';

/**
 * jira.js's Cloud client holds every API group's schemas (tens of MB once loaded), so it is loaded on first use: a
 * process that never calls Jira (the API role, which only enqueues) never pays for it.
 */
const loadCloud = () => import('jira.js');

/** Loads jira.js's Cloud client ahead of the first call (a worker does, before it takes jobs). */
export async function loadJiraClient(): Promise<void> {
  await loadCloud();
}

export interface JiraTicketsOptions {
  config: JiraConfig;
  /** What to do when Jira's answer does not match jira.js's schema (tests: throw; production: log). */
  onSchemaMismatch?: SchemaMismatchBehavior;
  /** `templates.timeZone`: the zone times are written in on tickets. */
  timeZone?: string;
  /** The status map of the route that opened a ticket (its own, else the desk's); undefined: contract §6's default. */
  outcomeMap?: (route: string | undefined) => JiraConfig['outcome'];
  /** Says when the task's user could not be named on an issue (`reporter: subject`, `userFields`). */
  log?: RequestedForLog;
  /** A `for: approval` route's approve / deny statuses, by route name: given, the desk opens approval issues. */
  approvalStatuses?: (route: string | undefined) => ApprovalStatuses | undefined;
}

/**
 * Issues read per JQL search: Jira Cloud's `search/jql` returns at most 100 issues a page when fields are asked for
 * (more only for ids or keys alone), and a JQL `id in (…)` of 100 numbers stays far below any query length limit.
 */
export const JIRA_BATCH_SIZE = 100;

function requireRoute(route: ChosenRoute) {
  const target = route.target.jira;
  if (target === undefined) throw new Error(`route ${route.name} has no jira target`);
  return target;
}

/** Jira Cloud behind the TicketSystem interface, through jira.js (REST v3, descriptions in ADF). */
export function createJiraTickets(options: JiraTicketsOptions): TicketSystem {
  const { config } = options;
  const client = jiraCoreClient(config, options.onSchemaMismatch);
  let cloud: Promise<ReturnType<typeof createCloudClient>> | undefined;
  const jiraClient = () => (cloud ??= loadCloud().then((module) => module.createCloudClient(client)));
  const findSubject = cloudSubjectFinder(createCloudUserFinder(cloudUserSearch(client)));
  const browseUrl = browseUrlOf(config.baseUrl);
  const ref = (issue: { id: string; key: string }, project: string): TicketRef => ({
    system: 'jira',
    key: issue.key,
    id: issue.id,
    url: browseUrl(issue.key),
    container: project,
  });

  type IssueFields = { status?: { name?: string; statusCategory?: { key?: string } }; resolution?: { name?: string } | null } | undefined;
  const statusOf = (issue: { key?: string | undefined; fields?: unknown }, ticket: TicketRef): TicketStatus => {
    const fields = issue.fields as IssueFields;
    const status = jiraOutcome(
      { status: fields?.status?.name ?? '', statusCategory: fields?.status?.statusCategory?.key ?? '', resolution: fields?.resolution?.name },
      config.erroredResolutions,
      options.outcomeMap?.(ticket.route),
    );
    return issue.key === undefined || issue.key === ticket.key ? status : { ...status, renamed: { key: issue.key, url: browseUrl(issue.key) } };
  };

  return {
    name: 'jira',
    kind: 'jira',
    ticketNoun: 'Jira issue',
    searchLagMs: config.indexLagSeconds * 1000,
    batchSize: JIRA_BATCH_SIZE,

    async create({ request, route }: CreateTicketInput) {
      const target = requireRoute(route);
      const who = await requestedFor(target, request, findSubject, options.log);
      const body = jiraIssueBody(target, request, { timeZone: options.timeZone ?? DEFAULT_SCOPE_OPTIONS.timeZone }, who.note);
      Object.assign(body.fields, who.fields);
      try {
        const created = await (await jiraClient()).issues.createIssue(body);
        if (created.key === undefined || created.id === undefined) {
          throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: 'Jira create issue: the answer has no key' });
        }
        return ref({ id: created.id, key: created.key }, target.project ?? '');
      } catch (error) {
        if (error instanceof TicketSystemError) throw error;
        throw classifyJiraError(error, 'create issue');
      }
    },

    async findByTask(taskId, stepId, route) {
      const target = requireRoute(route);
      try {
        const result = await (await jiraClient()).issueSearch.searchAndReconsileIssuesUsingJql({
          jql: `labels = ${jqlString(taskLabel(taskId))} ORDER BY created ASC`,
          fields: ['project'],
          properties: [JIRA_PROPERTY_KEY],
          maxResults: 50,
        });
        for (const issue of result.issues ?? []) {
          const property = (issue.properties as Record<string, { stepId?: unknown } | undefined> | undefined)?.[JIRA_PROPERTY_KEY];
          if (issue.key !== undefined && issue.id !== undefined && property?.stepId === stepId) {
            return ref({ id: issue.id, key: issue.key }, target.project ?? '');
          }
        }
        return undefined;
      } catch (error) {
        throw classifyJiraError(error, 'search by task label');
      }
    },

    async getStatus(ticket): Promise<TicketStatus> {
      try {
        // By id: an issue moved to another project gets a new key and keeps its id.
        return statusOf(await (await jiraClient()).issues.getIssue({ issueIdOrKey: ticket.id, fields: ['status', 'resolution'] }), ticket);
      } catch (error) {
        if (isIssueMissing(error)) return { final: true, outcome: 'errored', status: 'deleted', deleted: true };
        throw classifyJiraError(error, `get issue ${ticket.key}`);
      }
    },

    async getStatuses(tickets) {
      const statuses = new Map<string, TicketStatus>();
      // Issue ids are numbers; anything else (a record of an old version naming only the key) is read alone.
      const byId = new Map(tickets.filter((ticket) => /^\d+$/.test(ticket.id)).map((ticket) => [ticket.id, ticket]));
      if (byId.size === 0) return statuses;
      const jql = `id in (${[...byId.keys()].join(', ')})`;
      let nextPageToken: string | undefined;
      try {
        do {
          const page = await (await jiraClient()).issueSearch.searchAndReconsileIssuesUsingJqlPost({
            jql,
            fields: ['status', 'resolution'],
            maxResults: byId.size,
            ...(nextPageToken === undefined ? {} : { nextPageToken }),
          });
          for (const issue of page.issues ?? []) {
            const ticket = issue.id === undefined ? undefined : byId.get(issue.id);
            if (ticket !== undefined) statuses.set(ticket.id, statusOf(issue, ticket));
          }
          nextPageToken = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
        } while (nextPageToken !== undefined);
      } catch (error) {
        throw classifyJiraError(error, `search ${byId.size.toString()} issues by id`);
      }
      return statuses;
    },

    async probe() {
      try {
        const me = await (await jiraClient()).myself.getCurrentUser();
        return `signed in as ${me.displayName ?? me.emailAddress ?? me.accountId ?? 'an unnamed account'}`;
      } catch (error) {
        throw classifyJiraError(error, 'who am I');
      }
    },

    async comment(ticket, text) {
      try {
        await (await jiraClient()).issueComments.addComment({ issueIdOrKey: ticket.id, body: { ...textToAdf(text) } });
      } catch (error) {
        throw classifyJiraError(error, `comment on ${ticket.key}`);
      }
    },

    ...(options.approvalStatuses === undefined
      ? {}
      : { approvals: createJiraApprovals({ client: jiraClient, ref, statuses: options.approvalStatuses, scope: { timeZone: options.timeZone ?? DEFAULT_SCOPE_OPTIONS.timeZone } }) }),
  };
}
