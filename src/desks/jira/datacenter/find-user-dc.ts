/**
 * The task's user in Jira Data Center, by email: `GET /rest/api/2/user/search?username=<email>` (the parameter is
 * named `username` but matches the username, name or email; answer: an array of users with `name`, `key`,
 * `emailAddress`, `active`; at most the first 100 — jira.js v6.3 `src/server/parameters/findUsers.ts`, written from
 * Atlassian's DC OpenAPI). `name` is what Data Center takes for a user field: `reporter: {"name": …}`.
 *
 * The search matches more than the email, so only an active user whose own email is the one asked for counts; two
 * such users count as not found rather than a guess. Cached per process: a person for an hour, an absence for five
 * minutes (as the ServiceNow lookup does).
 */
import { cachedByEmail, NO_EMAIL_REASON } from '../../user-lookup-cache.ts';
import type { DcClient } from './dc-client.ts';

export type DcUserLookup = { username: string } | { username?: undefined; reason: string };

interface DcUser {
  name?: unknown;
  emailAddress?: unknown;
  active?: unknown;
}

export function createDcUserFinder(client: DcClient, now: () => number = Date.now) {
  const lookup = async (email: string): Promise<DcUserLookup> => {
    const wanted = email.trim().toLowerCase();
    const query = new URLSearchParams({ username: email.trim(), maxResults: '10' });
    const users = (await client.call('find user by email', 'GET', `/user/search?${query.toString()}`)) as unknown;
    const matches = (Array.isArray(users) ? (users as DcUser[]) : []).filter(
      (user) => user.active !== false && typeof user.name === 'string' && typeof user.emailAddress === 'string' && user.emailAddress.toLowerCase() === wanted,
    );
    const [first] = matches;
    const answer: DcUserLookup =
      matches.length === 1 && first !== undefined
        ? { username: first.name as string }
        : { reason: matches.length === 0 ? `no active Jira user has the email ${email.trim()}` : `several active Jira users have the email ${email.trim()}` };
    return answer;
  };
  return cachedByEmail(lookup, (answer) => answer.username !== undefined, { reason: NO_EMAIL_REASON }, now);
}

export type DcUserFinder = ReturnType<typeof createDcUserFinder>;
