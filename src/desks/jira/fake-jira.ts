/**
 * A fake Jira Cloud site: the REST v3 endpoints the bridge's adapter uses, plus a way to resolve an issue and build
 * the webhook Jira would send for it. Wire format from Atlassian's public reference:
 * - Create issue: POST /rest/api/3/issue → 201 `{id, key, self}`
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post)
 * - Get issue: GET /rest/api/3/issue/{key}?fields=… → `{id, key, self, fields}`; `fields.status.statusCategory.key`
 *   is `new` | `indeterminate` | `done`; `fields.resolution` is `null` or `{id, name, …}` (same group, issue-get).
 * - Add comment: POST /rest/api/3/issue/{key}/comment with an ADF `body` → 201 Comment
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/)
 * - Search: GET|POST /rest/api/3/search/jql → `{issues, nextPageToken?, isLast}`, `maxResults` a page (at most 100
 *   when fields are asked for, per the same page); `properties` asks for issue properties
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/). This search is eventually
 *   consistent: a new issue may be missing from its results "from a few seconds to minutes" after the create
 *   (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile); `indexLag(ms)` plays that.
 *   JQL string literals in double quotes escape `"` and `\` with a backslash.
 * - Issue fields `assignee` (a User, or null; `emailAddress` absent when the person's privacy settings hide it) and
 *   `comment` (PageOfComments: `{comments, maxResults, total, startAt}`, oldest first), same issue-get reference;
 *   assigning sends `jira:issue_updated` (`issue_event_type_name: issue_assigned`), a comment `comment_created`
 *   (https://developer.atlassian.com/cloud/jira/platform/webhooks/).
 * - Move: an issue moved to another project gets a new key and keeps its id; Get issue by id keeps answering.
 * - Delete: Get issue then answers 404 with an ErrorCollection; the webhook sends `jira:issue_deleted` with the issue as
 *   it was (https://developer.atlassian.com/cloud/jira/platform/webhooks/).
 * - Get current user: GET /rest/api/3/myself → `{self, accountId, accountType, emailAddress, displayName, active, …}`
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/)
 * - Errors: `{errorMessages: [], errors: {field: message}}` (ErrorCollection); 429 with `Retry-After` seconds
 *   (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/)
 * - Burst rate limit (same page): API-token traffic is limited per second, per endpoint and HTTP method; a 429 carries
 *   `Retry-After` (whole seconds to wait), `X-RateLimit-Reset` (ISO 8601, `yyyy-MM-ddTHH:mmZ`), `X-RateLimit-Limit`,
 *   `X-RateLimit-Remaining` and `RateLimit-Reason: jira-burst-based`.
 * - Webhooks: `{timestamp, webhookEvent: "jira:issue_updated", issue_event_type_name, user, issue, changelog}`,
 *   header `X-Atlassian-Webhook-Identifier`, signed `X-Hub-Signature: sha256=<hex HMAC of the body>` when a secret is set
 *   (https://developer.atlassian.com/cloud/jira/platform/webhooks/).
 * - Field limits on create, answered 400 with the field's message as Jira words it: a summary over 255 characters
 *   ("Summary must be less than 255 characters."), a text field over 32,767 characters ("The entered text is too
 *   long. It exceeds the allowed limit of 32,767 characters."), a label with a space ("The label '…' contains
 *   spaces which is invalid."). Characters are counted as code points here.
 * Every answer is also checked by jira.js's own response schemas in the tests (onSchemaMismatch: 'throw').
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { listen, sendJson, type RecordedRequest, type TlsOptions } from '../../sandbox/listen.ts';
import { tokenBuckets } from '../../sandbox/token-bucket.ts';
import { textToAdf } from './adf.ts';

/** The text of an ADF document: what Jira's length limit counts. */
function adfText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as { type?: string; text?: string; content?: unknown[] };
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  return (n.content ?? []).map(adfText).join(n.type === 'doc' ? '\n\n' : '');
}

const characters = (text: string): number => [...text].length;

function fieldLimitErrors(fields: { summary: string; description?: unknown; labels?: string[] }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (characters(fields.summary) > 255) errors['summary'] = 'Summary must be less than 255 characters.';
  if (characters(adfText(fields.description)) > 32_767) errors['description'] = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
  const spaced = (fields.labels ?? []).find((label) => /\s/.test(label));
  if (spaced !== undefined) errors['labels'] = `The label '${spaced}' contains spaces which is invalid.`;
  return errors;
}

