/**
 * Resolves a TaskView `*Path` value (`$.expanded[2]`) into the payload's `expanded` list. Only that one form is
 * understood, so no general JSONPath is ever evaluated on input from outside. Any other path, an index out of range,
 * or an item of another `@type` resolves to undefined: the caller falls back to the ids on the task.
 */
import type { ExpandedItem, ExpandedTypeUrl } from '../c1/schemas.ts';

// No sign, no leading zero, nothing after the bracket; six digits is far beyond any list C1 sends.
const EXPANDED_INDEX = /^\$\.expanded\[(0|[1-9]\d{0,5})\]$/;

export type ExpandedOf<T extends ExpandedTypeUrl> = Extract<ExpandedItem, { '@type': T }>;

/**
 * @example
 *   resolveExpanded(payload.expanded, view.appPath, EXPANDED_TYPE.app)?.displayName // 'GitHub'
 */
export function resolveExpanded<T extends ExpandedTypeUrl>(
  expanded: readonly ExpandedItem[] | null | undefined,
  path: string | null | undefined,
  type: T,
): ExpandedOf<T> | undefined {
  if (expanded == null || path == null) return undefined;
  const index = EXPANDED_INDEX.exec(path)?.[1];
  if (index === undefined) return undefined;
  const item = expanded[Number(index)];
  return item !== undefined && item['@type'] === type ? (item as ExpandedOf<T>) : undefined;
}
