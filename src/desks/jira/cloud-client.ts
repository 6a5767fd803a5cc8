import { createClient, type Client, type SchemaMismatchBehavior } from 'jira.js/core';
import type { JiraConfig } from './jira-config.ts';

/**
 * jira.js's core client for one Jira Cloud desk: an API token as basic auth with the email, or a bearer token. One
 * attempt per call: retries belong to the job, which honours Retry-After and the configured backoff.
 */
export function jiraCoreClient(config: Pick<JiraConfig, 'baseUrl' | 'email' | 'apiToken' | 'token'>, onSchemaMismatch: SchemaMismatchBehavior = 'warn'): Client {
  const auth =
    config.token !== undefined
      ? ({ type: 'bearer', token: config.token } as const)
      : ({ type: 'basic', email: config.email ?? '', apiToken: config.apiToken ?? '' } as const);
  return createClient({ host: config.baseUrl, auth, retry: { maxAttempts: 1 }, onSchemaMismatch });
}
