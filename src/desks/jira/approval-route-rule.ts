import type { ApprovalTargetRule } from '../../config/approval-routes.ts';

const listed = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0;

/**
 * A Jira approval route: a plain issue names the statuses that approve and deny (both required, none in both: there
 * is no default "Done means approve"); a JSM request (`serviceDesk`) names none, its approvals' `finalDecision`
 * deciding, and takes no `reassign` (a request's approvals have no assignee to follow).
 */
export const jiraApprovalRule: ApprovalTargetRule = (route, target) => {
  if (target['serviceDesk'] !== undefined) {
    const problems = ['approve', 'deny']
      .filter((key) => target[key] !== undefined)
      .map((key) => ({ key, message: `route "${route}" is a JSM approval route: its request's approvals decide, not status lists; leave ${key} out` }));
    if (target['reassign'] !== undefined) {
      problems.push({ key: 'reassign', message: `route "${route}" is a JSM approval route: reassign follows a plain issue's assignee, which a JSM request's approvals do not use; leave reassign out` });
    }
    return problems;
  }
  const approve = target['approve'];
  const deny = target['deny'];
  if (!listed(approve) || !listed(deny)) {
    const missing = [listed(approve) ? undefined : 'approve', listed(deny) ? undefined : 'deny'].filter((key) => key !== undefined);
    return [{ key: missing[0], message: `route "${route}" takes approvals: jira.approve and jira.deny must list the statuses that approve and deny (missing: ${missing.join(', ')}); there is no default` }];
  }
  const denied = new Set(deny.map((name) => name.toLowerCase()));
  const both = approve.filter((name) => denied.has(name.toLowerCase()));
  return both.length === 0 ? [] : [{ key: 'deny', message: `route "${route}": ${both.map((name) => `"${name}"`).join(', ')} cannot both approve and deny` }];
};
