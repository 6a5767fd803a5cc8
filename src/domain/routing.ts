import { routeDesk, type BridgeConfig } from '../config/schema.ts';
import { compileCondition, ConditionError, type CompiledCondition } from './conditions.ts';
import type { TicketRequest } from './provisioning-request.ts';

type RouteConfig = BridgeConfig['routes'][number];
type Target = Omit<RouteConfig, 'name' | 'for' | 'match' | 'when' | 'desk'>;
type Match = RouteConfig['match'];

export interface ChosenRoute {
  /** The route's name, or `defaultRoute`. */
  name: string;
  /** The desk its tickets go to (its `desk:`, else the target kind's own section). */
  desk: string;
  target: Target;
}

/** Why one route did or did not take a task. */
export type RouteVerdict =
  | { readonly route: string; readonly matched: true }
  | { readonly route: string; readonly matched: false; readonly reason: string }
  /** `when:` could not be evaluated on this task: the route is skipped (with a warning and a metric). */
  | { readonly route: string; readonly matched: false; readonly reason: string; readonly evaluationError: string };

export interface RoutingDecision {
  chosen: ChosenRoute | undefined;
  /** Every route tried, in order, up to and including the one that matched. */
  verdicts: RouteVerdict[];
}

const sameName = (a: string, b: string | undefined): boolean => b !== undefined && a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

const quoted = (values: readonly string[]) => (values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);

/**
 * The first match key the task fails, as a reason, or undefined when every key matches. A key that is absent
 * matches anything; a key with a list matches any value in it; ids compare exactly, names ignoring case.
 */
export function matchMismatch(match: Match, request: TicketRequest): string | undefined {
  const checks: Array<[string, readonly string[] | undefined, string | undefined, (want: string, have: string | undefined) => boolean]> = [
    ['appId', match.appId, request.app.id, (want, have) => want === have],
    ['entitlementId', match.entitlementId, request.entitlement.id, (want, have) => want === have],
    ['appName', match.appName, request.app.name, sameName],
    ['entitlementName', match.entitlementName, request.entitlement.name, sameName],
    ['taskType', match.taskType, request.kind, (want, have) => want === have],
  ];
  for (const [key, wanted, have, equal] of checks) {
    if (wanted !== undefined && !wanted.some((want) => equal(want, have))) {
      return `match.${key}: wants ${quoted(wanted)}, the task has ${have === undefined ? 'none' : JSON.stringify(have)}`;
    }
  }
  return undefined;
}

// Compiled once per distinct expression. A config that loaded has had every expression compiled already; one built
// another way (not through the loader) that does not compile fails every task's evaluation instead of the job.
const conditions = new Map<string, CompiledCondition>();
function condition(source: string): CompiledCondition {
  let compiled = conditions.get(source);
  if (compiled === undefined) {
    try {
      compiled = compileCondition(source);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      const message = `does not compile: ${error.message}`;
      compiled = { source, evaluate: () => ({ ok: false, error: message }) };
    }
    conditions.set(source, compiled);
  }
  return compiled;
}

function verdict(route: RouteConfig, request: TicketRequest): RouteVerdict {
  // A route takes one kind of step: an approval must never open a provisioning ticket, nor the other way round.
  const takes = route.for ?? 'provision';
  const step = request.step ?? 'provision';
  if (takes !== step) return { route: route.name, matched: false, reason: `for: takes ${takes} steps, this is ${step === 'approval' ? 'an approval' : 'a provisioning'} step` };
  const mismatch = matchMismatch(route.match, request);
  if (mismatch !== undefined) return { route: route.name, matched: false, reason: mismatch };
  if (route.when === undefined) return { route: route.name, matched: true };
  const result = condition(route.when).evaluate(request);
  if (!result.ok) return { route: route.name, matched: false, reason: `when: could not be evaluated (${result.error})`, evaluationError: result.error };
  return result.value ? { route: route.name, matched: true } : { route: route.name, matched: false, reason: 'when: is false' };
}

/**
 * First matching route wins (its `for:`, its match keys, then its `when:`); then `defaultRoute`, for provisioning
 * steps only (an approval goes only where a route says `for: approval`); no route when neither applies.
 * Pure: the same config and task always give the same decision.
 */
export function decideRoute(config: Pick<BridgeConfig, 'routes' | 'defaultRoute'>, request: TicketRequest): RoutingDecision {
  const verdicts: RouteVerdict[] = [];
  for (const route of config.routes) {
    const result = verdict(route, request);
    verdicts.push(result);
    if (result.matched) return { chosen: { name: route.name, desk: routeDesk(route), target: route }, verdicts };
  }
  const chosen = config.defaultRoute === undefined || request.step === 'approval' ? undefined : { name: 'defaultRoute', desk: routeDesk(config.defaultRoute), target: config.defaultRoute };
  return { chosen, verdicts };
}

/** First matching route wins; then `defaultRoute`; undefined when neither applies. */
export function chooseRoute(config: Pick<BridgeConfig, 'routes' | 'defaultRoute'>, request: TicketRequest): ChosenRoute | undefined {
  return decideRoute(config, request).chosen;
}