export interface FakeIssue {
  id: string;
  key: string;
  fields: Record<string, unknown> & { labels: string[]; summary: string; description: unknown; project: { key: string } };
  properties: Record<string, unknown>;
  status: { name: string; category: 'new' | 'indeterminate' | 'done' };
  resolution: string | null;
  comments: Array<{ id: string; body: unknown; author?: FakeJiraUser }>;
  /** Who it is assigned to (the `assignee` field); unassigned: null. */
  assignee?: FakeJiraUser | null;
  /** `performance.now()` when the create request arrived. */
  createdAt: number;
}

/** A Jira Cloud user as issue fields show one; `emailAddress` is absent when the person's privacy settings hide it. */
export interface FakeJiraUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
}

export type Fault = { status: 429; retryAfterSeconds?: number } | { status: 500 | 502 | 503 } | { status: 400; message: string } | { delayMs: number };

export interface FakeJira {
  url: string;
  requests: RecordedRequest[];
  issues: Map<string, FakeIssue>;
  /** The next requests matching `match` (method + path prefix) get these faults, in order. */
  inject(faults: Fault[], match?: { method?: string; pathPrefix?: string }): void;
  /** Moves an issue to a status; `done` statuses get a resolution. Returns the webhook body Jira would send. */
  transition(key: string, status: string, category: FakeIssue['status']['category'], resolution?: string | null): Record<string, unknown>;
  /** From now on, answers each API call 429 (Retry-After 1) or 500 at these rates, at random (from `random` if given). */
  chaos(rates: { rateLimited: number; serverError: number; random?: () => number }): void;
  /**
   * From now on, allows each endpoint and method `perSecond` calls a second (a token bucket holding one second's
   * worth) and answers the rest 429 as Jira's burst limit does; `undefined` lifts the limit.
   */
  rateLimit(perSecond: number | undefined): void;
  /** Calls answered 429 by the burst limit since the last reset. */
  rateLimited: number;
  /** Most issues one search page holds, whatever maxResults asks (Jira Cloud: 100 when fields are asked for). */
  searchPageLimit: number;
  /** From now on, searches see an issue only `ms` after its creation (Jira Cloud's eventually consistent index). */
  indexLag(ms: number): void;
  /** Assigns an issue (null: unassigned). Returns the `jira:issue_updated` body Jira would send. */
  assign(key: string, user: FakeJiraUser | null): Record<string, unknown>;
  /** A person's comment on an issue (plain text, stored as ADF). Returns the `comment_created` body Jira would send. */
  addComment(key: string, text: string, author: FakeJiraUser): Record<string, unknown>;
  /** Moves an issue to another project: new key, same id. Returns the `jira:issue_updated` body Jira would send. */
  move(key: string, project: string): Record<string, unknown>;
  /** Deletes an issue. Returns the `jira:issue_deleted` body Jira would send. */
  remove(key: string): Record<string, unknown>;
  /** Adds handlers consulted after authentication, before the fake's own routes (the fake JSM mounts so). */
  mount(plugin: FakeJiraPlugin): void;
  /** Opens an issue as a create would (the next key of `project`, status To Do); what a mounted API creates through. */
  addIssue(project: string, fields: Record<string, unknown> & { summary: string }, createdAt?: number): FakeIssue;
  /** Forgets every issue, request and pending fault. */
  reset(): void;
  /** Signs a webhook body the way Jira does for a webhook with a secret. */
  sign(body: string, secret: string): string;
  close(): Promise<void>;
}

