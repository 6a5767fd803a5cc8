import { z } from 'zod';

/** `reassign: assignee` on a `for: approval` route's target: a new assignee who is a C1 user takes the step. */
export const reassignKey = z.literal('assignee', { error: 'must be assignee (the ticket\'s assignee)' }).optional();

type Target = Readonly<Record<string, unknown>> | undefined;
interface RouteView {
  readonly name: string;
  readonly for: 'provision' | 'approval';
  readonly jira?: Target;
  readonly servicenow?: Target;
}

export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}

const given = (target: Target, key: string): boolean => target !== undefined && target[key] !== undefined;
const listed = (target: Target, key: string): boolean => Array.isArray(target?.[key]) && (target[key] as unknown[]).length > 0;

/**
 * What approval routes need and provisioning routes must not carry: a plain Jira approval route names the statuses
 * that approve and deny (no default), a JSM one (`serviceDesk`) none, its approvals' `finalDecision` deciding; `approve`, `deny` and `reassign` belong to `for: approval` routes only; `reassign`
 * needs `conductorone.api` (the C1 user id of an email comes from its API); a ServiceNow approval is a Table API
 * record (its `approval` field decides), not a catalog order.
 */
export function approvalRouteProblems(routes: readonly RouteView[], hasC1Api: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  routes.forEach((route, index) => {
    const at = (kind: string, key?: string) => ['routes', index, kind, ...(key === undefined ? [] : [key])];
    const kind = route.jira !== undefined ? 'jira' : 'servicenow';
    const target = route.jira ?? route.servicenow;
    if (route.for !== 'approval') {
      for (const key of ['approve', 'deny', 'reassign']) {
        if (given(target, key)) problems.push({ path: at(kind, key), message: `route "${route.name}": ${key} belongs to a for: approval route` });
      }
      return;
    }
    if (given(route.jira, 'serviceDesk')) {
      // A JSM request decides from its native approvals' finalDecision, never from status names.
      for (const key of ['approve', 'deny']) {
        if (given(route.jira, key)) problems.push({ path: at('jira', key), message: `route "${route.name}" is a JSM approval route: its request's approvals decide, not status lists; leave ${key} out` });
      }
      // The service-desk API shows a request's approvers, not an assignee with an email to look up in C1.
      if (given(route.jira, 'reassign')) problems.push({ path: at('jira', 'reassign'), message: `route "${route.name}" is a JSM approval route: reassign follows a plain issue's assignee, which a JSM request's approvals do not use; leave reassign out` });
    } else if (route.jira !== undefined) {
      const missing = ['approve', 'deny'].filter((key) => !listed(route.jira, key));
      if (missing.length > 0) {
        problems.push({
          path: at('jira', missing[0]),
          message: `route "${route.name}" takes approvals: jira.approve and jira.deny must list the statuses that approve and deny (missing: ${missing.join(', ')}); there is no default`,
        });
      } else {
        const deny = new Set((route.jira['deny'] as string[]).map((name) => name.toLowerCase()));
        const both = (route.jira['approve'] as string[]).filter((name) => deny.has(name.toLowerCase()));
        if (both.length > 0) problems.push({ path: at('jira', 'deny'), message: `route "${route.name}": ${both.map((name) => `"${name}"`).join(', ')} cannot both approve and deny` });
      }
    }
    if (given(route.servicenow, 'catalogItem')) {
      problems.push({ path: at('servicenow', 'catalogItem'), message: `route "${route.name}" takes approvals: give a table (its record's approval field decides), not a catalogItem` });
    }
    if (given(target, 'reassign') && !hasC1Api) {
      problems.push({ path: at(kind, 'reassign'), message: `route "${route.name}": reassign needs conductorone.api (clientId, clientSecret) to find the ConductorOne user of an email` });
    }
  });
  return problems;
}
