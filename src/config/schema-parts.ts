import { z } from 'zod';

/** Schema pieces shared by the config file's own sections and each desk kind's section (src/desks/<kind>/*-config.ts). */

export const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

export const httpUrl = z.string().refine(isHttpUrl, 'must be an absolute http(s) URL');

export const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * A whole number from YAML, or digits from a `${VAR}` (a string). Unlike `z.coerce.number()`, an empty value or a
 * key left without one is an error instead of a silent 0 (which would mean "random port" or "reconcile off").
 */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number().int('must be a whole number').min(min, `must be at least ${min.toString()}`).max(max, `must be at most ${max.toString()}`),
  );
}

/** One secret or several (rotation: the new one is added, then the old one removed). */
export const secretList = z
  .union([nonEmpty, z.array(nonEmpty).min(1, 'must list at least one secret')], {
    error: (issue) => (issue.code === 'invalid_union' ? 'must be a secret or a list of secrets' : undefined),
  })
  .transform((value) => (typeof value === 'string' ? [value] : value));

export type DeepReadonly<T> = T extends ReadonlyArray<infer U>
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** `reassign: assignee` on a `for: approval` route's target: a new assignee who is a C1 user takes the step. */
export const reassignKey = z.literal('assignee', { error: 'must be assignee (the ticket\'s assignee)' }).optional();
