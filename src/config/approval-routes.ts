/**
 * What approval routes need and provisioning routes must not carry, for every desk kind: `approve`, `deny` and
 * `reassign` belong to `for: approval` routes only; `reassign` needs `conductorone.api` (the C1 user id of an email
 * comes from its API); what else an approval target needs is its kind's own rule (DeskModule.approvalProblems: a plain
 * Jira route names the statuses that approve and deny, a ServiceNow one is a Table API record, …).
 */
export type ApprovalTarget = Readonly<Record<string, unknown>>;

export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}

/** A kind's own rule for an approval route's target: problems by key inside the target (undefined: the target). */
export type ApprovalTargetRule = (route: string, target: ApprovalTarget) => Array<{ key?: string | undefined; message: string }>;

interface RouteView {
  readonly name: string;
  readonly for: 'provision' | 'approval';
}

const APPROVAL_KEYS = ['approve', 'deny', 'reassign'] as const;

/**
 * `targetOf` answers a route's kind and target (its one `<kind>:` key), `ruleOf` the kind's approval rule.
 */
export function approvalRouteProblems<R extends RouteView>(
  routes: readonly R[],
  hasC1Api: boolean,
  targetOf: (route: R) => { kind: string; target: ApprovalTarget } | undefined,
  ruleOf: (kind: string) => ApprovalTargetRule | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  routes.forEach((route, index) => {
    const found = targetOf(route);
    if (found === undefined) return;
    const { kind, target } = found;
    const at = (key?: string) => ['routes', index, kind, ...(key === undefined ? [] : [key])];
    if (route.for !== 'approval') {
      for (const key of APPROVAL_KEYS) {
        if (target[key] !== undefined) problems.push({ path: at(key), message: `route "${route.name}": ${key} belongs to a for: approval route` });
      }
      return;
    }
    for (const problem of ruleOf(kind)?.(route.name, target) ?? []) problems.push({ path: at(problem.key), message: problem.message });
    if (target['reassign'] !== undefined && !hasC1Api) {
      problems.push({ path: at('reassign'), message: `route "${route.name}": reassign needs conductorone.api (clientId, clientSecret) to find the ConductorOne user of an email` });
    }
  });
  return problems;
}
