/**
 * The JSM API on Jira Data Center over fetch: the same `/rest/servicedeskapi` paths and JSON as Cloud (jira.js v6.3
 * `src/serviceDeskServer/api/*.ts`; docs.atlassian.com/jira-servicedesk/REST/), which jira.js 6 no longer ships.
 * A personal access token goes as a bearer token, else username and password as basic auth (Atlassian, "Using
 * Personal Access Tokens", confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
 * An SSO gateway answers its HTML login page instead of JSON, and Data Center without a JSM licence answers 403 with
 * an HTML page (jira.js v6.3 `docs/guide/service-management-data-center.md`): both are permanent, clear errors.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import { parseRetryAfter, TicketSystemError } from '../../ticket-error.ts';
import type { CreateRequestBody, JsmApi, JsmPage } from './jsm-api.ts';
import { jsmMessage } from './jsm-error.ts';

export type DataCenterAuth = { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };

export interface DataCenterJsmOptions {
  baseUrl: string;
  auth: DataCenterAuth;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const rejected = (message: string, status?: number) =>
  new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message, ...(status === undefined ? {} : { status }) });

export function createDataCenterJsmApi(options: DataCenterJsmOptions): JsmApi {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const authorization =
    options.auth.type === 'bearer' ? `Bearer ${options.auth.token}` : `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;

  async function call<T>(action: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const what = `Jira ${action}`;
    let response: Response;
    try {
      response = await fetchImpl(`${base}/rest/servicedeskapi${path}`, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: Jira did not answer (${(error as Error).message})`, cause: error });
    }
    const status = response.status;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rate_limited', message: `${what}: rate limited (429)`, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    if (status >= 500) throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: Jira answered ${status.toString()}`, status });
    const text = await response.text();
    if (/text\/html/i.test(response.headers.get('content-type') ?? '') || /^\s*</.test(text)) {
      throw rejected(
        status === 403 ? `${what}: Jira answered 403 with an HTML page: is Jira Service Management licensed on this server?` : `${what}: Jira answered with a login page: the token is not accepted`,
        status,
      );
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: `${what}: the answer is not JSON`, status });
    }
    if (status >= 400) {
      const detail = jsmMessage(parsed);
      throw rejected(`${what}: Jira refused with ${status.toString()}${detail === '' ? '' : `: ${detail}`}`, status);
    }
    return parsed as T;
  }

  const paged = (start: number, limit: number) => `start=${start.toString()}&limit=${limit.toString()}`;
  const id = encodeURIComponent;
  return {
    serviceDesks: (start, limit) => call<JsmPage<never>>('list service desks', 'GET', `/servicedesk?${paged(start, limit)}`),
    requestTypes: (serviceDeskId, start, limit) =>
      call(`list request types of service desk ${serviceDeskId}`, 'GET', `/servicedesk/${id(serviceDeskId)}/requesttype?${paged(start, limit)}`),
    requestTypeFields: (serviceDeskId, requestTypeId) =>
      call(`read fields of request type ${requestTypeId}`, 'GET', `/servicedesk/${id(serviceDeskId)}/requesttype/${id(requestTypeId)}/field`),
    createRequest: (body: CreateRequestBody) => call('create customer request', 'POST', '/request', body),
    getRequest: (issueIdOrKey) => call(`get request ${issueIdOrKey}`, 'GET', `/request/${id(issueIdOrKey)}`),
    approvals: (issueIdOrKey, start, limit) => call(`list approvals of ${issueIdOrKey}`, 'GET', `/request/${id(issueIdOrKey)}/approval?${paged(start, limit)}`),
  };
}
