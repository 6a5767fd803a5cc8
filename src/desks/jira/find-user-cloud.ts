/**
 * The task's user on Jira Cloud, by email: `GET /rest/api/3/user/search?query=<email>` (jira.js `userSearch.findUsers`;
 * desks.md §6). `query` prefix-matches display names and emails, so a hit counts only when its `emailAddress` equals
 * the email; Jira leaves `emailAddress` out when the user's profile visibility hides it, and such a hit cannot be
 * told from a namesake, so it counts as not found (the caller then raises the ticket as the bridge's account and says
 * so). Without "Browse users and groups" Jira answers an empty list, not an error. Answers (including "not found")
 * are kept per process: a person for an hour, an absence for five minutes.
 */
import type { Client } from 'jira.js/core';
import { cachedByEmail, NO_EMAIL_REASON } from '../user-lookup-cache.ts';
import { classifyJiraError } from './classify-error.ts';

export type CloudUserLookup = { accountId: string } | { accountId?: undefined; reason: string };

export interface CloudUserHit {
  accountId?: string | undefined;
  accountType?: string | undefined;
  emailAddress?: string | undefined;
  active?: boolean | undefined;
}

/** Enough to see a second person with the same email or a namesake whose email is hidden. */
const MAX_RESULTS = 10;

/** App accounts (bots, integrations) are not people; `atlassian` users and JSM `customer` accounts are. */
const PERSON = new Set(['atlassian', 'customer']);

export function pickCloudUser(email: string, hits: readonly CloudUserHit[]): CloudUserLookup {
  const wanted = email.trim().toLowerCase();
  const people = hits.filter((hit) => hit.accountId !== undefined && hit.active !== false && PERSON.has(hit.accountType ?? 'atlassian'));
  const exact = people.filter((hit) => hit.emailAddress?.trim().toLowerCase() === wanted);
  const [only] = exact;
  if (exact.length === 1 && only?.accountId !== undefined) return { accountId: only.accountId };
  if (exact.length > 1) return { reason: `several active Jira users have the email ${email}` };
  if (people.some((hit) => hit.emailAddress === undefined)) return { reason: `Jira hides the email of the user(s) it found for ${email} (profile visibility), so none can be confirmed` };
  return { reason: `no active Jira user has the email ${email}` };
}

export function createCloudUserFinder(search: (email: string) => Promise<readonly CloudUserHit[]>, now: () => number = Date.now) {
  const lookup = async (email: string): Promise<CloudUserLookup> => pickCloudUser(email, await search(email.trim()));
  return cachedByEmail(lookup, (answer) => answer.accountId !== undefined, { reason: NO_EMAIL_REASON }, now);
}

/** The search through jira.js's flat Cloud function (loaded on first use, as the Cloud adapter loads its client). */
export function cloudUserSearch(client: Client): (email: string) => Promise<readonly CloudUserHit[]> {
  return async (email) => {
    const { findUsers } = await import('jira.js/cloud');
    try {
      return await findUsers(client, { query: email, maxResults: MAX_RESULTS });
    } catch (error) {
      throw classifyJiraError(error, 'find user by email');
    }
  };
}
