import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import type { ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { createServiceNowTickets } from '../../../src/desks/servicenow/servicenow-tickets.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/desks/servicenow/fake-servicenow.ts';

const request: ProvisioningRequest = {
  kind: 'grant',
  taskId: 'task1',
  stepId: 'task1',
  emergencyAccess: false,
  app: { id: 'appSF', name: 'Salesforce' },
  entitlement: { id: 'ent', name: 'Admin' },
  subject: { name: 'Jane Doe' },
  appUser: {},
  requester: {},
  taskUrl: 'https://acme.conductor.one/task/1',
  callbackUrl: 'https://acme.conductor.one/cb',
};
const route = { name: 'sf', desk: 'servicenow', target: { servicenow: { table: 'incident' as const, fields: {}, variables: {} } } };

let sn: FakeServiceNow;
beforeAll(async () => {
  sn = await startFakeServiceNow();
});
afterAll(async () => {
  await sn.close();
});

function tickets(servicenow: Record<string, unknown>) {
  const config = configSchema.parse({ server: { publicUrl: 'https://b.example' }, conductorone: { tenant: 'acme.conductor.one' }, servicenow: { instanceUrl: sn.url, ...servicenow } });
  if (config.servicenow === undefined) throw new Error('no servicenow');
  return createServiceNowTickets({ config: config.servicenow });
}

describe('ServiceNow adapter', () => {
  it('authenticates with OAuth client credentials, reusing the token', async () => {
    sn.reset();
    sn.tokensIssued = 0;
    const system = tickets({ oauth: { clientId: 'sn-client', clientSecret: 'sn-client-secret' } });
    const ref = await system.create({ request, route });
    expect(ref).toMatchObject({ system: 'servicenow', key: 'INC0010001', container: 'incident' });
    expect(ref.url).toBe(`${sn.url}/incident.do?sys_id=${ref.id}`);
    expect(await system.getStatus(ref)).toEqual({ final: false, status: 'New (1)' });
    expect(sn.tokensIssued).toBe(1);
    expect(sn.find('incident', () => true)?.correlation_id).toBe('task1');
  });

  it('refuses for good when the OAuth client is wrong', async () => {
    const system = tickets({ oauth: { clientId: 'sn-client', clientSecret: 'wrong' } });
    await expect(system.create({ request, route })).rejects.toMatchObject({ code: 'ticket_system_rejected', retryable: false, status: 401 });
  });

  it('reports ServiceNow\'s own error message on a refusal', async () => {
    const system = tickets({ username: 'bridge', password: 'wrong' });
    await expect(system.create({ request, route })).rejects.toThrow('ServiceNow create incident: answered 401: User Not Authenticated: Required to provide Auth information');
  });

  it('names the final states with their labels', async () => {
    sn.reset();
    const system = tickets({ username: 'bridge', password: 'sn-password' });
    const ref = await system.create({ request, route });
    sn.setState('incident', ref.id, 8);
    expect(await system.getStatus(ref)).toEqual({ final: true, outcome: 'errored', status: 'Canceled (8)' });
  });

  it('sends exactly the record that preview shows', async () => {
    const config = configSchema.parse({
      server: { publicUrl: 'https://b.example' },
      conductorone: { tenant: 'acme.conductor.one' },
      servicenow: { instanceUrl: sn.url, username: 'bridge', password: 'sn-password' },
      templates: { timeZone: 'Asia/Tokyo' },
      routes: [{ name: 'crm', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task', fields: { assignment_group: 'IT Access', u_opened: '{{ task.createdAt }}' } } }],
    });
    const preview = previewTask(config, loadFixture('provision-revoke'));
    if (preview.kind !== 'routed' || config.servicenow === undefined) throw new Error('expected a route');
    sn.reset();
    const system = createServiceNowTickets({ config: config.servicenow, timeZone: config.templates.timeZone });
    await system.create({ request: preview.request, route: { name: 'crm', desk: 'servicenow', target: { servicenow: config.routes[0]?.servicenow } } });
    const sent = sn.requests.find((r) => r.method === 'POST' && r.path.startsWith('/api/now/table/sc_task'));
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(preview.ticket.body);
    expect(preview.ticket.fields).toEqual({ assignment_group: 'IT Access', u_opened: '2026-08-21 01:55 Asia/Tokyo' });
  });
});
