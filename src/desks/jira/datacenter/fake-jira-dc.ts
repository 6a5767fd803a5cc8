/**
 * A fake Jira Data Center / Server: the REST v2 endpoints the Data Center adapter uses, a way to resolve an issue, and
 * the webhooks Data Center sends. Wire format from public sources (desks.md §1):
 * - Auth: a personal access token as `Authorization: Bearer <PAT>`, or basic username:password
 *   (confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html). A Data Center behind single
 *   sign-on sends a request it does not accept to its login page: a 302 to an HTML page answered 200; `loginPageOnly`
 *   answers that page to every call (an SSO proxy in front of the whole site).
 * - Server info: GET /rest/api/2/serverInfo → `{baseUrl, version, versionNumbers, deploymentType, buildNumber, …}`,
 *   `deploymentType` "Server" here, "Cloud" on Jira Cloud
 *   (developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-server-info/).
 * - Issues (jira.js v6.3 `src/server/api/issues.ts`, `models/issueUpdate.ts`, generated from Atlassian's DC OpenAPI):
 *   POST /rest/api/2/issue `{fields, properties?}` → 201 `{id, key, self}`, the description a wiki-markup string kept
 *   as sent; users named `{name}`; GET /rest/api/2/issue/{idOrKey}?fields=… → `{id, key, self, fields}`, 404 with an
 *   ErrorCollection when gone; POST …/comment `{body}` → 201 Comment; GET|PUT …/properties/{key} (value JSON object,
 *   developer.atlassian.com/server/jira/platform/entity-properties/); PUT /rest/api/2/issue/{id}
 *   `{"update":{"labels":[{"add":…}]}}` → 204 (the same `issues.ts`, Edit issue).
 * - Search: GET|POST /rest/api/2/search `jql, startAt, maxResults, fields` → `{startAt, maxResults, total, issues}`
 *   (jira.js v6.3 `src/server/api/issueSearch.ts`, `models/searchResults.ts`); `searchPageLimit` plays Jira answering
 *   fewer issues than asked. JQL: only `labels = "…"` and `id in (…)`, the queries the adapter sends.
 * - Users: GET /rest/api/2/user/search?username=… matches the username, name or email (jira.js v6.3
 *   `src/server/parameters/findUsers.ts`) → array of `{self, key, name, emailAddress, displayName, active}`.
 * - Rate limiting (DC 8.6+, when enabled): 429 with `Retry-After` seconds
 *   (confluence.atlassian.com/adminjiraserver/improving-instance-stability-with-rate-limiting-983794911.html).
 * - Webhooks (confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html): `jira:issue_updated` with
 *   `{timestamp, webhookEvent, issue_event_type_name, user:{name,key,displayName}, issue, changelog}`; signed
 *   `X-Hub-Signature: sha256=<hex HMAC of the body>` when the webhook has a secret, or basic credentials in its URL.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { ServerResponse } from 'node:http';
import { listen, sendJson, type RecordedRequest } from '../../../sandbox/listen.ts';

export interface FakeDcIssue {
  id: string;
  key: string;
  fields: Record<string, unknown> & { labels: string[]; summary: string; description: string; project: { key: string } };
  properties: Record<string, unknown>;
  status: { name: string; category: 'new' | 'indeterminate' | 'done' };
  resolution: string | null;
  /** Comment bodies as sent: wiki markup. */
  comments: string[];
  /** Who it is assigned to (the `assignee` field, a user named by `name`); unassigned: null. */
  assignee?: FakeDcUser | null;
}

export interface FakeDcUser {
  name: string;
  key: string;
  emailAddress: string;
  displayName: string;
  active: boolean;
}

/** The labels after an Edit issue body's `update.labels[{add|remove}]` (Cloud v3 and Data Center v2 alike). */
export function editedLabels(labels: readonly string[], body: string): string[] {
  const changes = (JSON.parse(body) as { update?: { labels?: Array<{ add?: string; remove?: string }> } }).update?.labels ?? [];
  let result = [...labels];
  for (const change of changes) {
    if (change.add !== undefined && !result.includes(change.add)) result.push(change.add);
    if (change.remove !== undefined) result = result.filter((label) => label !== change.remove);
  }
  return result;
}

