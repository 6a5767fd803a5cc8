import { browseUrlOf } from '../browse-url.ts';
import type { JiraConfig } from '../jira-config.ts';
/**
 * Jira Data Center / Server behind the TicketSystem interface, over REST v2 (`{baseUrl}/rest/api/2`, desks.md §1.2,
 * from jira.js v6.3's `src/server/api/*`, generated from Atlassian's DC OpenAPI): descriptions and comments are wiki
 * markup strings, users are named by `name`, and `/search` pages with `startAt` / `maxResults` / `total`.
 * It does what the Cloud adapter (jira-tickets.ts) does: the same issue content, label and property, the same status
 * rules (jira-outcome.ts), the same JQL literals (jql.ts).
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import type { ChosenRoute } from '../../../domain/routing.ts';
import { DEFAULT_SCOPE_OPTIONS } from '../../../domain/template-scope.ts';
import { characterCount, cutCharacters, JIRA_DESCRIPTION_MAX, TRUNCATED_MARKER } from '../../../domain/text-limits.ts';
import type { TicketRef, TicketStatus } from '../../../domain/ticket.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import type { CreateTicketInput, TicketSystem } from '../../ticket-system.ts';
import { jiraIssueParts, JIRA_PROPERTY_KEY, taskLabel } from '../issue-body.ts';
import { jiraOutcome } from '../jira-outcome.ts';
import { jqlString } from '../jql.ts';
import { createDcClient, type DcAuth, type DcClient } from './dc-client.ts';
import { whoAmI } from './detect-deployment.ts';
import { createDcUserFinder, type DcUserFinder } from './find-user-dc.ts';
import { textToWiki } from './wiki-markup.ts';
import { dcSubjectFinder, requestedFor } from '../requested-for.ts';

export interface JiraDataCenterConfig {
  baseUrl: string;
  /** A personal access token (sent as a bearer token); or `username` + `password` (basic auth). */
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  erroredResolutions: readonly string[];
  /** How long a new issue may be missing from search (a cluster's nodes update their index after the create). */
  indexLagSeconds?: number | undefined;
}

/** Where the bridge says who asked, when it cannot name them as the reporter. */
export interface DcLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface JiraDataCenterTicketsOptions {
  config: JiraDataCenterConfig;
  /** Injectable `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** `templates.timeZone`: the zone times are written in on tickets. */
  timeZone?: string;
  /** Logs a reporter that could not be found. */
  log?: DcLog;
  /** Answers whether a route wants the task's user as reporter; by default its target's `reporter: subject`. */
  reporterIsSubject?: (route: ChosenRoute) => boolean;
  /** The user lookup; one per adapter by default (it caches). */
  findUser?: DcUserFinder;
  /** The status map of the route that opened a ticket (its `outcome:`, else the desk's); unset: the default map. */
  outcomeMap?: (route: string | undefined) => JiraConfig['outcome'];
}

/** Issues read per JQL search: 100 ids keep `id in (…)` short, and Data Center answers 100 issues a page by default. */
export const JIRA_DC_BATCH_SIZE = 100;

function requireRoute(route: ChosenRoute) {
  const target = route.target.jira;
  if (target === undefined) throw new Error(`route ${route.name} has no jira target`);
  return target;
}

export function dcAuth(config: JiraDataCenterConfig): DcAuth {
  if (config.token !== undefined) return { token: config.token };
  if (config.username !== undefined && config.password !== undefined) return { username: config.username, password: config.password };
  throw new Error('Jira Data Center needs token (a personal access token) or username + password');
}

/** The description as wiki markup within Jira's 32,767 characters: escaping lengthens text, so the plain text is cut until it fits. */
export function fitWiki(text: string, max = JIRA_DESCRIPTION_MAX): string {
  let wiki = textToWiki(text);
  let keep = characterCount(text);
  while (characterCount(wiki) > max) {
    keep -= Math.max(1, characterCount(wiki) - max);
    wiki = textToWiki(`${cutCharacters(text, keep).trimEnd()}${TRUNCATED_MARKER}`);
  }
  return wiki;
}

/**
 * A route's extra field values as Data Center takes them. A multi-line string can only be for a text area (no date,
 * number, id or option name holds a line break), and Data Center renders text areas as wiki markup by default
 * ("Configuring renderers": Free Text Field and Text Field custom fields default to the wiki style renderer), so it is
 * escaped as the description is. Single-line strings are sent as rendered: they may be dates, numbers or ids that an
 * escape would break (README, Jira Data Center).
 */
export function wikiTextFields(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, typeof value === 'string' && value.includes('\n') ? textToWiki(value) : value]));
}

type IssueFields = { status?: { name?: string; statusCategory?: { key?: string } }; resolution?: { name?: string } | null } | undefined;
interface Issue {
  id?: string;
  key?: string;
  fields?: unknown;
}
interface SearchPage {
  startAt?: number;
  total?: number;
  issues?: Issue[];
}

