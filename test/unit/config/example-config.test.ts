import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { checkConfig } from '../../../src/cli/check-config.ts';
import { configSchema } from '../../../src/config/schema.ts';

const EXAMPLE = 'config/bridge.example.yaml';
const exampleText = readFileSync(EXAMPLE, 'utf8');
const envExampleLines = readFileSync('.env.example', 'utf8').split('\n');

/** The variables .env.example sets, each with its example value or, where it has none, a dummy one. */
function exampleEnv(): Record<string, string> {
  const entries = envExampleLines.flatMap((line) => {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    return match?.[1] === undefined ? [] : [[match[1], match[2] === '' || match[2] === undefined ? `dummy-${match[1].toLowerCase()}` : match[2]] as const];
  });
  return Object.fromEntries(entries);
}

function run(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = checkConfig({ path: EXAMPLE, env, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** Every key name the schema knows, at any depth (record keys such as Jira field ids are the operator's own). */
function schemaKeys(schema: z.core.$ZodType, keys = new Set<string>()): Set<string> {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries((def as z.core.$ZodObjectDef).shape)) {
        keys.add(key);
        schemaKeys(child, keys);
      }
      break;
    case 'optional':
    case 'default':
      schemaKeys((def as z.core.$ZodOptionalDef).innerType, keys);
      break;
    case 'pipe':
      schemaKeys((def as z.core.$ZodPipeDef).in, keys);
      schemaKeys((def as z.core.$ZodPipeDef).out, keys);
      break;
    case 'array':
      schemaKeys((def as z.core.$ZodArrayDef).element, keys);
      break;
    case 'union':
      for (const option of (def as z.core.$ZodUnionDef).options) schemaKeys(option, keys);
      break;
    case 'record':
      schemaKeys((def as z.core.$ZodRecordDef).valueType, keys);
      break;
    default:
  }
  return keys;
}

describe('config/bridge.example.yaml with .env.example', () => {
  it('passes check-config with the variables of .env.example set', () => {
    const { code, out, err } = run(exampleEnv());
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      `config OK: ${EXAMPLE}`,
      '  publicUrl: https://bridge.acme.example (ConductorOne webhook: https://bridge.acme.example/webhooks/conductorone)',
      '  tenant: acme.conductor.one (JWKS https://acme.conductor.one/auth/v1/jwks, audience bridge.acme.example)',
      '  service desks: jira, servicenow',
      '  routes: 2 + defaultRoute',
    ]);
  });

  it('fails with one clear line when a variable is unset', () => {
    const env = exampleEnv();
    delete env['JIRA_API_TOKEN'];
    const { code, out, err } = run(env);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([`config invalid: ${EXAMPLE}`, 'jira.apiToken: environment variable JIRA_API_TOKEN is not set']);
  });

  it('uses only variables that .env.example lists, and those of commented-out keys are listed too', () => {
    const listed = new Set(envExampleLines.map((line) => /^(?:# )?([A-Z_][A-Z0-9_]*)=/.exec(line)?.[1]).filter((name) => name !== undefined));
    const active = new Set(Object.keys(exampleEnv()));
    const strings = JSON.stringify(parse(exampleText));
    const used = [...strings.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:-)?/g)].map((match) => ({ name: match[1] ?? '', optional: match[2] !== undefined }));
    for (const { name, optional } of used) expect(optional ? listed : active, name).toContain(name);
    const commented = [...exampleText.matchAll(/^\s*#\s*[A-Za-z]+:.*\$\{([A-Z_][A-Z0-9_]*)\}/gm)].map((match) => match[1]);
    expect(commented).toEqual(['C1_CLIENT_ID', 'C1_CLIENT_SECRET', 'JIRA_PAT', 'JIRA_DC_PASSWORD', 'SN_CLIENT_ID', 'SN_CLIENT_SECRET', 'JIRA_LEGACY_PAT', 'JIRA_LEGACY_WEBHOOK_SECRET']);
    for (const name of commented) expect(listed).toContain(name);
  });

  it('documents every key of the schema', () => {
    const keys = [...schemaKeys(configSchema)];
    expect(keys).toEqual(expect.arrayContaining(['publicUrl', 'callbackOrigins', 'clientSecret', 'entitlementName', 'shortDescription', 'level']));
    expect(keys.filter((key) => !new RegExp(`\\b${key}:`).test(exampleText))).toEqual([]);
  });
});