export type FakeDcPlugin = (request: RecordedRequest, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

export type DcFault = { status: 429; retryAfterSeconds?: number } | { status: 500 | 502 | 503 };

export interface FakeJiraDc {
  url: string;
  requests: RecordedRequest[];
  issues: Map<string, FakeDcIssue>;
  users: FakeDcUser[];
  /** Most issues one search page holds, whatever `maxResults` asks. */
  searchPageLimit: number;
  /** Every call answers the SSO login page (as a proxy in front of the whole site does). */
  loginPageOnly: boolean;
  /** What serverInfo says `deploymentType` is. */
  deploymentType: string;
  /** The next API requests get these faults, in order. */
  inject(faults: DcFault[]): void;
  /** Moves an issue to a status (`done` ones get a resolution); returns the `jira:issue_updated` body Data Center sends. */
  transition(key: string, status: string, category: FakeDcIssue['status']['category'], resolution?: string | null): Record<string, unknown>;
  /** Assigns an issue (null: unassigned); returns the `jira:issue_updated` body. */
  assign(key: string, user: FakeDcUser | null): Record<string, unknown>;
  /** A person's comment (wiki markup, kept as written). */
  addComment(key: string, wiki: string, author: FakeDcUser): void;
  /** Resolves an issue as Done. */
  resolve(key: string, resolution?: string): Record<string, unknown>;
  /** Deletes an issue; returns the `jira:issue_deleted` body. */
  remove(key: string): Record<string, unknown>;
  /**
   * Sends a webhook body to `url` as Data Center does: signed when `secret` is given; credentials in the URL
   * (`http://user:pass@host/…`) are sent as basic auth. Answers the receiver's status.
   */
  sendWebhook(url: string, body: Record<string, unknown>, options?: { secret?: string }): Promise<{ status: number; body: string }>;
  sign(body: string, secret: string): string;
  /** Adds handlers consulted after authentication, before the fake's own routes (the fake JSM mounts so). */
  mount(plugin: FakeDcPlugin): void;
  /** Opens an issue as a create would (the next key of `project`, status Open); what a mounted API creates through. */
  addIssue(project: string, fields: Record<string, unknown> & { summary: string }): FakeDcIssue;
  reset(): void;
  close(): Promise<void>;
}

const STATUS_CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

/** What an SSO login page looks like to an API client: HTML, not JSON. */
const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Log in - Jira</title></head><body><form action="/login.jsp" method="post"><input name="os_username"><input name="os_password" type="password"></form></body></html>';

function readLiteral(quoted: string): string {
  return quoted.replace(/\\(.)/g, (_all, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
}

export async function startFakeJiraDc(options: { token?: string; username?: string; password?: string } = {}): Promise<FakeJiraDc> {
  const token = options.token ?? 'dc-personal-access-token';
  const username = options.username ?? 'c1bridge';
  const password = options.password ?? 'dc-password';
  const accepted = new Set([`Bearer ${token}`, `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`]);
  const faults: DcFault[] = [];
  const issues = new Map<string, FakeDcIssue>();
  const plugins: FakeDcPlugin[] = [];
  let counter = 0;
  let base = '';

  const errorCollection = (response: ServerResponse, status: number, messages: string[], errors: Record<string, string> = {}) =>
    sendJson(response, status, { errorMessages: messages, errors });

  const loginPage = (response: ServerResponse) => {
    response.statusCode = 200;
    response.setHeader('content-type', 'text/html;charset=UTF-8');
    response.end(LOGIN_PAGE);
  };

  const list = (params: URLSearchParams, name: string): string[] | undefined =>
    params.has(name) ? params.getAll(name).flatMap((value) => value.split(',')).filter(Boolean) : undefined;

  const issueJson = (issue: FakeDcIssue, fields?: string[]) => {
    const all: Record<string, unknown> = {
      ...issue.fields,
      status: { self: `${base}/rest/api/2/status/1`, id: '1', name: issue.status.name, statusCategory: { self: `${base}/rest/api/2/statuscategory/1`, ...STATUS_CATEGORY[issue.status.category] } },
      resolution: issue.resolution === null ? null : { self: `${base}/rest/api/2/resolution/1`, id: '1', name: issue.resolution, description: '' },
      // REST v2: `assignee` a User (or null), `comment` `{comments, maxResults, total, startAt}` with wiki-markup bodies.
      assignee: issue.assignee == null ? null : userJson(issue.assignee),
      comment: { comments: issue.comments.map((body, index) => ({ id: String(20001 + index), body })), maxResults: issue.comments.length, total: issue.comments.length, startAt: 0 },
    };
    const selected = fields === undefined || fields.includes('*all') ? all : Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name)));
    return { expand: 'renderedFields,names,schema,transitions,operations,editmeta,changelog', id: issue.id, key: issue.key, self: `${base}/rest/api/2/issue/${issue.id}`, fields: selected };
  };

  const findIssue = (idOrKey: string) => issues.get(idOrKey) ?? [...issues.values()].find((issue) => issue.id === idOrKey);

  const userJson = (user: FakeDcUser) => ({ self: `${base}/rest/api/2/user?username=${encodeURIComponent(user.name)}`, ...user, timeZone: 'UTC' });

  const search = (response: ServerResponse, params: { jql: string; startAt: number; maxResults: number; fields?: string[] | undefined }) => {
    let matching: FakeDcIssue[];
    const ids = /^id in \(([\d, ]+)\)$/.exec(params.jql)?.[1];
    const quoted = /^labels\s*=\s*"((?:[^"\\]|\\.)*)"(?:\s+ORDER BY [a-z]+ (?:ASC|DESC))?$/.exec(params.jql)?.[1];
    if (ids !== undefined) {
      const wanted = new Set(ids.split(',').map((id) => id.trim()));
      matching = [...issues.values()].filter((issue) => wanted.has(issue.id));
    } else if (quoted !== undefined) {
      const label = readLiteral(quoted);
      matching = [...issues.values()].filter((issue) => issue.fields.labels.includes(label));
    } else {
      errorCollection(response, 400, [`The fake understands only labels = "…" and id in (…) queries, got: ${params.jql}`]);
      return;
    }
    matching.sort((a, b) => Number(a.id) - Number(b.id));
    const size = Math.min(params.maxResults, fake.searchPageLimit);
    const page = matching.slice(params.startAt, params.startAt + size);
    sendJson(response, 200, { expand: 'schema,names', startAt: params.startAt, maxResults: size, total: matching.length, issues: page.map((issue) => issueJson(issue, params.fields ?? [])) });
  };

  const newIssue = (fields: FakeDcIssue['fields'], properties: Record<string, unknown> = {}): FakeDcIssue => {
    counter += 1;
    const issue: FakeDcIssue = { id: String(10000 + counter), key: `${fields.project.key}-${counter.toString()}`, fields, properties, status: { name: 'Open', category: 'new' }, resolution: null, comments: [] };
    issues.set(issue.key, issue);
    return issue;
  };

  const server = await listen(async (request, response) => {
    fake.requests.push(request);
    const url = new URL(request.path, 'http://fake');
    const path = url.pathname;
    if (path === '/login.jsp') return loginPage(response);
    if (!path.startsWith('/rest/')) return errorCollection(response, 404, [`No fake route for ${request.method} ${path}`]);
    if (fake.loginPageOnly) return loginPage(response);
    const fault = faults.shift();
    if (fault !== undefined) {
      if (fault.status === 429) response.setHeader('Retry-After', String(fault.retryAfterSeconds ?? 1));
      return errorCollection(response, fault.status, [fault.status === 429 ? 'Rate limit exceeded.' : 'Internal server error']);
    }
    if (!accepted.has(request.headers.authorization ?? '')) {
      // What SSO does with a request it does not accept: off to the login page.
      response.statusCode = 302;
      response.setHeader('location', `/login.jsp?os_destination=${encodeURIComponent(path)}`);
      response.end();
      return;
    }
    for (const plugin of plugins) if (await plugin(request, response, url)) return;

    if (request.method === 'GET' && path === '/rest/api/2/serverInfo') {
      return sendJson(response, 200, { baseUrl: base, version: '9.12.3', versionNumbers: [9, 12, 3], deploymentType: fake.deploymentType, buildNumber: 9120003, buildDate: '2024-01-15T00:00:00.000+0000', serverTime: new Date().toISOString(), scmInfo: 'fake', serverTitle: 'Jira' });
    }
    if (request.method === 'GET' && path === '/rest/api/2/myself') {
      return sendJson(response, 200, { self: `${base}/rest/api/2/user?username=${username}`, key: 'JIRAUSER10000', name: username, emailAddress: 'c1bridge@acme.example', displayName: 'Provisioning Bridge', active: true, timeZone: 'UTC' });
    }
    if (request.method === 'GET' && path === '/rest/api/2/user/search') {
      const wanted = (url.searchParams.get('username') ?? '').toLowerCase();
      if (wanted === '') return errorCollection(response, 400, ['The username query parameter was not provided']);
      const found = fake.users.filter((user) => [user.name, user.displayName, user.emailAddress].some((value) => value.toLowerCase().startsWith(wanted)));
      return sendJson(response, 200, found.slice(0, Number(url.searchParams.get('maxResults') ?? '50')).map(userJson));
    }
    if (request.method === 'POST' && path === '/rest/api/2/issue') {
      const body = JSON.parse(request.body) as { fields: FakeDcIssue['fields'] & { reporter?: { name?: string } }; properties?: Array<{ key: string; value: unknown }> };
      if (typeof body.fields.summary !== 'string' || body.fields.summary === '') return errorCollection(response, 400, [], { summary: 'You must specify a summary of the issue.' });
      if (typeof body.fields.description !== 'string') return errorCollection(response, 400, [], { description: 'Operation value must be a string' });
      if ([...body.fields.summary].length > 255) return errorCollection(response, 400, [], { summary: 'Summary must be less than 255 characters.' });
      if ([...body.fields.description].length > 32_767) return errorCollection(response, 400, [], { description: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' });
      const spaced = (body.fields.labels ?? []).find((label) => /\s/.test(label));
      if (spaced !== undefined) return errorCollection(response, 400, [], { labels: `The label '${spaced}' contains spaces which is invalid.` });
      const reporter = body.fields.reporter?.name;
      if (reporter !== undefined && !fake.users.some((user) => user.name === reporter)) return errorCollection(response, 400, [], { reporter: 'The reporter specified is not a user.' });
      const { id, key } = newIssue({ ...body.fields, labels: body.fields.labels ?? [], reporter: { name: reporter ?? username } }, Object.fromEntries((body.properties ?? []).map((p) => [p.key, p.value])));
      return sendJson(response, 201, { id, key, self: `${base}/rest/api/2/issue/${id}` });
    }
    const issueMatch = /^\/rest\/api\/2\/issue\/([^/]+)(?:\/(comment)|\/properties\/([^/]+))?$/.exec(path);
    if (issueMatch?.[1] !== undefined) {
      const issue = findIssue(decodeURIComponent(issueMatch[1]));
      if (issue === undefined) return errorCollection(response, 404, ['Issue Does Not Exist']);
      const [, , comment, property] = issueMatch;
      if (comment === undefined && property === undefined && request.method === 'GET') return sendJson(response, 200, issueJson(issue, list(url.searchParams, 'fields')));
      if (comment === undefined && property === undefined && request.method === 'PUT') {
        // Edit issue: only the label operations a JSM request's correlation needs; 204.
        issue.fields.labels = editedLabels(issue.fields.labels, request.body);
        response.statusCode = 204;
        response.end();
        return;
      }
      if (comment !== undefined && request.method === 'POST') {
        const body = JSON.parse(request.body) as { body?: unknown };
        if (typeof body.body !== 'string') return errorCollection(response, 400, [], { comment: 'Comment body can not be empty!' });
        issue.comments.push(body.body);
        return sendJson(response, 201, { self: `${base}/rest/api/2/issue/${issue.id}/comment/${(20000 + issue.comments.length).toString()}`, id: String(20000 + issue.comments.length), body: body.body, author: { name: username } });
      }
      if (property !== undefined) {
        const name = decodeURIComponent(property);
        if (request.method === 'PUT') {
          issue.properties[name] = JSON.parse(request.body) as unknown;
          response.statusCode = 200;
          response.end();
          return;
        }
        if (request.method === 'GET') {
          if (!(name in issue.properties)) return errorCollection(response, 404, [`The property with key '${name}' does not exist.`]);
          return sendJson(response, 200, { key: name, value: issue.properties[name] });
        }
      }
    }
    if (path === '/rest/api/2/search' && request.method === 'GET') {
      return search(response, { jql: url.searchParams.get('jql') ?? '', startAt: Number(url.searchParams.get('startAt') ?? '0'), maxResults: Number(url.searchParams.get('maxResults') ?? '50'), fields: list(url.searchParams, 'fields') });
    }
    if (path === '/rest/api/2/search' && request.method === 'POST') {
      const body = JSON.parse(request.body) as { jql?: string; startAt?: number; maxResults?: number; fields?: string[] };
      return search(response, { jql: body.jql ?? '', startAt: body.startAt ?? 0, maxResults: body.maxResults ?? 50, fields: body.fields });
    }
    return errorCollection(response, 404, [`No fake route for ${request.method} ${path}`]);
  });
  base = server.url;

  const sign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const webhookUser = { self: `${base}/rest/api/2/user?username=agent1`, name: 'agent1', key: 'JIRAUSER10100', displayName: 'Agent One', active: true };

  const fake: FakeJiraDc = {
    url: server.url,
    requests: [],
    issues,
    users: [],
    searchPageLimit: 100,
    loginPageOnly: false,
    deploymentType: 'Server',
    inject(list) {
      faults.push(...list);
    },
    assign(key, user) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      issue.assignee = user;
      return { timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_assigned', user: webhookUser, issue: issueJson(issue) };
    },
    addComment(key, wiki) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      issue.comments.push(wiki);
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
        user: webhookUser,
        issue: issueJson(issue),
        changelog: { id: randomUUID(), items: [{ field: 'status', fieldtype: 'jira', from: '1', fromString: before, to: '2', toString: status }] },
      };
    },
    resolve(key, resolution = 'Done') {
      return fake.transition(key, 'Done', 'done', resolution);
    },
    remove(key) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no issue ${key}`);
      issues.delete(key);
      return { timestamp: Date.now(), webhookEvent: 'jira:issue_deleted', user: webhookUser, issue: issueJson(issue) };
    },
    async sendWebhook(target, body, sendOptions = {}) {
      const text = JSON.stringify(body);
      const url = new URL(target);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) };
      if (sendOptions.secret !== undefined) headers['x-hub-signature'] = sign(text, sendOptions.secret);
      // Credentials in the webhook's URL travel as basic auth, never in the request line.
      if (url.username !== '' || url.password !== '') {
        headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      }
      return await new Promise((resolve, reject) => {
        const outgoing = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        outgoing.on('error', reject);
        outgoing.end(text);
      });
    },
    sign,
    mount(plugin) {
      plugins.push(plugin);
    },
    addIssue: (project, fields) => newIssue({ description: '', ...fields, labels: [], project: { key: project } }),
    reset() {
      issues.clear();
      fake.users.length = 0;
      fake.requests.length = 0;
      fake.searchPageLimit = 100;
      fake.loginPageOnly = false;
      fake.deploymentType = 'Server';
      faults.length = 0;
      counter = 0;
    },
    close: () => server.close(),
  };
  return fake;
}
