/**
 * Zod schemas for the ConductorOne webhook bodies the bridge reads, derived from C1's public OpenAPI (copied unchanged
 * into test/fixtures/conductorone-openapi-subset.json; the comment above each object names the schema it mirrors).
 *
 * - Every property is optional and nullable, as the OpenAPI says: protobuf JSON omits defaults, and C1 may send null.
 * - Every object is loose: C1 adds fields over time, and an unknown field must pass through, not refuse a delivery.
 * - Only the properties the bridge reads (or that tell a ticket reader something) are declared, each typed as the
 *   OpenAPI types it; test/unit/c1/schemas.test.ts checks names, types and nullability against the OpenAPI.
 */
import { z } from 'zod';

export const C1_EVENT = {
  test: 'c1.webhooks.v1.PayloadTest',
  provisionStep: 'c1.webhooks.v1.PayloadProvisionStep',
  policyApprovalStep: 'c1.webhooks.v1.PayloadPolicyApprovalStep',
  workflowStep: 'c1.webhooks.v1.PayloadWorkflowStep',
} as const;

export type C1Event = (typeof C1_EVENT)[keyof typeof C1_EVENT];

/**
 * The `@type` of the expanded objects. protobuf's Any always writes `type.googleapis.com/` before the message name;
 * an item whose `@type` differs is treated as a kind the bridge does not read.
 */
export const EXPANDED_TYPE = {
  app: 'type.googleapis.com/c1.api.app.v1.App',
  entitlement: 'type.googleapis.com/c1.api.app.v1.AppEntitlement',
  user: 'type.googleapis.com/c1.api.user.v1.User',
  appUser: 'type.googleapis.com/c1.api.app.v1.AppUser',
} as const;

export type ExpandedTypeUrl = (typeof EXPANDED_TYPE)[keyof typeof EXPANDED_TYPE];

// Enum properties are plain strings on purpose: the OpenAPI marks them `x-speakeasy-unknown-values: allow`, and a new
// enum value from C1 must not turn a delivery away.
const str = z.string().nullish();
const bool = z.boolean().nullish();
/** `"type": "string", "format": "int64"`: protobuf JSON writes 64-bit integers as decimal strings. */
const int64 = z
  .string()
  .regex(/^-?\d{1,19}$/, 'must be an int64 written as a decimal string')
  .nullish();
/** `"format": "duration"`: google.protobuf.Duration, decimal seconds with an `s` suffix (at most 9 fraction digits). */
const duration = z
  .string()
  .regex(/^-?\d{1,12}(\.\d{1,9})?s$/, 'must be a protobuf duration such as "604800s"')
  .nullish();
/** `"format": "date-time"`: google.protobuf.Timestamp, RFC 3339. */
const timestamp = z.iso.datetime({ offset: true }).nullish();
/** A message the bridge does not read into, but whose place must at least hold an object. */
const message = z.looseObject({}).nullish();

/** google.protobuf.Any (inline in the OpenAPI): a message beside its `@type`. */
export const anySchema = z.looseObject({ '@type': z.string().optional() });

// c1.webhooks.v1.PayloadTest
export const testPayloadSchema = z.looseObject({});

// c1.api.task.v1.TaskTypeGrant
export const taskTypeGrantSchema = z.looseObject({
  appId: str,
  appEntitlementId: str,
  appUserId: str,
  identityUserId: str,
  grantDuration: duration,
  outcome: str,
});

// c1.api.task.v1.TaskRevokeSource: a oneof; the name of the field that is set says why the access goes.
export const taskRevokeSourceSchema = z.looseObject({
  expired: message,
  nonUsage: message,
  request: message,
  review: message,
});

// c1.api.task.v1.TaskTypeRevoke
export const taskTypeRevokeSchema = z.looseObject({
  appId: str,
  appEntitlementId: str,
  appUserId: str,
  identityUserId: str,
  outcome: str,
  source: taskRevokeSourceSchema.nullish(),
});

// c1.api.task.v1.TaskType: a oneof.
export const taskTypeSchema = z.looseObject({
  grant: taskTypeGrantSchema.nullish(),
  revoke: taskTypeRevokeSchema.nullish(),
  certify: message,
  offboarding: message,
});

// c1.api.policy.v1.ProvisionInstance
export const provisionInstanceSchema = z.looseObject({
  state: str,
  webhookId: str,
  webhookInstanceId: str,
});

// c1.api.policy.v1.WebhookApproval
export const webhookApprovalSchema = z.looseObject({
  webhookId: str,
});

// c1.api.policy.v1.Approval: a oneof `typ`; `webhook` is set when the step hands the approval to a webhook.
export const approvalSchema = z.looseObject({
  webhook: webhookApprovalSchema.nullish(),
});

// c1.api.policy.v1.ApprovalInstance
export const approvalInstanceSchema = z.looseObject({
  state: str,
  approval: approvalSchema.nullish(),
});

// c1.api.policy.v1.PolicyStepInstance: `id` is the step the bridge keys its ticket on (contract §5).
export const policyStepInstanceSchema = z.looseObject({
  id: str,
  state: str,
  provision: provisionInstanceSchema.nullish(),
  approval: approvalInstanceSchema.nullish(),
});

// c1.api.policy.v1.Policy
export const policySchema = z.looseObject({
  id: str,
  displayName: str,
  policyType: str,
});

// c1.api.policy.v1.PolicyInstance: `next` holds policy steps, not step instances (they have no id yet).
export const policyInstanceSchema = z.looseObject({
  policy: policySchema.nullish(),
  current: policyStepInstanceSchema.nullish(),
  history: z.array(policyStepInstanceSchema).nullish(),
  next: z.array(z.looseObject({})).nullish(),
});

