/**
 * "Requested for the user" (issue 15 point 5): the task's user, looked up in Jira by email, becomes the reporter
 * and / or the value of user-picker fields. Jira Cloud names a user `{accountId}`, Data Center `{name}` (desks.md
 * §1, §6). A person Jira does not know, or whose email it hides, never fails the task: the issue is created as the
 * bridge's account, with a line at the top of the description and a warning in the log.
 */
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import { TicketSystemError } from '../ticket-error.ts';
import { JiraLoginPageError } from './datacenter/dc-client.ts';
import type { DcUserFinder } from './datacenter/find-user-dc.ts';
import type { CloudUserLookup } from './find-user-cloud.ts';
import { subjectFields, type RequestedForTarget } from './requested-for-target.ts';

/** How a user field names a person: Cloud by accountId, Data Center by username. */
export type JiraUserValue = { accountId: string } | { name: string };

export type SubjectLookup = { user: JiraUserValue } | { user?: undefined; reason: string };

/** Looks a person up by email (cached by the finder it wraps); exported for every use of `subject` on Jira. */
export type SubjectFinder = (email: string | undefined) => Promise<SubjectLookup>;

export function cloudSubjectFinder(find: (email: string | undefined) => Promise<CloudUserLookup>): SubjectFinder {
  return async (email) => {
    const found = await find(email);
    return found.accountId === undefined ? { reason: found.reason } : { user: { accountId: found.accountId } };
  };
}

export function dcSubjectFinder(find: DcUserFinder): SubjectFinder {
  return async (email) => {
    const found = await find(email);
    return found.username === undefined ? { reason: found.reason } : { user: { name: found.username } };
  };
}

export interface RequestedFor {
  /** Field id → the user, for the create body. */
  fields: Record<string, JiraUserValue>;
  /** The line that says why the task's user is not on the issue. */
  note?: string;
}

export interface RequestedForLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * A refusal of the user search itself (no "Browse users" permission: 403) is a reason, not a failure; Jira being
 * down or rate limited is retried as any call is, and a login page fails the create anyway.
 */
function refusalReason(error: unknown): string | undefined {
  if (!(error instanceof TicketSystemError) || error.code !== 'ticket_system_rejected' || error instanceof JiraLoginPageError) return undefined;
  return `the user search was refused: ${error.message}`;
}

export async function requestedFor(target: RequestedForTarget, request: TicketRequest, find: SubjectFinder, log?: RequestedForLog): Promise<RequestedFor> {
  const names = subjectFields(target);
  if (names.length === 0) return { fields: {} };
  const email = request.subject.email;
  const found = await find(email).catch((error: unknown): SubjectLookup => {
    const reason = refusalReason(error);
    if (reason === undefined) throw error;
    return { reason };
  });
  if (found.user !== undefined) return { fields: Object.fromEntries(names.map((name) => [name, found.user])) };
  const pickers = names.filter((name) => name !== 'reporter');
  const reported = names.includes('reporter');
  const consequences = [...(reported ? ["this ticket is reported by the bridge's account"] : []), ...(pickers.length === 0 ? [] : [`${pickers.join(', ')} ${pickers.length === 1 ? 'is' : 'are'} left empty`])];
  log?.warn(
    { taskId: request.taskId, reason: found.reason, ...(pickers.length === 0 ? {} : { fields: pickers }) },
    reported ? 'reporter not found in Jira: the ticket is reported by the bridge account' : 'task user not found in Jira: user fields left empty',
  );
  return { fields: {}, note: `Requested for ${email ?? 'the task user'}, who was not found in Jira (${found.reason}); ${consequences.join('; ')}.` };
}
