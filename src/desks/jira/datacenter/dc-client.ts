/**
 * A thin client for Jira Data Center / Server REST v2 (`{baseUrl}/rest/api/2/...`) on `fetch`: jira.js 6 speaks Jira
 * Cloud only (its README FAQ), so Data Center is called directly. One attempt per call: retries belong to the job,
 * which honours Retry-After and the configured backoff, as on the Cloud path.
 *
 * Auth (Atlassian, "Using personal access tokens", confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html):
 * a PAT is sent as `Authorization: Bearer <PAT>` and cannot be used as a basic-auth password; basic auth takes the
 * username (not the email) and password, and Jira 11 disables it by default.
 * Errors: Jira's ErrorCollection `{errorMessages: [], errors: {field: message}}`; with rate limiting enabled (DC 8.6+),
 * 429 with `Retry-After` in seconds (confluence.atlassian.com/adminjiraserver/improving-instance-stability-with-rate-limiting-983794911.html).
 * A Data Center behind single sign-on answers a request it does not accept with its login page (HTML), often after a
 * redirect and with 200: that is a refused credential, never an answer to parse.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import { parseRetryAfter, TicketSystemError } from '../../ticket-error.ts';
import { jiraMessage } from '../classify-error.ts';

export type DcAuth = { token: string } | { username: string; password: string };

export interface DcClientOptions {
  baseUrl: string;
  auth: DcAuth;
  /** Injectable for tests and proxies; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** How long one call may take before it counts as Jira not answering. */
  timeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface DcCallOptions {
  body?: unknown;
  /**
   * Answer `undefined` instead of throwing when Jira says 404 with its ErrorCollection ("Issue does not exist or you
   * do not have permission to see it"); a 404 without that body (a wrong base URL, a proxy's page) still throws.
   */
  missingOk?: boolean;
}

export interface DcClient {
  readonly baseUrl: string;
  /** Calls `path` under `/rest/api/2` (or an absolute `/rest/...` path); answers the parsed JSON, or undefined for no body. */
  call(action: string, method: HttpMethod, path: string, options?: DcCallOptions): Promise<unknown>;
}

/** The stable reason of a login page answer, and the sentence operators see. */
export const LOGIN_PAGE_REASON = 'jira_login_page';
export const LOGIN_PAGE_MESSAGE = 'Jira answered with a login page: the token is not accepted';

/**
 * Jira answered HTML instead of JSON: the SSO login page of a Data Center that did not accept the credentials. A
 * permanent refusal (trying again with the same token cannot help), told apart by `reason`.
 */
export class JiraLoginPageError extends TicketSystemError {
  readonly reason = LOGIN_PAGE_REASON;
  constructor(action: string, status: number) {
    super({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message: `Jira ${action}: ${LOGIN_PAGE_MESSAGE}`, status });
    this.name = 'JiraLoginPageError';
  }
}

export function authorizationHeader(auth: DcAuth): string {
  return 'token' in auth ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

function looksLikeHtml(contentType: string, text: string): boolean {
  return /\bhtml\b/i.test(contentType) || /^\s*</.test(text);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function createDcClient(options: DcClientOptions): DcClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const authorization = authorizationHeader(options.auth);
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    baseUrl,
    async call(action, method, path, callOptions = {}) {
      const what = `Jira ${action}`;
      const url = `${baseUrl}${path.startsWith('/rest/') ? path : `/rest/api/2${path}`}`;
      let response: Response;
      let text: string;
      try {
        response = await doFetch(url, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            ...(callOptions.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }),
          redirect: 'follow',
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new TicketSystemError({
          system: JIRA_KIND_DESK,
          code: 'ticket_system_unavailable',
          message: `${what}: Jira did not answer (${error instanceof Error ? error.message : String(error)})`,
          cause: error,
        });
      }
      const status = response.status;
      if (status === 429) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rate_limited', message: `${what}: rate limited (429)`, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      }
      if (status >= 500) {
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: `${what}: Jira answered ${status.toString()}`, status });
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (text !== '' && looksLikeHtml(contentType, text)) {
        // SSO answers its page with 200 (after a redirect), 401 or 403 alike; another status with a page (a 404 of a
        // base URL without Jira's context path) is a refusal that says so, not a credential problem.
        if (status < 300 || status === 401 || status === 403) throw new JiraLoginPageError(action, status);
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message: `${what}: Jira answered ${status.toString()} with an HTML page, not JSON (is baseUrl the Jira base URL?)`, status });
      }
      const parsed = text === '' ? { ok: true as const, value: undefined } : parseJson(text);
      if (status >= 400) {
        const body = parsed.ok ? parsed.value : text;
        const collection = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && Array.isArray((parsed.value as { errorMessages?: unknown }).errorMessages);
        if (status === 404 && callOptions.missingOk === true && collection) return undefined;
        const detail = jiraMessage(body);
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message: `${what}: Jira refused with ${status.toString()}${detail === '' ? '' : `: ${detail}`}`, status });
      }
      if (!parsed.ok) {
        throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: `${what}: Jira's answer is not JSON`, status });
      }
      return parsed.value;
    },
  };
}
