import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  C1_EVENT,
  EXPANDED_TYPE,
  anySchema,
  approvalInstanceSchema,
  approvalSchema,
  appEntitlementSchema,
  appSchema,
  appUserSchema,
  formFieldSchema,
  formSchema,
  policyInstanceSchema,
  policySchema,
  policyStepInstanceSchema,
  provisionInstanceSchema,
  provisionStepPayloadSchema,
  taskRevokeSourceSchema,
  taskSchema,
  taskTypeGrantSchema,
  taskTypeRevokeSchema,
  taskTypeSchema,
  taskViewSchema,
  testPayloadSchema,
  userSchema,
  webhookApprovalSchema,
  webhookEnvelopeSchema,
} from '../../../src/c1/schemas.ts';
import { FIXTURE_NAMES, loadFixture } from '../../fixtures/load-fixture.ts';

interface OpenApiProperty {
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: string[];
  'x-speakeasy-unknown-values'?: string;
  $ref?: string;
  allOf?: OpenApiProperty[];
  oneOf?: OpenApiProperty[];
  items?: OpenApiProperty;
  properties?: Record<string, OpenApiProperty>;
}

/** C1's public OpenAPI schemas, copied unchanged (shared/spec/conductorone-openapi-subset.json). */
const openapi = JSON.parse(readFileSync(new URL('../../fixtures/conductorone-openapi-subset.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, OpenApiProperty> };
};
const openapiSchemas = openapi.components.schemas;

/** Which OpenAPI schema each zod object mirrors. The coverage test below fails when an object is missing here. */
const SOURCES = new Map<z.ZodObject, string>([
  [webhookEnvelopeSchema, 'c1.webhooks.v1.Body'],
  [testPayloadSchema, 'c1.webhooks.v1.PayloadTest'],
  [provisionStepPayloadSchema, 'c1.webhooks.v1.PayloadProvisionStep'],
  [taskViewSchema, 'c1.api.task.v1.TaskView'],
  [taskSchema, 'c1.api.task.v1.Task'],
  [formSchema, 'c1.api.form.v1.Form'],
  [formFieldSchema, 'c1.api.form.v1.Field'],
  [taskTypeSchema, 'c1.api.task.v1.TaskType'],
  [taskTypeGrantSchema, 'c1.api.task.v1.TaskTypeGrant'],
  [taskTypeRevokeSchema, 'c1.api.task.v1.TaskTypeRevoke'],
  [taskRevokeSourceSchema, 'c1.api.task.v1.TaskRevokeSource'],
  [policyInstanceSchema, 'c1.api.policy.v1.PolicyInstance'],
  [policySchema, 'c1.api.policy.v1.Policy'],
  [policyStepInstanceSchema, 'c1.api.policy.v1.PolicyStepInstance'],
  [provisionInstanceSchema, 'c1.api.policy.v1.ProvisionInstance'],
  [approvalInstanceSchema, 'c1.api.policy.v1.ApprovalInstance'],
  [approvalSchema, 'c1.api.policy.v1.Approval'],
  [webhookApprovalSchema, 'c1.api.policy.v1.WebhookApproval'],
  [appSchema, 'c1.api.app.v1.App'],
  [appEntitlementSchema, 'c1.api.app.v1.AppEntitlement'],
  [userSchema, 'c1.api.user.v1.User'],
  [appUserSchema, 'c1.api.app.v1.AppUser'],
]);

/** Messages carried inside a google.protobuf.Any, whose JSON puts `@type` beside the message's own fields. */
const IN_ANY = new Set<z.ZodObject>([appSchema, appEntitlementSchema, userSchema, appUserSchema]);

/** Where the walk starts: the bodies, and the expanded items (their schemas sit inside a transform it cannot see into). */
const ROOTS: z.ZodType[] = [webhookEnvelopeSchema, testPayloadSchema, provisionStepPayloadSchema, ...IN_ANY];

/** `allOf: [x]` and `oneOf: [x, {nullable}]` are how the OpenAPI writes a nullable reference or formatted string. */
function effective(property: OpenApiProperty): OpenApiProperty & { nullable: boolean } {
  const wrapped = property.allOf ?? property.oneOf?.filter((option) => option.$ref !== undefined || option.type !== undefined);
  const nullable = property.nullable === true || (property.oneOf?.some((option) => option.nullable === true && option.type === undefined) ?? false);
  if (wrapped?.length === 1 && wrapped[0] !== undefined) return { ...effective(wrapped[0]), nullable };
  return { ...property, nullable };
}

/** The zod schema without its nullable/optional wrappers, and the object inside a transform pipe. */
function core(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return core(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return core(schema.in as z.ZodType);
  return schema;
}

const accepts = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;

/** Samples that each OpenAPI string format must take and must refuse. */
const STRING_SAMPLES: Record<string, { good: string[]; bad: unknown[] }> = {
  'date-time': { good: ['2026-08-20T16:55:03Z', '2026-08-20T16:55:03.123456789Z', '2026-08-20T18:55:03+02:00'], bad: ['yesterday', '2026-08-20', 5] },
  int64: { good: ['1042', '0', '-7'], bad: ['forty-two', '10.5', 1042] },
  duration: { good: ['604800s', '1.5s', '0s', '-5s'], bad: ['7 days', '604800', 604800] },
};

/** Every way `schema` disagrees with `property`: type, format, nullability, enum openness, referenced schema. */
function mismatches(schema: z.ZodType, raw: OpenApiProperty, where: string, place: 'field' | 'item' = 'field'): string[] {
  const property = effective(raw);
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${where}: ${text}`);
  if (place === 'field' && !accepts(schema, undefined)) say('must be optional (protobuf JSON omits defaults)');
  if (accepts(schema, null) !== property.nullable) say(property.nullable ? 'must accept null' : 'must refuse null');

  if (property.$ref !== undefined) {
    const refName = property.$ref.replace('#/components/schemas/', '');
    const object = core(schema);
    if (!(object instanceof z.ZodObject)) return [...problems, `${where}: ${refName} is an object`];
    const mirrored = SOURCES.get(object);
    if (mirrored !== undefined && mirrored !== refName) say(`mirrors ${mirrored} but the OpenAPI refers to ${refName}`);
    if (mirrored === undefined && Object.keys(object.shape).length > 0) say(`declares fields of ${refName} without being in the table`);
    if (!accepts(schema, {}) || accepts(schema, 'text')) say('must take an object and only an object');
    return problems;
  }
  switch (property.type) {
    case 'string': {
      const samples = STRING_SAMPLES[property.format ?? ''] ?? { good: ['any text'], bad: [5, true] };
      const closedEnum = property.enum !== undefined && property['x-speakeasy-unknown-values'] !== 'allow';
      const good = closedEnum ? (property.enum ?? []) : property.enum !== undefined ? [...property.enum, 'A_VALUE_ADDED_LATER'] : samples.good;
      const bad = closedEnum ? ['NOT_ONE_OF_THEM', ...samples.bad] : samples.bad;
      for (const value of good) if (!accepts(schema, value)) say(`must accept ${JSON.stringify(value)}`);
      for (const value of bad) if (accepts(schema, value)) say(`must refuse ${JSON.stringify(value)}`);
      break;
    }
    case 'boolean':
      if (!accepts(schema, true) || accepts(schema, 'true')) say('must be a boolean');
      break;
    case 'array': {
      const array = core(schema);
      if (!(array instanceof z.ZodArray)) return [...problems, `${where}: is an array`];
      problems.push(...mismatches(array.element as z.ZodType, property.items ?? {}, `${where}[]`, 'item'));
      break;
    }
    case 'object': {
      const object = core(schema);
      if (!(object instanceof z.ZodObject)) return [...problems, `${where}: is an object`];
      for (const [key, value] of Object.entries(object.shape)) {
        const known = property.properties?.[key];
        if (known === undefined) say(`declares ${key}, which the OpenAPI does not have`);
        else problems.push(...mismatches(value as z.ZodType, known, `${where}.${key}`));
      }
      break;
    }
    default:
      say(`has OpenAPI type ${String(property.type)}, which this test does not know`);
  }
  return problems;
}

/** Every zod object reachable from `schema`. */
function objectsIn(schema: z.ZodType, found = new Set<z.ZodObject>()): Set<z.ZodObject> {
  const inner = core(schema);
  if (inner instanceof z.ZodArray) return objectsIn(inner.element as z.ZodType, found);
  if (inner instanceof z.ZodObject && !found.has(inner)) {
    found.add(inner);
    for (const field of Object.values(inner.shape)) objectsIn(field as z.ZodType, found);
  }
  return found;
}

describe('C1 zod schemas against the OpenAPI', () => {
  it.each([...SOURCES].map(([schema, name]) => [name, schema] as const))('%s: every declared property exists there, typed as there', (name, schema) => {
    const source = openapiSchemas[name];
    expect(source, `${name} is in the OpenAPI subset`).toBeDefined();
    const problems: string[] = [];
    for (const [key, value] of Object.entries(schema.shape)) {
      if (key === '@type' && IN_ANY.has(schema)) {
        expect(accepts(value as z.ZodType, `type.googleapis.com/${name}`), `${name}.@type names ${name}`).toBe(true);
        continue;
      }
      const property = source?.properties?.[key];
      if (property === undefined) problems.push(`${name}.${key}: not in the OpenAPI schema`);
      else problems.push(...mismatches(value as z.ZodType, property, `${name}.${key}`));
    }
    expect(problems).toEqual([]);
  });

  it('maps every object with declared fields to an OpenAPI schema (the inline Any aside)', () => {
    const unmapped = ROOTS.flatMap((root) => [...objectsIn(root)])
      .filter((object) => object !== anySchema && Object.keys(object.shape).length > 0 && !SOURCES.has(object))
      .map((object) => Object.keys(object.shape).join(','));
    expect(unmapped).toEqual([]);
    expect(objectsIn(provisionStepPayloadSchema).has(policyStepInstanceSchema)).toBe(true);
  });

  it('the inline Any of Body.payload and PayloadProvisionStep.expanded declares only @type', () => {
    const body = openapiSchemas['c1.webhooks.v1.Body']?.properties?.['payload'] ?? {};
    const items = openapiSchemas['c1.webhooks.v1.PayloadProvisionStep']?.properties?.['expanded']?.items ?? {};
    expect(mismatches(webhookEnvelopeSchema.shape.payload, body, 'Body.payload')).toEqual([]);
    expect(mismatches(anySchema, items, 'PayloadProvisionStep.expanded[]', 'item')).toEqual([]);
    expect(Object.keys(anySchema.shape)).toEqual(['@type']);
  });

  it('names each event after a payload schema of the OpenAPI (the workflow step is newer than the subset)', () => {
    expect(C1_EVENT).toEqual({
      test: 'c1.webhooks.v1.PayloadTest',
      provisionStep: 'c1.webhooks.v1.PayloadProvisionStep',
      policyApprovalStep: 'c1.webhooks.v1.PayloadPolicyApprovalStep',
      workflowStep: 'c1.webhooks.v1.PayloadWorkflowStep',
    });
    expect([C1_EVENT.test, C1_EVENT.provisionStep, C1_EVENT.policyApprovalStep].filter((name) => openapiSchemas[name] === undefined)).toEqual([]);
    expect(Object.values(EXPANDED_TYPE).filter((url) => openapiSchemas[url.replace('type.googleapis.com/', '')] === undefined)).toEqual([]);
  });
});

describe('C1 zod schemas on the fixtures', () => {
  it.each(FIXTURE_NAMES)('%s: the envelope parses and nothing in it is dropped or changed', (name) => {
    const body = loadFixture(name);
    const parsed = webhookEnvelopeSchema.parse(body);
    expect(parsed).toEqual(body);
    expect(parsed.version).toBe('v1');
    expect(parsed.callbackUrl).toMatch(/^https:\/\/acme\.conductor\.one\/api\/v1\/webhooks\/callback\/\w+$/);
  });

  it('the test payload parses as PayloadTest', () => {
    const body = loadFixture('test');
    expect(body.event).toBe(C1_EVENT.test);
    expect(testPayloadSchema.parse(body.payload)).toEqual({ '@type': 'type.googleapis.com/c1.webhooks.v1.PayloadTest' });
  });

  it.each(['provision-grant', 'provision-revoke', 'policy-approval'] as const)('%s: the payload parses whole, expanded items typed by @type', (name) => {
    const body = loadFixture(name);
    const payload = provisionStepPayloadSchema.parse(body.payload);
    expect(payload).toEqual(body.payload);
    expect(payload.taskView?.task?.id).toBe(body.payload.taskView.task.id);
    expect(payload.expanded?.slice(0, 4).map((item) => item['@type'])).toEqual([EXPANDED_TYPE.app, EXPANDED_TYPE.entitlement, EXPANDED_TYPE.user, EXPANDED_TYPE.appUser]);
  });

  it('reads the grant fixture into the declared types', () => {
    const task = provisionStepPayloadSchema.parse(loadFixture('provision-grant').payload).taskView?.task;
    expect(task?.numericId).toBe('1042');
    expect(task?.type?.grant?.grantDuration).toBe('604800s');
    expect(task?.policy?.current?.id).toBe('2pQdStepProv');
    expect(task?.policy?.current?.provision?.webhookInstanceId).toBe('2pQdWhInst1');
    expect(task?.policy?.history?.map((step) => step.id)).toEqual(['2pQdStepAppr']);
    expect(task?.createdAt).toBe('2026-08-20T16:55:03Z');
    expect(task?.emergencyAccess).toBe(false);
  });
});

describe('C1 zod schemas on what C1 may send besides', () => {
  it('lets unknown fields through at every level, in known and unknown expanded items alike', () => {
    const body = loadFixture('provision-grant');
    const changed = {
      ...body,
      deliveredBy: 'a newer C1',
      payload: {
        ...body.payload,
        futureField: { nested: true },
        taskView: { ...body.payload.taskView, insightsPath: '$.expanded[5]', task: { ...body.payload.taskView.task, newThing: 1 } },
        expanded: [{ ...body.payload.expanded[0], iconUrl: 'https://example.com/gh.png' }, { '@type': 'type.googleapis.com/c1.api.insight.v1.Insight', score: 3 }],
      },
    };
    expect(webhookEnvelopeSchema.parse(changed)).toEqual(changed);
    const payload = provisionStepPayloadSchema.parse(changed.payload);
    expect(payload).toEqual(changed.payload);
    expect(payload['futureField']).toEqual({ nested: true });
    expect(payload.taskView?.task?.['newThing']).toBe(1);
    expect(payload.expanded?.[1]).toEqual({ '@type': 'type.googleapis.com/c1.api.insight.v1.Insight', score: 3 });
  });

  it('accepts omissions and nulls (protobuf JSON omits defaults; the OpenAPI marks fields nullable)', () => {
    expect(webhookEnvelopeSchema.parse({})).toEqual({});
    expect(provisionStepPayloadSchema.parse({})).toEqual({});
    expect(provisionStepPayloadSchema.parse({ taskView: { task: { numericId: null, type: { grant: { grantDuration: null } } } }, expanded: null })).toEqual({
      taskView: { task: { numericId: null, type: { grant: { grantDuration: null } } } },
      expanded: null,
    });
  });

  it('refuses values of the wrong type, naming where', () => {
    const result = provisionStepPayloadSchema.safeParse({
      taskView: { task: { numericId: 'forty-two', createdAt: 'yesterday', type: { grant: { grantDuration: '7 days' } } } },
      expanded: [{ '@type': EXPANDED_TYPE.app, id: 5 }, 'not an object', { '@type': null }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'taskView.task.numericId: must be an int64 written as a decimal string',
      'taskView.task.type.grant.grantDuration: must be a protobuf duration such as "604800s"',
      'taskView.task.createdAt: Invalid ISO datetime',
      'expanded.0.id: Invalid input: expected string, received number',
      'expanded.1: Invalid input: expected object, received string',
      'expanded.2.@type: Invalid input: expected string, received null',
    ]);
  });
});
