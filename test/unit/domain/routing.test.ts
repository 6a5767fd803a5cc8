import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { chooseRoute } from '../../../src/domain/routing.ts';
import type { ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';

const base: ProvisioningRequest = {
  kind: 'grant',
  taskId: 't1',
  stepId: 's1',
  emergencyAccess: false,
  app: { id: 'appGH', name: 'GitHub' },
  entitlement: { id: 'entAdmin', name: 'Org Admin' },
  subject: {},
  appUser: {},
  requester: {},
  taskUrl: 'https://acme.conductor.one/task/1',
  callbackUrl: 'https://acme.conductor.one/cb',
};

function config(extra: Record<string, unknown>) {
  return configSchema.parse({
    server: { publicUrl: 'https://bridge.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: 'https://acme.atlassian.net', email: 'a@b.c', apiToken: 't' },
    servicenow: { instanceUrl: 'https://acme.service-now.com', username: 'u', password: 'p' },
    ...extra,
  });
}

const routes = [
  { name: 'gh-admin-grant', match: { appId: 'appGH', entitlementId: 'entAdmin', taskType: 'grant' }, jira: { project: 'OPS' } },
  { name: 'gh-any', match: { appName: 'github' }, jira: { project: 'GH' } },
  { name: 'sf', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task' } },
  { name: 'revokes', match: { taskType: 'revoke' }, jira: { project: 'REV' } },
];

describe('chooseRoute', () => {
  it('first match wins', () => {
    expect(chooseRoute(config({ routes }), base)?.name).toBe('gh-admin-grant');
  });

  it('every present match key must hold; names compare ignoring case', () => {
    expect(chooseRoute(config({ routes }), { ...base, kind: 'revoke' })?.name).toBe('gh-any');
    expect(chooseRoute(config({ routes }), { ...base, entitlement: { id: 'entRead', name: 'Read' } })?.name).toBe('gh-any');
  });

  it('routes on app name to ServiceNow and on task type', () => {
    const sf = { ...base, app: { id: 'appSF', name: 'SALESFORCE' } };
    expect(chooseRoute(config({ routes }), sf)?.target.servicenow?.table).toBe('sc_task');
    const other = { ...base, kind: 'revoke' as const, app: { id: 'appX', name: 'Okta' } };
    expect(chooseRoute(config({ routes }), other)?.name).toBe('revokes');
  });

  it('falls back to defaultRoute, then to nothing', () => {
    const other = { ...base, app: { id: 'appX', name: 'Okta' } };
    expect(chooseRoute(config({ routes, defaultRoute: { jira: { project: 'ACCESS' } } }), other)).toEqual({
      name: 'defaultRoute',
      desk: 'jira',
      target: { jira: { project: 'ACCESS', issueType: 'Task', labels: [], fields: {} } },
    });
    expect(chooseRoute(config({ routes }), other)).toBeUndefined();
  });

  it('a route without match keys matches everything', () => {
    expect(chooseRoute(config({ routes: [{ name: 'all', jira: { project: 'ALL' } }] }), base)?.name).toBe('all');
  });
});