/** Answers a request it knows (true), or leaves it to the fake (false); `base` is the fake's URL. */
export type FakeJiraPlugin = (request: RecordedRequest, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

const STATUS_CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

export async function startFakeJira(options: { email?: string; apiToken?: string; tls?: TlsOptions } = {}): Promise<FakeJira> {
  const email = options.email ?? 'bridge@acme.example';
  const apiToken = options.apiToken ?? 'jira-api-token';
  const expectedAuth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  const faults: Array<{ fault: Fault; method?: string; pathPrefix?: string }> = [];
  let counter = 0;
  let chaos: { rateLimited: number; serverError: number; random?: () => number } = { rateLimited: 0, serverError: 0 };
  let lagMs = 0;
  const buckets = tokenBuckets();
  const issues = new Map<string, FakeIssue>();
  const plugins: FakeJiraPlugin[] = [];
  let base = '';

  const userJson = (user: FakeJiraUser) => ({
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: 'atlassian',
    displayName: user.displayName,
    active: true,
    ...(user.emailAddress === undefined ? {} : { emailAddress: user.emailAddress }),
  });
  const issueJson = (issue: FakeIssue, fields?: string[], properties?: string[]) => {
    const all: Record<string, unknown> = {
      ...issue.fields,
      status: {
        self: `${base}/rest/api/3/status/1`,
        id: '1',
        name: issue.status.name,
        description: '',
        statusCategory: { self: `${base}/rest/api/3/statuscategory/${STATUS_CATEGORY[issue.status.category].id.toString()}`, ...STATUS_CATEGORY[issue.status.category] },
      },
      resolution: issue.resolution === null ? null : { self: `${base}/rest/api/3/resolution/1`, id: '1', name: issue.resolution, description: '' },
      // REST v3: `assignee` is a User (or null), `comment` a PageOfComments (oldest first).
      assignee: issue.assignee == null ? null : userJson(issue.assignee),
      comment: {
        comments: issue.comments.map((c) => ({ self: `${base}/rest/api/3/issue/${issue.id}/comment/${c.id}`, id: c.id, body: c.body, ...(c.author === undefined ? {} : { author: userJson(c.author) }) })),
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
    const selected = fields === undefined || fields.includes('*all') ? all : Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name)));
    return {
      expand: '',
      id: issue.id,
      key: issue.key,
      self: `${base}/rest/api/3/issue/${issue.id}`,
      fields: selected,
      ...(properties === undefined ? {} : { properties: Object.fromEntries(properties.filter((p) => p in issue.properties).map((p) => [p, issue.properties[p]])) }),
    };
  };

  const takeFault = (request: RecordedRequest): Fault | undefined => {
    const index = faults.findIndex((f) => (f.method === undefined || f.method === request.method) && (f.pathPrefix === undefined || request.path.startsWith(f.pathPrefix)));
    if (index === -1) return undefined;
    const [entry] = faults.splice(index, 1);
    return entry?.fault;
  };

  const errorCollection = (response: ServerResponse, status: number, messages: string[], errors: Record<string, string> = {}) =>
    sendJson(response, status, { errorMessages: messages, errors });

  // Array query parameters arrive repeated (`fields=a&fields=b`) or comma-joined (`fields=a,b`); Jira takes both.
  const list = (params: URLSearchParams, name: string): string[] | undefined =>
    params.has(name) ? params.getAll(name).flatMap((value) => value.split(',')).filter(Boolean) : undefined;

  /** Takes a token from the call's bucket, or answers 429 with the headers Jira sends and returns false. */
  const withinBurstLimit = (request: RecordedRequest, response: ServerResponse): boolean => {
    if (!request.path.startsWith('/rest/api/3/')) return true;
    const endpoint = `${request.method} ${request.path.split('?')[0]?.replace(/\/issue\/[^/]+/, '/issue/{key}') ?? ''}`;
    const retryAfter = buckets.take(endpoint, request.receivedAt);
    if (retryAfter === 0) return true;
    fake.rateLimited += 1;
    const reset = new Date(Date.now() + retryAfter * 1000).toISOString().slice(0, 16) + 'Z';
    response.setHeader('Retry-After', String(retryAfter));
    response.setHeader('X-RateLimit-Reset', reset);
    response.setHeader('X-RateLimit-Limit', String(buckets.limit));
    response.setHeader('X-RateLimit-Remaining', '0');
    response.setHeader('RateLimit-Reason', 'jira-burst-based');
    errorCollection(response, 429, ['Rate limit exceeded.']);
    return false;
  };

  const newIssue = (project: string, fields: Record<string, unknown> & { summary: string }, createdAt: number, properties: Record<string, unknown> = {}): FakeIssue => {
    counter += 1;
    const id = String(10000 + counter);
    const key = `${project}-${counter.toString()}`;
    const issue: FakeIssue = {
      id,
      key,
      fields: { ...fields, project: { key: project }, description: fields['description'], labels: Array.isArray(fields['labels']) ? (fields['labels'] as string[]) : [] },
      properties,
      status: { name: 'To Do', category: 'new' },
      resolution: null,
      comments: [],
      createdAt,
    };
    issues.set(key, issue);
    return issue;
  };

  const server = await listen(async (request, response) => {
    fake.requests.push(request);
    if (!withinBurstLimit(request, response)) return;
    const dice = (chaos.random ?? Math.random)();
    const fault: Fault | undefined =
      takeFault(request) ??
      (request.path.startsWith('/rest/api/3/') && dice < chaos.rateLimited
        ? { status: 429, retryAfterSeconds: 1 }
        : request.path.startsWith('/rest/api/3/') && dice < chaos.rateLimited + chaos.serverError
          ? { status: 500 }
          : undefined);
    if (fault !== undefined) {
      if ('delayMs' in fault) {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      } else if (fault.status === 429) {
        response.setHeader('Retry-After', String(fault.retryAfterSeconds ?? 1));
        errorCollection(response, 429, ['Rate limit exceeded.']);
        return;
      } else if (fault.status === 400) {
        errorCollection(response, 400, [], { summary: fault.message });
        return;
      } else {
        errorCollection(response, fault.status, ['Internal server error']);
        return;
      }
    }
    if (request.headers.authorization !== expectedAuth) {
      errorCollection(response, 401, ['You are not authenticated. Authentication required to perform this operation.']);
      return;
    }
    const url = new URL(request.path, 'http://fake');
    const path = url.pathname;
    for (const plugin of plugins) if (await plugin(request, response, url)) return;

    if (request.method === 'GET' && path === '/rest/api/3/myself') {
      sendJson(response, 200, {
        self: `${base}/rest/api/3/user?accountId=557058:bridge`,
        accountId: '557058:bridge',
        accountType: 'atlassian',
        emailAddress: email,
        displayName: 'Provisioning Bridge',
        active: true,
        timeZone: 'UTC',
        locale: 'en_US',
      });
      return;
    }

    if (request.method === 'POST' && path === '/rest/api/3/issue') {
      const body = JSON.parse(request.body) as { fields: FakeIssue['fields']; properties?: Array<{ key: string; value: unknown }> };
      const project = body.fields.project.key;
      if (typeof body.fields.summary !== 'string' || body.fields.summary === '') {
        errorCollection(response, 400, [], { summary: 'You must specify a summary of the issue.' });
        return;
      }
      const refused = fieldLimitErrors(body.fields);
      if (Object.keys(refused).length > 0) {
        errorCollection(response, 400, [], refused);
        return;
      }
      const { id, key } = newIssue(project, body.fields, request.receivedAt, Object.fromEntries((body.properties ?? []).map((p) => [p.key, p.value])));
      sendJson(response, 201, { id, key, self: `${base}/rest/api/3/issue/${id}` });
      return;
    }

    const issueMatch = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment)?$/.exec(path);
    if (issueMatch?.[1] !== undefined) {
      const issue = issues.get(decodeURIComponent(issueMatch[1])) ?? [...issues.values()].find((i) => i.id === issueMatch[1]);
      if (issue === undefined) {
        errorCollection(response, 404, ['Issue does not exist or you do not have permission to see it.']);
        return;
      }
      if (issueMatch[2] === undefined && request.method === 'GET') {
        sendJson(response, 200, issueJson(issue, list(url.searchParams, 'fields'), list(url.searchParams, 'properties')));
        return;
      }
      if (issueMatch[2] !== undefined && request.method === 'POST') {
        const body = JSON.parse(request.body) as { body: unknown };
        const comment = { id: String(20000 + issue.comments.length + 1), body: body.body };
        issue.comments.push(comment);
        const now = new Date().toISOString().replace('Z', '+0000');
        sendJson(response, 201, { self: `${base}/rest/api/3/issue/${issue.id}/comment/${comment.id}`, id: comment.id, body: comment.body, created: now, updated: now, jsdPublic: true });
        return;
      }
    }

    if (path === '/rest/api/3/search/jql' && (request.method === 'GET' || request.method === 'POST')) {
      const params =
        request.method === 'GET'
          ? {
              jql: url.searchParams.get('jql') ?? '',
              fields: list(url.searchParams, 'fields'),
              properties: list(url.searchParams, 'properties'),
              maxResults: Number(url.searchParams.get('maxResults') ?? '50'),
              ...(url.searchParams.has('nextPageToken') ? { nextPageToken: url.searchParams.get('nextPageToken') ?? '' } : {}),
            }
          : (JSON.parse(request.body) as { jql: string; fields?: string[]; properties?: string[]; maxResults?: number; nextPageToken?: string });
      const indexed = (issue: FakeIssue) => request.receivedAt - issue.createdAt >= lagMs;
      // The batch read: id in (n, n, …), paged by nextPageToken, at most maxResults (capped at searchPageLimit) a page.
      const ids = /^id in \(([\d, ]+)\)$/.exec(params.jql)?.[1];
      if (ids !== undefined) {
        const wanted = new Set(ids.split(',').map((id) => id.trim()));
        const matching = [...issues.values()].filter((issue) => indexed(issue) && wanted.has(issue.id)).sort((a, b) => Number(a.id) - Number(b.id));
        const start = params.nextPageToken === undefined ? 0 : Number(Buffer.from(params.nextPageToken, 'base64url').toString());
        const size = Math.min(params.maxResults ?? 50, fake.searchPageLimit);
        const page = matching.slice(start, start + size);
        const isLast = start + size >= matching.length;
        sendJson(response, 200, {
          issues: page.map((issue) => issueJson(issue, params.fields ?? [], params.properties)),
          isLast,
          ...(isLast ? {} : { nextPageToken: Buffer.from(String(start + size)).toString('base64url') }),
        });
        return;
      }
      // The other query: labels = "<label>" [ORDER BY …], the whole query; anything else is refused.
      const quoted = /^labels\s*=\s*"((?:[^"\\]|\\.)*)"(?:\s+ORDER BY [a-z]+ (?:ASC|DESC))?$/.exec(params.jql)?.[1];
      if (quoted === undefined) {
        errorCollection(response, 400, [`The fake understands only labels = "…" queries, got: ${params.jql}`]);
        return;
      }
      const label = quoted.replace(/\\(.)/g, (_all, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
      const found = [...issues.values()].filter((issue) => indexed(issue) && issue.fields.labels.includes(label));
      sendJson(response, 200, { issues: found.map((issue) => issueJson(issue, params.fields ?? [], params.properties)), isLast: true });
      return;
    }

    errorCollection(response, 404, [`No fake route for ${request.method} ${path}`]);
  }, options.tls);
  base = server.url;

  const fake: FakeJira = {
    url: server.url,
    requests: [],
    issues,
    inject(list, match = {}) {
      faults.push(...list.map((fault) => ({ fault, ...match })));
    },
    assign(key, user) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      const before = issue.assignee ?? null;
      issue.assignee = user;
      return {
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_assigned',
        user: { accountId: '557058:fake-user', displayName: 'Service Desk Agent', active: true, timeZone: 'UTC' },
        issue: issueJson(issue),
        changelog: { id: randomUUID(), items: [{ field: 'assignee', fieldtype: 'jira', from: before?.accountId ?? null, fromString: before?.displayName ?? null, to: user?.accountId ?? null, toString: user?.displayName ?? null }] },
      };
    },
    addComment(key, text, author) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      const comment = { id: String(20000 + issue.comments.length + 1), body: textToAdf(text), author };
      issue.comments.push(comment);
      return { timestamp: Date.now(), webhookEvent: 'comment_created', comment: { id: comment.id, body: comment.body, author: userJson(author) }, issue: issueJson(issue) };
    },
    transition(key, status, category, resolution) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      const before = issue.status.name;
      issue.status = { name: status, category };
      issue.resolution = resolution === undefined ? (category === 'done' ? 'Done' : null) : resolution;
      return {
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        user: { accountId: '557058:fake-user', displayName: 'Service Desk Agent', active: true, timeZone: 'UTC' },
        issue: issueJson(issue),
        changelog: { id: randomUUID(), items: [{ field: 'status', fieldtype: 'jira', from: '1', fromString: before, to: '2', toString: status }] },
      };
    },
    chaos(rates) {
      chaos = rates;
    },
    rateLimited: 0,
    searchPageLimit: 100,
    indexLag(ms) {
      lagMs = ms;
    },
    move(key, project) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      counter += 1;
      issues.delete(key);
      issue.key = `${project}-${counter.toString()}`;
      issue.fields.project = { key: project };
      issues.set(issue.key, issue);
      return { timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_moved', issue: issueJson(issue) };
    },
    remove(key) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      issues.delete(key);
      return { timestamp: Date.now(), webhookEvent: 'jira:issue_deleted', issue: issueJson(issue) };
    },
    mount(plugin) {
      plugins.push(plugin);
    },
    addIssue: (project, fields, createdAt = performance.now()) => newIssue(project, fields, createdAt),
    rateLimit(perSecond) {
      buckets.set(perSecond);
    },
    reset() {
      chaos = { rateLimited: 0, serverError: 0 };
      lagMs = 0;
      buckets.set(undefined);
      fake.rateLimited = 0;
      fake.searchPageLimit = 100;
      issues.clear();
      fake.requests.length = 0;
      faults.length = 0;
      counter = 0;
    },
    sign(body, secret) {
      return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    },
    close: () => server.close(),
  };
  return fake;
}
