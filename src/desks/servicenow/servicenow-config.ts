import { z } from 'zod';
import { httpUrl, integer, nonEmpty, secretList, type DeepReadonly, reassignKey } from '../../config/schema-parts.ts';

const servicenowOauth = z.strictObject({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  tokenUrl: httpUrl.optional(),
});

const stateCodes = z.array(integer(0)).default([]);
const tableStates = z.strictObject({ complete: stateCodes, errored: stateCodes });

/** Contract §6 defaults: incident 6/7 ⇒ complete, 8 ⇒ errored; sc_task and sc_req_item 3 ⇒ complete, 4/7 ⇒ errored. */
export const DEFAULT_SERVICENOW_STATES = {
  incident: { complete: [6, 7], errored: [8] },
  sc_task: { complete: [3], errored: [4, 7] },
  sc_req_item: { complete: [3], errored: [4, 7] },
};
/** A `servicenow:` section, or a `desks:` entry of kind servicenow. */
export const servicenowInstance = z
  .strictObject({
    instanceUrl: httpUrl,
    username: nonEmpty.optional(),
    password: nonEmpty.optional(),
    oauth: servicenowOauth.optional(),
    webhookSecret: secretList.optional(),
    /** Per table, which `state` values are final and how they are reported; tables not listed keep the defaults. */
    states: z.partialRecord(z.enum(['incident', 'sc_task', 'sc_req_item']), tableStates).default({}),
    /** Requested-item stages that mean the request was cancelled (a complete state with one is errored); unset: any stage naming a cancellation. */
    cancelledStages: z.array(nonEmpty).optional(),
  })
  .superRefine((value, ctx) => {
    const basic = value.username !== undefined || value.password !== undefined;
    if (basic && value.oauth !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either username + password or oauth, not both' });
    } else if (!basic && value.oauth === undefined) {
      ctx.addIssue({ code: 'custom', message: 'credentials missing: username + password, or oauth' });
    } else if (basic && (value.username === undefined || value.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value.username === undefined ? 'username' : 'password'], message: 'basic auth needs both username and password' });
    }
  });

/** ServiceNow takes every field value as text; `urgency: 2` need not be quoted. */
const fieldText = z.union([z.string(), z.number(), z.boolean()], { error: 'must be text, a number or true/false' }).transform(String);

/**
 * A Table API record (`table`), or a Service Catalog order (`catalogItem`, name or sys_id, with `variables`), tracked
 * as its requested item (sc_req_item). `requestedFor: subject` names the task's user, found in sys_user by email.
 */
export const servicenowTarget = z
  .strictObject({
    table: z.enum(['incident', 'sc_task', 'sc_req_item']).optional(),
    catalogItem: nonEmpty.optional(),
    variables: z.record(z.string(), fieldText).default({}),
    requestedFor: z.literal('subject', { error: 'must be subject (the task\'s user)' }).optional(),
    /** The record field that takes the user on a Table API route (default: caller_id, requested_for or opened_for by table). */
    requestedForField: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a ServiceNow field name such as caller_id').optional(),
    shortDescription: z.string().optional(),
    description: z.string().optional(),
    fields: z.record(z.string(), fieldText).default({}),
    /** A `for: approval` route: a new assignee who is a C1 user takes the step. */
    reassign: reassignKey,
  })
  .superRefine((value, ctx) => {
    if (value.catalogItem === undefined) {
      if (value.table === undefined) ctx.addIssue({ code: 'custom', message: 'needs a table (incident, sc_task, sc_req_item) or a catalogItem' });
      if (Object.keys(value.variables).length > 0) ctx.addIssue({ code: 'custom', path: ['variables'], message: 'variables belong to a catalogItem order' });
      return;
    }
    if (value.table !== undefined && value.table !== 'sc_req_item') ctx.addIssue({ code: 'custom', path: ['table'], message: 'a catalogItem order is tracked as sc_req_item; leave table out' });
    if (value.requestedForField !== undefined) ctx.addIssue({ code: 'custom', path: ['requestedForField'], message: 'a catalogItem order sets requested_for itself; leave requestedForField out' });
  })
  .transform(({ table, ...rest }) => ({ ...rest, table: table ?? 'sc_req_item' }));

export type ServiceNowConfig = DeepReadonly<z.output<typeof servicenowInstance>>;
export type ServiceNowTarget = DeepReadonly<z.output<typeof servicenowTarget>>;

/** The kind's own section; errors of the adapter name it until the desk they came from relabels them (named-desk.ts). */
export const SERVICENOW_KIND_DESK = { name: 'servicenow', kind: 'servicenow' } as const;
