import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { configSchema, SECRET_KEYS } from '../../../src/config/schema.ts';
import { MINIMAL } from './helpers.ts';

describe('config defaults', () => {
  it('applies the contract defaults to a minimal file', () => {
    const config = parseConfig(MINIMAL, {});
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, publicUrl: 'https://bridge.acme.example', bodyLimitBytes: 1_048_576 });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'c1tb', waitForReplicas: 0, waitForReplicasTimeoutMs: 1_000, memoryWarningPercent: 80 });
    expect(config.conductorone.clockToleranceSeconds).toBe(30);
    expect(config.jobs).toEqual({ attempts: 12, backoffMs: 2000, lockDurationMs: 30_000, onCreateFailure: 'report' });
    expect(config.reconcile).toEqual({ intervalSeconds: 300, concurrency: 2 });
    expect(config.records).toEqual({ retentionDays: 45 });
    expect(config.routes).toEqual([]);
    expect(config.defaultRoute).toBeUndefined();
    expect(config.jira).toBeUndefined();
    expect(config.servicenow).toBeUndefined();
    expect(config.admin).toEqual({ username: undefined, password: undefined });
    expect(config.logging).toEqual({ level: 'info' });
  });

  it('derives jwksUrl and callbackOrigins from the tenant and audience from the public URL host', () => {
    const config = parseConfig(MINIMAL.replace('https://bridge.acme.example', 'https://bridge.acme.example:8443/c1/'), {});
    expect(config.conductorone).toEqual({
      tenant: 'acme.conductor.one',
      jwksUrl: 'https://acme.conductor.one/auth/v1/jwks',
      audience: 'bridge.acme.example:8443',
      clockToleranceSeconds: 30,
      callbackOrigins: ['https://acme.conductor.one'],
    });
    expect(config.server.publicUrl).toBe('https://bridge.acme.example:8443/c1');
  });

  it('keeps what is given instead of the derived defaults, normalising origins as URL#origin does', () => {
    const config = parseConfig(
      `server: { publicUrl: "https://bridge.acme.example" }
conductorone:
  tenant: ACME.conductor.one
  jwksUrl: http://127.0.0.1:9000/jwks
  audience: c1-bridge
  callbackOrigins: ["https://ACME.conductor.one:443/", "http://127.0.0.1:9000"]
`,
      {},
    );
    expect(config.conductorone).toMatchObject({
      tenant: 'acme.conductor.one',
      jwksUrl: 'http://127.0.0.1:9000/jwks',
      audience: 'c1-bridge',
      callbackOrigins: ['https://acme.conductor.one', 'http://127.0.0.1:9000'],
    });
  });

  it('normalises one webhook secret or several (rotation) to a non-empty list', () => {
    const config = parseConfig(
      `${MINIMAL}
jira: { baseUrl: "https://acme.atlassian.net", email: a@acme.example, apiToken: t, webhookSecret: one }
servicenow: { instanceUrl: "https://acme.service-now.com", username: u, password: p, webhookSecret: [new, old] }
`,
      {},
    );
    expect(config.jira?.webhookSecret).toEqual(['one']);
    expect(config.servicenow?.webhookSecret).toEqual(['new', 'old']);
  });

  it('fills the Jira and ServiceNow defaults of sections and routes', () => {
    const config = parseConfig(
      `${MINIMAL}
jira: { baseUrl: "https://acme.atlassian.net", token: pat }
servicenow: { instanceUrl: "https://acme.service-now.com", oauth: { clientId: id, clientSecret: s }, states: { incident: { complete: [6], errored: [7, 8] } } }
routes:
  - { name: gh, jira: { project: OPS } }
  - { name: sf, servicenow: { table: sc_task, fields: { urgency: 2, active: true, group: IT } } }
`,
      {},
    );
    expect(config.jira?.erroredResolutions).toEqual(["Won't Do", 'Declined', 'Rejected', 'Duplicate']);
    expect(config.servicenow?.oauth).toEqual({ clientId: 'id', clientSecret: 's' });
    expect(config.servicenow?.states).toEqual({
      incident: { complete: [6], errored: [7, 8] },
      sc_task: { complete: [3], errored: [4, 7] },
      sc_req_item: { complete: [3], errored: [4, 7] },
    });
    expect(config.routes[0]).toEqual({ name: 'gh', for: 'provision', match: {}, jira: { project: 'OPS', issueType: 'Task', labels: [], fields: {} } });
    expect(config.routes[1]?.servicenow?.fields).toEqual({ urgency: '2', active: 'true', group: 'IT' });
  });

  it('reads numbers given as digits through ${VAR}', () => {
    const config = parseConfig(`${MINIMAL}jobs: { attempts: "\${ATTEMPTS}", backoffMs: "\${BACKOFF:-500}" }\n`, { ATTEMPTS: '3' });
    expect(config.jobs).toEqual({ attempts: 3, backoffMs: 500, lockDurationMs: 30_000, onCreateFailure: 'report' });
  });

  it('treats an empty admin value as unset, so ${ADMIN_USER:-} turns /admin off', () => {
    expect(parseConfig(`${MINIMAL}admin: { username: "\${ADMIN_USER:-}", password: "\${ADMIN_PASSWORD:-}" }\n`, {}).admin).toEqual({
      username: undefined,
      password: undefined,
    });
  });

  it('freezes the whole config, deep', () => {
    const config = parseConfig(`${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat }\nroutes: [{ name: r, jira: { project: A, labels: [x] } }]\n`, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.conductorone.callbackOrigins)).toBe(true);
    expect(Object.isFrozen(config.routes[0]?.jira?.labels)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('exports the schema for tests and the secret key names for log redaction', () => {
    expect(configSchema.parse({ server: { publicUrl: 'https://b.example' }, conductorone: { tenant: 't.example' } }).server.port).toBe(8080);
    expect(SECRET_KEYS).toEqual(expect.arrayContaining(['apiToken', 'token', 'password', 'webhookSecret', 'clientSecret']));
  });
});
