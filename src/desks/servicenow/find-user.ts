/**
 * The task's user in sys_user, by email (Table API `GET /api/now/table/sys_user?sysparm_query=active=true^email=…`),
 * cached per process: a person is looked up once an hour, an absent one again after five minutes. Email is not
 * unique in ServiceNow, so two active users with it count as not found rather than a guess.
 */
import type { ServiceNowCall } from './servicenow-client.ts';

export type UserLookup = { sysId: string } | { sysId?: undefined; reason: string };

const FOUND_TTL_MS = 60 * 60 * 1000;
const ABSENT_TTL_MS = 5 * 60 * 1000;

export function createUserFinder(call: ServiceNowCall, now: () => number = Date.now) {
  const cache = new Map<string, { answer: UserLookup; until: number }>();
  return async function findUser(email: string | undefined): Promise<UserLookup> {
    if (email === undefined || email.trim() === '') return { reason: 'ConductorOne sent no email for the user' };
    const key = email.trim().toLowerCase();
    const hit = cache.get(key);
    if (hit !== undefined && hit.until > now()) return hit.answer;
    const query = new URLSearchParams({ sysparm_query: `active=true^email=${email.trim().replaceAll('^', '^^')}`, sysparm_fields: 'sys_id,user_name,email', sysparm_limit: '2' });
    const rows = ((await call('find sys_user by email', 'GET', `/api/now/table/sys_user?${query.toString()}`)) ?? []) as Array<{ sys_id?: string }>;
    const [first] = rows;
    const answer: UserLookup =
      rows.length === 1 && first?.sys_id !== undefined
        ? { sysId: first.sys_id }
        : { reason: rows.length === 0 ? `no active ServiceNow user has the email ${email}` : `several active ServiceNow users have the email ${email}` };
    cache.set(key, { answer, until: now() + (answer.sysId === undefined ? ABSENT_TTL_MS : FOUND_TTL_MS) });
    return answer;
  };
}
