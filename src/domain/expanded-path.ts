/**
 * Resolves a TaskView `*Path` value (`$.expanded[2]`) into the payload's `expanded` list. Only that one form is
 * understood: no general JSONPath is ever evaluated on input from outside. Anything else, an index out of range, or
 * an item of another `@type` resolves to undefined.
 */
const EXPANDED_INDEX = /^\$\.expanded\[(0|[1-9]\d{0,5})\]$/;

export function resolveExpanded(
  expanded: ReadonlyArray<Record<string, unknown>> | null | undefined,
  path: string | null | undefined,
  expectedType: string,
): Record<string, unknown> | undefined {
  if (expanded == null || path == null) return undefined;
  const match = EXPANDED_INDEX.exec(path);
  if (match?.[1] === undefined) return undefined;
  const item = expanded[Number(match[1])];
  if (item === undefined) return undefined;
  const type = item['@type'];
  return typeof type === 'string' && type.endsWith(`/${expectedType}`) ? item : undefined;
}

/** The `@type` names of the expanded objects, as protobuf's Any writes them after `type.googleapis.com/`. */
export const EXPANDED_TYPE = {
  app: 'c1.api.app.v1.App',
  entitlement: 'c1.api.app.v1.AppEntitlement',
  user: 'c1.api.user.v1.User',
  appUser: 'c1.api.app.v1.AppUser',
} as const;
