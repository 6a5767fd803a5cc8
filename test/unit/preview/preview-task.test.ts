import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { renderPreview, renderPreviewTable } from '../../../src/preview/render-preview.ts';
import { FIXTURE_NAMES, loadFixture } from '../../fixtures/load-fixture.ts';

function config(extra: Record<string, unknown> = {}) {
  return configSchema.parse({
    server: { publicUrl: 'https://bridge.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: 'https://acme.atlassian.net', token: 'pat' },
    servicenow: { instanceUrl: 'https://acme.service-now.com', username: 'u', password: 'p' },
    templates: { timeZone: 'Europe/Berlin' },
    routes: [
      { name: 'emergency', when: 'task.emergencyAccess', jira: { project: 'SEC', labels: ['emergency'], summary: '{{ task.action }} {{ app.name }} at {{ task.createdAt }}', fields: { customfield_10050: '{{ user.profile.costCenter }}' } } },
      { name: 'code', match: { appName: ['GitHub', 'GitLab'] }, jira: { project: 'OPS', labels: ['access'] } },
      { name: 'crm', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task', fields: { assignment_group: 'IT {{ app.name }}' } } },
    ],
    ...extra,
  });
}

describe('previewTask', () => {
  it('names the route that takes the task, why each earlier one did not, and the Jira issue as Jira would receive it', () => {
    const result = previewTask(config(), loadFixture('provision-grant'));
    expect(result.kind).toBe('routed');
    if (result.kind !== 'routed' || result.ticket.system !== 'jira') throw new Error('expected a Jira ticket');
    expect(result.route).toBe('code');
    expect(result.verdicts).toEqual([
      { route: 'emergency', matched: false, reason: 'when: is false' },
      { route: 'code', matched: true },
    ]);
    expect(result.requestedFor).toBe('Jane Doe <jane.doe@acme.com>');
    expect(result.ticket).toMatchObject({ project: 'OPS', issueType: 'Task', summary: 'Grant GitHub / Org Admin for Jane Doe', labels: ['access', 'c1-task-2pQdTask0001'], fields: {} });
    expect(result.ticket.description).toContain('Task in ConductorOne: https://acme.conductor.one/task/1042');
    expect(result.ticket.body.fields).toMatchObject({ project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Grant GitHub / Org Admin for Jane Doe' });
    expect(result.ticket.body.properties).toEqual([{ key: 'c1-ticket-bridge', value: { taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' } }]);
  });

  it('renders times in templates.timeZone and the route\'s extra fields', () => {
    const result = previewTask(config(), loadFixture('provision-emergency-contractor'));
    if (result.kind !== 'routed') throw new Error('expected a route');
    expect(result.route).toBe('emergency');
    expect(result.ticket.summary).toBe('Grant AWS Production at 2026-08-22 00:15 Europe/Berlin');
    expect(result.ticket.fields).toEqual({ customfield_10050: 'CC-4410' });
  });

  it('shows a ServiceNow record with its correlation and rendered fields', () => {
    const result = previewTask(config(), loadFixture('provision-revoke'));
    if (result.kind !== 'routed' || result.ticket.system !== 'servicenow') throw new Error('expected a ServiceNow record');
    expect(result.verdicts.map((v) => v.route)).toEqual(['emergency', 'code', 'crm']);
    expect(result.verdicts[1]).toEqual({ route: 'code', matched: false, reason: 'match.appName: wants one of "GitHub", "GitLab", the task has "Salesforce"' });
    expect(result.ticket.body).toMatchObject({ assignment_group: 'IT Salesforce', correlation_id: '2pQdTask0002:2pQdStepProv2', correlation_display: 'ConductorOne' });
    expect(result.ticket.fields).toEqual({ assignment_group: 'IT Salesforce' });
  });

  it('shows a catalog route as the order_now body and the fields put on the requested item', () => {
    const routes = [{ name: 'catalog', servicenow: { catalogItem: 'Access request', variables: { application: '{{ app.name }}', access: '{{ entitlement.name }}' }, requestedFor: 'subject', fields: { u_source: 'C1' } } }];
    const result = previewTask(config({ routes }), loadFixture('provision-grant'));
    if (result.kind !== 'routed' || result.ticket.system !== 'servicenow') throw new Error('expected a ServiceNow order');
    expect(result.ticket).toMatchObject({ table: 'sc_req_item', catalogItem: 'Access request', fields: { u_source: 'C1' } });
    expect(result.ticket.body).toEqual({ sysparm_quantity: 1, variables: { application: 'GitHub', access: 'Org Admin' } });
    const text = renderPreview(result);
    expect(text).toContain('ticket (ServiceNow, catalog item "Access request", tracked as sc_req_item); preview only, nothing was created:');
    expect(text).toContain('  body (POST /api/sn_sc/servicecatalog/items/<Access request>/order_now):');
    expect(text).toContain('  requested for: Jane Doe <jane.doe@acme.com>');
  });

  it('says when no route and no defaultRoute take a task, with the errored comment ConductorOne would get', () => {
    const result = previewTask(config({ routes: [] }), loadFixture('provision-grant'));
    expect(result).toMatchObject({ kind: 'unrouted', verdicts: [], comment: expect.stringContaining('no route in the bridge') as unknown });
    expect(renderPreview(result).join('\n')).toContain('no route matches and there is no defaultRoute');
  });

  it('falls back to defaultRoute and says so', () => {
    const result = previewTask(config({ routes: [], defaultRoute: { jira: { project: 'ACCESS' } } }), loadFixture('provision-grant'));
    expect(result).toMatchObject({ kind: 'routed', route: 'defaultRoute', ticket: { project: 'ACCESS' } });
    expect(renderPreview(result)).toContain('  take  defaultRoute (no route matched)');
  });

  it('refuses what the bridge would refuse: a test webhook, a payload without its parts', () => {
    expect(previewTask(config(), loadFixture('test'))).toMatchObject({ kind: 'refused' });
    const broken = loadFixture('provision-grant') as { callbackUrl?: string };
    delete broken.callbackUrl;
    expect(previewTask(config(), broken)).toEqual({ kind: 'refused', problems: ['callbackUrl is missing'] });
    expect(previewTask(config(), 'not an object')).toMatchObject({ kind: 'refused' });
  });

  it('renders the routing and the ticket as text, and a table over many payloads', () => {
    const text = renderPreview(previewTask(config(), loadFixture('provision-grant')));
    expect(text.slice(0, 5)).toEqual([
      'task 2pQdTask0001 (step 2pQdStepProv): grant GitHub / Org Admin for Jane Doe <jane.doe@acme.com>',
      '',
      'routing (first match wins):',
      '  skip  emergency: when: is false',
      '  take  code',
    ]);
    expect(text).toContain('  summary:       Grant GitHub / Org Admin for Jane Doe');
    expect(text).toContain('  labels:        access, c1-task-2pQdTask0001');
    expect(text).toContain('  requested for: Jane Doe <jane.doe@acme.com>');
    expect(text).toContain('    | Justification: Need admin for repo migration');
    const rows = FIXTURE_NAMES.map((name) => ({ name, result: previewTask(config(), loadFixture(name)) }));
    const table = renderPreviewTable(rows);
    expect(table[0]).toMatch(/^payload\s+task\s+route\s+desk\s+summary$/);
    expect(table).toHaveLength(FIXTURE_NAMES.length + 1);
    expect(table.find((line) => line.startsWith('provision-revoke'))).toMatch(/^provision-revoke\s+2pQdTask0002\s+crm\s+servicenow sc_task\s+Revoke Salesforce \/ System Administrator for Jane Doe$/);
  });
});
