import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { fitWiki } from '../../../src/desks/jira/datacenter/dc-tickets.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { renderPreview, renderPreviewTable } from '../../../src/preview/render-preview.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

function config(deployment: 'cloud' | 'datacenter') {
  return configSchema.parse({
    server: { publicUrl: 'https://bridge.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: deployment === 'cloud' ? { baseUrl: 'https://acme.atlassian.net', email: 'bridge@acme.example', apiToken: 't' } : { deployment, baseUrl: 'https://jira.corp.example', token: 'pat' },
    routes: [
      {
        name: 'access-portal',
        match: { appName: 'GitHub' },
        jira: { serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { customfield_10050: '{{ app.name }}' }, raiseOnBehalfOf: 'subject' },
      },
    ],
  });
}

describe('preview of a Jira Service Management route', () => {
  it('shows the customer request: service desk, request type, rendered request fields, raised on behalf of the user', () => {
    const result = previewTask(config('cloud'), loadFixture('provision-grant'));
    if (result.kind !== 'routed' || result.ticket.system !== 'jira') throw new Error('expected a JSM request');
    expect(result.ticket).toMatchObject({ endpoint: 'POST /rest/servicedeskapi/request', container: 'jsm ITHELP', summary: 'Grant GitHub / Org Admin for Jane Doe', fields: { customfield_10050: 'GitHub' }, labels: ['c1-task-2pQdTask0001'] });
    expect(result.ticket.body).toMatchObject({ serviceDeskId: '<ITHELP>', requestTypeId: '<Request access>', raiseOnBehalfOf: '<jane.doe@acme.com>', requestFieldValues: { summary: 'Grant GitHub / Org Admin for Jane Doe', customfield_10050: 'GitHub' } });
    const text = renderPreview(result);
    expect(text).toContain('ticket (Jira Service Management, service desk ITHELP, request type "Request access"; label and property added after the create); preview only, nothing was created:');
    expect(text).toContain('  body (POST /rest/servicedeskapi/request):');
    expect(renderPreviewTable([{ name: 'grant', result }])[1]).toMatch(/jsm ITHELP\s+Grant GitHub/);
  });

  it('on Data Center the request description is escaped wiki markup', () => {
    const result = previewTask(config('datacenter'), loadFixture('provision-grant'));
    if (result.kind !== 'routed' || result.ticket.system !== 'jira') throw new Error('expected a JSM request');
    expect(result.ticket.where).toContain('Jira Service Management (Data Center)');
    const cloud = previewTask(config('cloud'), loadFixture('provision-grant'));
    if (cloud.kind !== 'routed') throw new Error('expected a route');
    const values = (body: unknown) => (body as { requestFieldValues: Record<string, string> }).requestFieldValues;
    expect(values(result.ticket.body)['description']).toBe(fitWiki(values(cloud.ticket.body)['description'] ?? ''));
    expect(values(result.ticket.body)['summary']).toBe(values(cloud.ticket.body)['summary']);
  });
});