// c1.api.form.v1.Field: the question; the answer is in the task's `data` under the field's `name`.
export const formFieldSchema = z.looseObject({
  name: str,
  displayName: str,
  description: str,
});

// c1.api.form.v1.Form: the request form the requester filled in.
export const formSchema = z.looseObject({
  id: str,
  displayName: str,
  fields: z.array(formFieldSchema).nullish(),
});

// c1.api.task.v1.Task
export const taskSchema = z.looseObject({
  id: str,
  numericId: int64,
  displayName: str,
  description: str,
  state: str,
  origin: str,
  userId: str,
  createdByUserId: str,
  emergencyAccess: bool,
  type: taskTypeSchema.nullish(),
  policy: policyInstanceSchema.nullish(),
  createdAt: timestamp,
  updatedAt: timestamp,
  form: formSchema.nullish(),
  /** The request form's answers, by field name. */
  data: message,
});

// c1.api.task.v1.TaskView: the `*Path` values are JSONPath strings into the payload's `expanded` list.
export const taskViewSchema = z.looseObject({
  task: taskSchema.nullish(),
  appPath: str,
  entitlementsPath: str,
  userPath: str,
  identityUserPath: str,
  appUserPath: str,
  createdByUserPath: str,
});

// c1.api.app.v1.App, as an expanded Any
export const appSchema = z.looseObject({
  '@type': z.literal(EXPANDED_TYPE.app),
  id: str,
  displayName: str,
  description: str,
  instructions: str,
});

// c1.api.app.v1.AppEntitlement, as an expanded Any
export const appEntitlementSchema = z.looseObject({
  '@type': z.literal(EXPANDED_TYPE.entitlement),
  id: str,
  appId: str,
  displayName: str,
  slug: str,
  alias: str,
  description: str,
  purpose: str,
  riskLevelValueId: str,
  appResourceId: str,
  appResourceTypeId: str,
});

// c1.api.user.v1.User, as an expanded Any
export const userSchema = z.looseObject({
  '@type': z.literal(EXPANDED_TYPE.user),
  id: str,
  displayName: str,
  email: str,
  username: str,
  department: str,
  jobTitle: str,
  status: str,
  type: str,
  employmentType: str,
  employmentStatus: str,
  directoryStatus: str,
  managerIds: z.array(z.string()).nullish(),
  /** The user's attributes from the directory, custom ones included. */
  profile: message,
});

// c1.api.app.v1.AppUser, as an expanded Any
export const appUserSchema = z.looseObject({
  '@type': z.literal(EXPANDED_TYPE.appUser),
  id: str,
  appId: str,
  identityUserId: str,
  displayName: str,
  email: str,
  username: str,
});

const knownExpandedSchema = z.discriminatedUnion('@type', [appSchema, appEntitlementSchema, userSchema, appUserSchema]);
const KNOWN_EXPANDED_TYPES: ReadonlySet<string> = new Set(Object.values(EXPANDED_TYPE));

/** An expanded object of a kind the bridge does not read (C1 expands access reviews, insights, … too). */
export type OtherExpandedItem = z.infer<typeof anySchema>;
// Spelled out: an inferred union would be reduced to the Any type, which every known item is a subtype of.
export type ExpandedItem = z.infer<typeof knownExpandedSchema> | OtherExpandedItem;

/**
 * One item of `expanded`: checked as App, AppEntitlement, User or AppUser when its `@type` says so, passed through as
 * a plain Any otherwise (C1 expands other kinds too). A union alone would hide a malformed App behind the Any
 * fallback, or report it as a bare "invalid input"; dispatching on `@type` keeps the real issue and its path.
 */
export const expandedItemSchema = anySchema.transform((item, ctx): ExpandedItem => {
  const type = item['@type'];
  if (type === undefined || !KNOWN_EXPANDED_TYPES.has(type)) return item;
  const parsed = knownExpandedSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

// c1.webhooks.v1.PayloadProvisionStep (PayloadPolicyApprovalStep has the same two fields)
export const provisionStepPayloadSchema = z.looseObject({
  taskView: taskViewSchema.nullish(),
  expanded: z.array(expandedItemSchema).nullish(),
});

// c1.webhooks.v1.PayloadPolicyApprovalStep: the same two fields as PayloadProvisionStep, so the same schema.
export const policyApprovalStepPayloadSchema = provisionStepPayloadSchema;

// c1.webhooks.v1.Body: `payload` is an Any whose `@type` matches `event`; it is read by the schema for that event.
export const webhookEnvelopeSchema = z.looseObject({
  version: str,
  webhookId: str,
  callbackUrl: str,
  event: str,
  payload: anySchema.nullish(),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;
export type TestPayload = z.infer<typeof testPayloadSchema>;
export type ProvisionStepPayload = z.infer<typeof provisionStepPayloadSchema>;
export type PolicyApprovalStepPayload = z.infer<typeof policyApprovalStepPayloadSchema>;
export type C1TaskView = z.infer<typeof taskViewSchema>;
export type C1Task = z.infer<typeof taskSchema>;
export type C1Form = z.infer<typeof formSchema>;
export type C1TaskTypeGrant = z.infer<typeof taskTypeGrantSchema>;
export type C1TaskTypeRevoke = z.infer<typeof taskTypeRevokeSchema>;
export type C1App = z.infer<typeof appSchema>;
export type C1AppEntitlement = z.infer<typeof appEntitlementSchema>;
export type C1User = z.infer<typeof userSchema>;
export type C1AppUser = z.infer<typeof appUserSchema>;