/** Jira Data Center behind the TicketSystem interface, through a thin REST v2 client. */
export function createJiraDataCenterTickets(options: JiraDataCenterTicketsOptions): TicketSystem {
  const { config } = options;
  const client: DcClient = createDcClient({ baseUrl: config.baseUrl, auth: dcAuth(config), ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
  const findUser = options.findUser ?? createDcUserFinder(client);
  const reporterIsSubject = options.reporterIsSubject ?? ((route: ChosenRoute) => route.target.jira?.reporter === 'subject');
  const browseUrl = browseUrlOf(client.baseUrl);
  const ref = (issue: { id: string; key: string }, project: string): TicketRef => ({ system: 'jira', key: issue.key, id: issue.id, url: browseUrl(issue.key), container: project });

  const statusOf = (issue: Issue, ticket: TicketRef): TicketStatus => {
    const fields = issue.fields as IssueFields;
    const status = jiraOutcome(
      { status: fields?.status?.name ?? '', statusCategory: fields?.status?.statusCategory?.key ?? '', resolution: fields?.resolution?.name },
      config.erroredResolutions,
      options.outcomeMap?.(ticket.route),
    );
    return issue.key === undefined || issue.key === ticket.key ? status : { ...status, renamed: { key: issue.key, url: browseUrl(issue.key) } };
  };

  /** The task's user as reporter and in user-picker fields, where the route asks, or the line that says why not. */
  const subject = (input: CreateTicketInput) => {
    const target = requireRoute(input.route);
    return requestedFor({ reporter: reporterIsSubject(input.route) ? 'subject' : undefined, userFields: target.userFields ?? [] }, input.request, dcSubjectFinder(findUser), options.log);
  };

  return {
    name: 'jira',
    kind: 'jira',
    ticketNoun: 'Jira issue',
    searchLagMs: (config.indexLagSeconds ?? 60) * 1000,
    batchSize: JIRA_DC_BATCH_SIZE,

    async create(input) {
      const target = requireRoute(input.route);
      const parts = jiraIssueParts(target, input.request, { timeZone: options.timeZone ?? DEFAULT_SCOPE_OPTIONS.timeZone });
      const who = await subject(input);
      const description = fitWiki(who.note === undefined ? parts.description : `${who.note}\n\n${parts.description}`);
      const body = {
        fields: {
          ...wikiTextFields(parts.extra),
          project: { key: target.project },
          issuetype: { name: target.issueType },
          summary: parts.summary,
          description,
          labels: parts.labels,
          ...who.fields,
        },
        // In the create call, so the correlation is written with the issue (IssueUpdate.properties, desks.md §1.2).
        properties: [parts.property],
      };
      const created = (await client.call('create issue', 'POST', '/issue', { body })) as { id?: unknown; key?: unknown } | undefined;
      if (typeof created?.id !== 'string' || typeof created.key !== 'string') {
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: 'Jira create issue: the answer has no key' });
      }
      return ref({ id: created.id, key: created.key }, target.project ?? '');
    },

    async findByTask(taskId, stepId, route) {
      const target = requireRoute(route);
      // Labels are searchable out of the box; an issue property only where an app indexes it, so it is read per issue.
      const query = new URLSearchParams({ jql: `labels = ${jqlString(taskLabel(taskId))} ORDER BY created ASC`, fields: 'labels', maxResults: '50' });
      const page = (await client.call('search by task label', 'GET', `/search?${query.toString()}`)) as SearchPage | undefined;
      for (const issue of page?.issues ?? []) {
        if (issue.id === undefined || issue.key === undefined) continue;
        const property = (await client.call(`read the property of ${issue.key}`, 'GET', `/issue/${encodeURIComponent(issue.id)}/properties/${JIRA_PROPERTY_KEY}`, { missingOk: true })) as
          | { value?: { stepId?: unknown } }
          | undefined;
        if (property?.value?.stepId === stepId) return ref({ id: issue.id, key: issue.key }, target.project ?? '');
      }
      return undefined;
    },

    async getStatus(ticket) {
      // By id: an issue moved to another project gets a new key and keeps its id.
      const issue = (await client.call(`get issue ${ticket.key}`, 'GET', `/issue/${encodeURIComponent(ticket.id)}?fields=status,resolution`, { missingOk: true })) as Issue | undefined;
      if (issue === undefined) return { final: true, outcome: 'errored', status: 'deleted', deleted: true };
      return statusOf(issue, ticket);
    },

    async getStatuses(tickets) {
      const statuses = new Map<string, TicketStatus>();
      // Issue ids are numbers; anything else (a record of an old version naming only the key) is read alone.
      const byId = new Map(tickets.filter((ticket) => /^\d+$/.test(ticket.id)).map((ticket) => [ticket.id, ticket]));
      if (byId.size === 0) return statuses;
      const jql = `id in (${[...byId.keys()].join(', ')})`;
      let startAt = 0;
      for (;;) {
        const page = (await client.call(`search ${byId.size.toString()} issues by id`, 'POST', '/search', {
          body: { jql, startAt, maxResults: byId.size, fields: ['status', 'resolution'] },
        })) as SearchPage | undefined;
        const issues = page?.issues ?? [];
        for (const issue of issues) {
          const ticket = issue.id === undefined ? undefined : byId.get(issue.id);
          if (ticket !== undefined) statuses.set(ticket.id, statusOf(issue, ticket));
        }
        startAt += issues.length;
        // Jira may answer fewer than asked (its own page cap): go on until `total` is read, or a page comes back empty.
        if (issues.length === 0 || startAt >= (page?.total ?? 0)) break;
      }
      return statuses;
    },

    probe: () => whoAmI(client),

    async comment(ticket, text) {
      await client.call(`comment on ${ticket.key}`, 'POST', `/issue/${encodeURIComponent(ticket.id)}/comment`, { body: { body: textToWiki(text) } });
    },
  };
}
