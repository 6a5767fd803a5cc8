/**
 * Zod schemas for the ConductorOne webhook bodies the bridge reads, derived from C1's public OpenAPI (the schemas are
 * copied unchanged in shared/spec/conductorone-openapi-subset.json; each object names the schema it mirrors).
 * Every property is optional and nullable, as the OpenAPI says (protobuf JSON omits defaults), and every object is
 * loose: C1 adds fields over time and an unknown field must pass through, not refuse a delivery.
 * Only the properties the bridge uses are declared; a test checks each exists in the OpenAPI schema named here.
 */
import { z } from 'zod';

export const C1_EVENT = {
  test: 'c1.webhooks.v1.PayloadTest',
  provisionStep: 'c1.webhooks.v1.PayloadProvisionStep',
  policyApprovalStep: 'c1.webhooks.v1.PayloadPolicyApprovalStep',
  workflowStep: 'c1.webhooks.v1.PayloadWorkflowStep',
} as const;

const str = z.string().nullish();
const bool = z.boolean().nullish();
/** int64 values are strings in protobuf JSON (`"format": "int64", "type": "string"`). */
const int64 = z.string().regex(/^-?\d+$/, 'must be an int64 in a string').nullish();
/** google.protobuf.Duration in JSON: decimal seconds with an `s` suffix (`"format": "duration"`). */
const duration = z.string().regex(/^-?\d+(\.\d{1,9})?s$/, 'must be a protobuf duration such as "604800s"').nullish();
/** google.protobuf.Timestamp in JSON: RFC 3339 (`"format": "date-time"`). */
const timestamp = z.iso.datetime({ offset: true }).nullish();

/** `google.protobuf.Any`: a message with its `@type`. */
export const anySchema = z.looseObject({ '@type': str });

// c1.api.task.v1.TaskTypeGrant
export const taskTypeGrantSchema = z.looseObject({
  appId: str,
  appEntitlementId: str,
  appUserId: str,
  identityUserId: str,
  grantDuration: duration,
  outcome: str,
});

// c1.api.task.v1.TaskRevokeSource
export const taskRevokeSourceSchema = z.looseObject({
  expired: z.looseObject({}).nullish(),
  nonUsage: z.looseObject({}).nullish(),
  request: z.looseObject({}).nullish(),
  review: z.looseObject({}).nullish(),
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

// c1.api.task.v1.TaskType
export const taskTypeSchema = z.looseObject({
  grant: taskTypeGrantSchema.nullish(),
  revoke: taskTypeRevokeSchema.nullish(),
  certify: z.looseObject({}).nullish(),
  offboarding: z.looseObject({}).nullish(),
});

// c1.api.policy.v1.PolicyStepInstance
export const policyStepInstanceSchema = z.looseObject({
  id: str,
  state: str,
  provision: z.looseObject({}).nullish(),
  approval: z.looseObject({}).nullish(),
});

// c1.api.policy.v1.Policy
export const policySchema = z.looseObject({ id: str, displayName: str, policyType: str });

// c1.api.policy.v1.PolicyInstance
export const policyInstanceSchema = z.looseObject({
  policy: policySchema.nullish(),
  current: policyStepInstanceSchema.nullish(),
  history: z.array(policyStepInstanceSchema).nullish(),
  next: z.array(policyStepInstanceSchema).nullish(),
});

// c1.api.task.v1.Task
export const taskSchema = z.looseObject({
  id: str,
  numericId: int64,
  displayName: str,
  description: str,
  state: str,
  userId: str,
  createdByUserId: str,
  emergencyAccess: bool,
  type: taskTypeSchema.nullish(),
  policy: policyInstanceSchema.nullish(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

// c1.api.task.v1.TaskView
export const taskViewSchema = z.looseObject({
  task: taskSchema.nullish(),
  appPath: str,
  entitlementsPath: str,
  userPath: str,
  identityUserPath: str,
  appUserPath: str,
  createdByUserPath: str,
});

// c1.api.app.v1.App
export const appSchema = z.looseObject({ id: str, displayName: str, description: str });

// c1.api.app.v1.AppEntitlement
export const appEntitlementSchema = z.looseObject({ id: str, appId: str, displayName: str, slug: str, alias: str, description: str });

// c1.api.user.v1.User
export const userSchema = z.looseObject({ id: str, displayName: str, email: str, username: str, department: str, jobTitle: str, status: str });

// c1.api.app.v1.AppUser
export const appUserSchema = z.looseObject({ id: str, appId: str, identityUserId: str, displayName: str, email: str, username: str });

// c1.webhooks.v1.PayloadProvisionStep
export const provisionStepPayloadSchema = z.looseObject({
  taskView: taskViewSchema.nullish(),
  expanded: z.array(anySchema).nullish(),
});

// c1.webhooks.v1.Body
export const webhookEnvelopeSchema = z.looseObject({
  version: str,
  webhookId: str,
  callbackUrl: str,
  event: str,
  payload: anySchema.nullish(),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;
export type ProvisionStepPayload = z.infer<typeof provisionStepPayloadSchema>;
export type C1Task = z.infer<typeof taskSchema>;
export type C1App = z.infer<typeof appSchema>;
export type C1AppEntitlement = z.infer<typeof appEntitlementSchema>;
export type C1User = z.infer<typeof userSchema>;
export type C1AppUser = z.infer<typeof appUserSchema>;

/** Which OpenAPI schema each zod object mirrors: the test that keeps us from inventing fields walks this table. */
export const OPENAPI_SOURCES: ReadonlyArray<[string, z.ZodObject]> = [
  ['c1.webhooks.v1.Body', webhookEnvelopeSchema],
  ['c1.webhooks.v1.PayloadProvisionStep', provisionStepPayloadSchema],
  ['c1.api.task.v1.TaskView', taskViewSchema],
  ['c1.api.task.v1.Task', taskSchema],
  ['c1.api.task.v1.TaskType', taskTypeSchema],
  ['c1.api.task.v1.TaskTypeGrant', taskTypeGrantSchema],
  ['c1.api.task.v1.TaskTypeRevoke', taskTypeRevokeSchema],
  ['c1.api.task.v1.TaskRevokeSource', taskRevokeSourceSchema],
  ['c1.api.policy.v1.PolicyInstance', policyInstanceSchema],
  ['c1.api.policy.v1.PolicyStepInstance', policyStepInstanceSchema],
  ['c1.api.policy.v1.Policy', policySchema],
  ['c1.api.app.v1.App', appSchema],
  ['c1.api.app.v1.AppEntitlement', appEntitlementSchema],
  ['c1.api.user.v1.User', userSchema],
  ['c1.api.app.v1.AppUser', appUserSchema],
];
