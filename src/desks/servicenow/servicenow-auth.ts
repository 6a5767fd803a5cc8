import { SERVICENOW_KIND_DESK } from './servicenow-config.ts';
import { TicketSystemError } from '../ticket-error.ts';

export type ServiceNowCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string; tokenUrl: string };

/**
 * The Authorization header for the Table API: basic auth, or an OAuth client-credentials token fetched from
 * `oauth_token.do` and reused until shortly before it expires.
 */
export function createServiceNowAuth(credentials: ServiceNowCredentials, fetchImpl: typeof fetch, now: () => number = Date.now) {
  if (credentials.kind === 'basic') {
    const header = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return { header: async () => header, invalidate: () => undefined };
  }
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    let response: Response;
    try {
      response = await fetchImpl(credentials.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }).toString(),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new TicketSystemError({ system: SERVICENOW_KIND_DESK, code: 'ticket_system_unavailable', message: `ServiceNow OAuth token: no answer (${(error as Error).message})`, cause: error });
    }
    const body = (await response.json().catch(() => undefined)) as { access_token?: string; expires_in?: number } | undefined;
    if (!response.ok || typeof body?.access_token !== 'string') {
      throw new TicketSystemError({
        system: SERVICENOW_KIND_DESK,
        code: response.status >= 500 || response.status === 429 ? 'ticket_system_unavailable' : 'ticket_system_rejected',
        message: `ServiceNow OAuth token: answered ${response.status.toString()}`,
        status: response.status,
      });
    }
    cached = { token: body.access_token, until: now() + Math.max(0, (body.expires_in ?? 1800) - 60) * 1000 };
    return body.access_token;
  };
  return {
    async header() {
      if (cached !== undefined && cached.until > now()) return `Bearer ${cached.token}`;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return `Bearer ${await pending}`;
    },
    /** After a 401, the next call fetches a new token. */
    invalidate() {
      cached = undefined;
    },
  };
}
