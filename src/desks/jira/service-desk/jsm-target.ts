/**
 * What a route's `jira:` target adds to open a Jira Service Management request instead of a plain issue (contract
 * §8 "access-portal"): `serviceDesk` (key or id), `requestType` (name or id), `requestFields` (field id → template)
 * and `raiseOnBehalfOf: subject`. The shape is merged into the jira route target; `checkJsmTarget` is its refinement.
 */
import { z } from 'zod';
import { requestedForShape } from '../requested-for-target.ts';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** JSM's requestFieldValues are keyed by field id (`summary`, `description`, `customfield_10050`, …), never names. */
const FIELD_ID = 'must be a Jira field id such as summary or customfield_10050, not the field\'s name';
const fieldId = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, FIELD_ID);

export const jsmTargetShape = {
  serviceDesk: nonEmpty.optional(),
  requestType: nonEmpty.optional(),
  requestFields: z.record(fieldId, z.string({ error: 'must be template text' }), { error: (issue) => (issue.code === 'invalid_key' ? FIELD_ID : undefined) }).optional(),
  raiseOnBehalfOf: z.literal('subject', { error: "must be subject (the task's user)" }).optional(),
};

export interface JsmTargetFields {
  project?: string | undefined;
  serviceDesk?: string | undefined;
  requestType?: string | undefined;
  requestFields?: Record<string, string> | undefined;
  raiseOnBehalfOf?: 'subject' | undefined;
  summary?: string | undefined;
  description?: string | undefined;
  fields?: Record<string, unknown> | undefined;
  reporter?: 'subject' | undefined;
  userFields?: readonly string[] | undefined;
}

/** A JSM request target once checked: both names are there. */
export type JsmTarget = JsmTargetFields & { serviceDesk: string; requestType: string };

export function isJsmTarget(target: JsmTargetFields): target is JsmTarget {
  return target.serviceDesk !== undefined && target.requestType !== undefined;
}

const PLAIN_OR_JSM = 'give either project (a plain issue) or serviceDesk + requestType (a Jira Service Management request)';

/** The rules between a target's keys, with the key at fault as the path. */
export function checkJsmTarget(value: JsmTargetFields, ctx: z.RefinementCtx): void {
  const jsm = value.serviceDesk !== undefined || value.requestType !== undefined;
  if (!jsm) {
    if (value.requestFields !== undefined) ctx.addIssue({ code: 'custom', path: ['requestFields'], message: 'requestFields belong to a JSM request: add serviceDesk and requestType' });
    if (value.raiseOnBehalfOf !== undefined) ctx.addIssue({ code: 'custom', path: ['raiseOnBehalfOf'], message: 'raiseOnBehalfOf belongs to a JSM request: add serviceDesk and requestType' });
    if (value.project === undefined) ctx.addIssue({ code: 'custom', message: `needs a target: ${PLAIN_OR_JSM}` });
    return;
  }
  if (value.serviceDesk === undefined) ctx.addIssue({ code: 'custom', path: ['serviceDesk'], message: 'a request type needs its service desk (key or id)' });
  if (value.requestType === undefined) ctx.addIssue({ code: 'custom', path: ['requestType'], message: 'a JSM request needs a requestType (name or id)' });
  if (value.project !== undefined) ctx.addIssue({ code: 'custom', path: ['project'], message: `a JSM request goes to its service desk's project: ${PLAIN_OR_JSM}, not both` });
  for (const key of ['summary', 'description'] as const) {
    if (value[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `a JSM request takes its ${key} from requestFields.${key}` });
  }
  if (value.fields !== undefined && Object.keys(value.fields).length > 0) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a JSM request takes its field values from requestFields' });
  // The request API has no reporter field and takes users as ids, not templates: silently dropping these would
  // raise the request as the bridge while the config reads as if it were the user's.
  if (value.reporter !== undefined) ctx.addIssue({ code: 'custom', path: ['reporter'], message: "a JSM request is raised for the task's user with raiseOnBehalfOf: subject, not reporter" });
  if (value.userFields !== undefined) ctx.addIssue({ code: 'custom', path: ['userFields'], message: "userFields belong to a plain issue: a JSM request is raised for the task's user with raiseOnBehalfOf: subject" });
}

/** The fragment alone (for checks and tests); the jira route target merges `jsmTargetShape` and the refinement. */
export const jsmTargetSchema = z
  .strictObject({ project: nonEmpty.optional(), summary: z.string().optional(), description: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional(), ...requestedForShape, ...jsmTargetShape })
  .superRefine(checkJsmTarget);
