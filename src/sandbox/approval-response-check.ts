/**
 * Checks an approval callback body the way ConductorOne's callback endpoint reads it: against
 * `c1.webhooks.v1.ResponsePolicyApprovalStep` in C1's public OpenAPI (copied unchanged into
 * test/fixtures/conductorone-openapi-subset.json), whose description names the oneof `action` ("Only a single field
 * of the following list may be set at a time"), and whose `version` "contains the constant value v1". The limits
 * the schema does not carry come from C1's webhooks guide (https://www.conductorone.com/docs/product/admin/webhooks,
 * approval responses): comments at most 1,024 characters, a reassign to at most 32 users. Unknown fields are refused
 * as protobuf's JSON parser refuses them.
 */
import { readFileSync } from 'node:fs';

interface SchemaNode {
  type?: string;
  description?: string;
  nullable?: boolean;
  $ref?: string;
  allOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}

export const APPROVAL_RESPONSE_SCHEMA = 'c1.webhooks.v1.ResponsePolicyApprovalStep';
const COMMENT_MAX = 1024;
const REASSIGN_MAX = 32;

let schemas: Record<string, SchemaNode> | undefined;
function openapiSchemas(): Record<string, SchemaNode> {
  schemas ??= (
    JSON.parse(readFileSync(new URL('../../test/fixtures/conductorone-openapi-subset.json', import.meta.url), 'utf8')) as {
      components: { schemas: Record<string, SchemaNode> };
    }
  ).components.schemas;
  return schemas;
}

function resolve(node: SchemaNode): SchemaNode {
  const ref = node.$ref ?? node.allOf?.[0]?.$ref;
  if (ref === undefined) return node;
  const target = openapiSchemas()[ref.replace('#/components/schemas/', '')];
  if (target === undefined) throw new Error(`the OpenAPI has no ${ref}`);
  return { ...target, nullable: node.nullable === true || target.nullable === true };
}

/** The oneof members a schema's description lists (`  - approve`), as protoc-gen-openapi writes them. */
function oneofMembers(node: SchemaNode): string[] {
  const list = /may be set at a time:\n((?:\s+- \w+\n?)+)/.exec(node.description ?? '');
  return list?.[1] === undefined ? [] : [...list[1].matchAll(/- (\w+)/g)].map((match) => match[1] ?? '');
}

function check(value: unknown, node: SchemaNode, path: string, problems: string[]): void {
  const schema = resolve(node);
  if (value === null) {
    if (schema.nullable !== true) problems.push(`${path}: must not be null`);
    return;
  }
  const type = schema.type ?? (schema.properties === undefined ? undefined : 'object');
  if (type === 'string' && typeof value !== 'string') problems.push(`${path}: must be a string`);
  if (type === 'array') {
    if (!Array.isArray(value)) problems.push(`${path}: must be an array`);
    else if (schema.items !== undefined) value.forEach((item, index) => check(item, schema.items as SchemaNode, `${path}[${index.toString()}]`, problems));
  }
  if (type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${path}: must be an object`);
      return;
    }
    const properties = schema.properties ?? {};
    for (const [key, field] of Object.entries(value)) {
      const property = properties[key];
      if (property === undefined) problems.push(`${path}.${key}: unknown field`);
      else check(field, property, `${path}.${key}`, problems);
    }
    const members = oneofMembers(schema);
    const set = members.filter((member) => (value as Record<string, unknown>)[member] != null);
    if (members.length > 0 && set.length !== 1) problems.push(`${path}: exactly one of ${members.join(', ')} must be set, found ${set.length.toString()}`);
  }
}

const characters = (text: string) => [...text].length;

/** The problems C1 would answer 400 for; an empty list when the body is one it takes. */
export function approvalResponseProblems(body: unknown): string[] {
  const root = openapiSchemas()[APPROVAL_RESPONSE_SCHEMA];
  if (root === undefined) throw new Error(`the OpenAPI has no ${APPROVAL_RESPONSE_SCHEMA}`);
  const problems: string[] = [];
  check(body, root, '$', problems);
  if (problems.length > 0 || typeof body !== 'object' || body === null) return problems;
  const fields = body as Record<string, { comment?: unknown; newStepUserIds?: unknown } | null | undefined>;
  if (fields['version'] !== ('v1' as unknown)) problems.push('$.version: must be "v1"');
  for (const action of oneofMembers(root)) {
    const comment = fields[action]?.comment;
    if (typeof comment === 'string' && characters(comment) > COMMENT_MAX) problems.push(`$.${action}.comment: longer than ${COMMENT_MAX.toString()} characters`);
  }
  const ids = fields['reassign']?.newStepUserIds;
  if (Array.isArray(ids) && ids.length > REASSIGN_MAX) problems.push(`$.reassign.newStepUserIds: more than ${REASSIGN_MAX.toString()} users`);
  return problems;
}
