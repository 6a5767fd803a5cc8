import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_SOURCES, provisionStepPayloadSchema, webhookEnvelopeSchema } from '../../../src/c1/schemas.ts';

/** C1's public OpenAPI schemas, copied unchanged (shared/spec/conductorone-openapi-subset.json). */
const openapi = JSON.parse(readFileSync(new URL('../../fixtures/conductorone-openapi-subset.json', import.meta.url), 'utf8')) as {
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
} & Record<string, { properties?: Record<string, unknown> }>;
const schemas = openapi.components?.schemas ?? openapi;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8'));
}

describe('C1 zod schemas', () => {
  it.each(OPENAPI_SOURCES.map(([name, schema]) => [name, schema] as const))('declares only properties that %s has', (name, schema) => {
    const source = schemas[name];
    expect(source, `${name} is in the OpenAPI subset`).toBeDefined();
    const declared = Object.keys(schema.shape);
    const known = Object.keys(source?.properties ?? {});
    expect(declared.filter((property) => !known.includes(property))).toEqual([]);
  });

  it.each(['test', 'provision-grant', 'provision-revoke', 'policy-approval'])('parses the %s fixture', (name) => {
    expect(webhookEnvelopeSchema.safeParse(fixture(name)).success).toBe(true);
  });

  it('lets unknown fields through (C1 adds fields over time) and accepts nulls and omissions', () => {
    const body = fixture('provision-grant') as { payload: Record<string, unknown> };
    const payload = { ...body.payload, futureField: { nested: true }, taskView: { task: { id: 't', numericId: null, newThing: 1 } } };
    const parsed = provisionStepPayloadSchema.parse(payload);
    expect(parsed['futureField']).toEqual({ nested: true });
    expect(parsed.taskView?.task?.['newThing']).toBe(1);
    expect(provisionStepPayloadSchema.parse({})).toEqual({});
  });

  it('refuses values of the wrong type, naming where', () => {
    const result = provisionStepPayloadSchema.safeParse({ taskView: { task: { numericId: 'forty-two', type: { grant: { grantDuration: '7 days' } } } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['taskView.task.numericId', 'taskView.task.type.grant.grantDuration']);
  });
});
