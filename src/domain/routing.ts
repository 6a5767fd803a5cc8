import type { BridgeConfig } from '../config/schema.ts';
import type { TicketRequest } from './provisioning-request.ts';

type RouteConfig = BridgeConfig['routes'][number];
type Target = Pick<RouteConfig, 'jira' | 'servicenow'>;

export interface ChosenRoute {
  /** The route's name, or `defaultRoute`. */
  name: string;
  target: Target;
}

const sameName = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/** A match key that is absent matches anything; ids compare exactly, names ignoring case. */
export function routeMatches(match: RouteConfig['match'], request: TicketRequest): boolean {
  if (match.appId !== undefined && match.appId !== request.app.id) return false;
  if (match.entitlementId !== undefined && match.entitlementId !== request.entitlement.id) return false;
  if (match.appName !== undefined && !sameName(match.appName, request.app.name)) return false;
  if (match.entitlementName !== undefined && !sameName(match.entitlementName, request.entitlement.name)) return false;
  if (match.taskType !== undefined && match.taskType !== request.kind) return false;
  return true;
}

/** First matching route wins; then `defaultRoute`; undefined when neither applies. */
export function chooseRoute(config: Pick<BridgeConfig, 'routes' | 'defaultRoute'>, request: TicketRequest): ChosenRoute | undefined {
  const route = config.routes.find((candidate) => routeMatches(candidate.match, request));
  if (route !== undefined) return { name: route.name, target: route };
  if (config.defaultRoute !== undefined) return { name: 'defaultRoute', target: config.defaultRoute };
  return undefined;
}
