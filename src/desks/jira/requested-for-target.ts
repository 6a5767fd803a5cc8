/**
 * What a route's `jira:` target says about the task's user (contract §8 "subject"): `reporter: subject` reports the
 * issue as that person, and `userFields` names user-picker fields (`customfield_10070`) filled with the same person.
 * Merged into the jira route target; the lookup itself is requested-for.ts.
 */
import { z } from 'zod';

const fieldId = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "must be a Jira field id such as customfield_10070, not the field's name");

export const requestedForShape = {
  reporter: z.literal('subject', { error: "must be subject (the task's user)" }).optional(),
  userFields: z.array(fieldId).optional(),
};

export interface RequestedForTarget {
  readonly reporter?: 'subject' | undefined;
  readonly userFields?: readonly string[] | undefined;
}

/** The fields a target fills with the task's user: `reporter` first, then its user-picker fields. */
export function subjectFields(target: RequestedForTarget): string[] {
  return [...new Set([...(target.reporter === 'subject' ? ['reporter'] : []), ...(target.userFields ?? [])])];
}
