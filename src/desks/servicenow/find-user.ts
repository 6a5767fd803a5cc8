/**
 * The task's user in sys_user, by email (Table API `GET /api/now/table/sys_user?sysparm_query=active=true^email=…`),
 * cached per process: a person is looked up once an hour, an absent one again after five minutes. Email is not
 * unique in ServiceNow, so two active users with it count as not found rather than a guess.
 */
import { cachedByEmail, NO_EMAIL_REASON } from '../user-lookup-cache.ts';
import type { ServiceNowCall } from './servicenow-client.ts';

export type UserLookup = { sysId: string } | { sysId?: undefined; reason: string };

export function createUserFinder(call: ServiceNowCall, now: () => number = Date.now) {
  const lookup = async (email: string): Promise<UserLookup> => {
    const query = new URLSearchParams({ sysparm_query: `active=true^email=${email.trim().replaceAll('^', '^^')}`, sysparm_fields: 'sys_id,user_name,email', sysparm_limit: '2' });
    const rows = ((await call('find sys_user by email', 'GET', `/api/now/table/sys_user?${query.toString()}`)) ?? []) as Array<{ sys_id?: string }>;
    const [first] = rows;
    const answer: UserLookup =
      rows.length === 1 && first?.sys_id !== undefined
        ? { sysId: first.sys_id }
        : { reason: rows.length === 0 ? `no active ServiceNow user has the email ${email}` : `several active ServiceNow users have the email ${email}` };
    return answer;
  };
  return cachedByEmail(lookup, (answer) => answer.sysId !== undefined, { reason: NO_EMAIL_REASON }, now);
}
