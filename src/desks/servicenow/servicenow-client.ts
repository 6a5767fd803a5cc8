import { SERVICENOW_KIND_DESK } from './servicenow-config.ts';
/**
 * One call to a ServiceNow REST API (Table API, Service Catalog API), classified the way the bridge's jobs need:
 * answers are `{"result": …}`, errors `{"error": {"message", "detail"}, "status": "failure"}`.
 *
 * Rate limits as ServiceNow documents them ("Inbound REST API rate limiting"): over a rule's hourly limit the answer
 * is 429 with `Retry-After` (seconds); every answer a rule matches carries `X-RateLimit-Limit`, `X-RateLimit-Reset`
 * (Unix seconds) and `X-RateLimit-Rule` (the rule's sys_id). Retry-After wins; without it the reset time is used.
 */
import type { Logger } from 'pino';
import { parseRetryAfter, TicketSystemError } from '../ticket-error.ts';
import { createServiceNowAuth, type ServiceNowCredentials } from './servicenow-auth.ts';

export interface ServiceNowClientOptions {
  instanceUrl: string;
  credentials: ServiceNowCredentials;
  fetch: typeof fetch;
  timeoutMs: number;
  now?: () => number;
  /** Where a 429 is logged (the queue pauses for it without failing the job, so this is the trace it leaves). */
  logger?: Logger;
}

export type ServiceNowCall = (action: string, method: string, path: string, body?: unknown) => Promise<unknown>;

const fail = (code: TicketSystemError['code'], message: string, extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) =>
  new TicketSystemError({ system: SERVICENOW_KIND_DESK, code, message, ...extra });

/** How long a 429 asks the bridge to wait, and the rule's words for the message. */
export function rateLimitAdvice(headers: Headers, now: number): { retryAfterMs?: number; words: string } {
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), now);
  const reset = Number(headers.get('x-ratelimit-reset') ?? '');
  const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
  const limit = headers.get('x-ratelimit-limit');
  const rule = headers.get('x-ratelimit-rule');
  const words = [limit === null ? undefined : `limit ${limit} per hour`, rule === null ? undefined : `rule ${rule}`].filter(Boolean).join(', ');
  const wait = retryAfterMs ?? untilReset;
  return { ...(wait === undefined ? {} : { retryAfterMs: wait }), words: words === '' ? 'rate limited' : `rate limited: ${words}` };
}

export function createServiceNowClient(options: ServiceNowClientOptions): ServiceNowCall {
  const instance = options.instanceUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const auth = createServiceNowAuth(options.credentials, options.fetch, now);

  return async function call(action, method, path, body) {
    try {
      return await once(action, method, path, body);
    } catch (error) {
      // An OAuth token can be revoked or expire early: one new token, one more try; basic auth refused stays refused.
      if (options.credentials.kind !== 'oauth' || !(error instanceof TicketSystemError) || error.status !== 401) throw error;
      return once(action, method, path, body);
    }
  };

  async function once(action: string, method: string, path: string, body: unknown): Promise<unknown> {
    // Outside the try: a token refusal is its own (already classified) error, not "no answer".
    const authorization = await auth.header();
    let response: Response;
    try {
      response = await options.fetch(`${instance}${path}`, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw fail('ticket_system_unavailable', `ServiceNow ${action}: no answer (${(error as Error).message})`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    const what = `ServiceNow ${action}: answered ${response.status.toString()}`;
    if (response.status === 429) {
      const advice = rateLimitAdvice(response.headers, now());
      options.logger?.warn(
        { action, retryAfterMs: advice.retryAfterMs, limit: response.headers.get('x-ratelimit-limit'), rule: response.headers.get('x-ratelimit-rule') },
        'ServiceNow rate limit reached: waiting before the next call',
      );
      throw fail('ticket_system_rate_limited', `${what} (${advice.words})`, { status: 429, ...(advice.retryAfterMs === undefined ? {} : { retryAfterMs: advice.retryAfterMs }) });
    }
    if (response.status >= 500) throw fail('ticket_system_unavailable', what, { status: response.status });
    // A hibernating developer instance answers 200 with an HTML wake-up page: no ticket, and worth retrying.
    if (!/^application\/json/i.test(response.headers.get('content-type') ?? '')) {
      throw fail('ticket_system_unavailable', `${what} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON (is the instance hibernating?)`, { status: response.status });
    }
    let json: { result?: unknown; error?: { message?: string; detail?: string } };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (error) {
      throw fail('ticket_system_invalid_answer', `${what} with a body that is not JSON`, { status: response.status, cause: error });
    }
    if (response.status === 401) auth.invalidate();
    if (response.status >= 300) {
      const detail = [json.error?.message, json.error?.detail].filter(Boolean).join(': ');
      throw fail('ticket_system_rejected', `${what}${detail === '' ? '' : `: ${detail}`}`, { status: response.status });
    }
    return json.result;
  }
}

export const serviceNowFailure = fail;
