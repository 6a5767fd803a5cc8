import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { jiraPreview, previewDeployment } from '../../../src/desks/jira/jira-preview.ts';
import { jiraDesk } from '../../../src/desks/jira/jira-desk.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { renderPreview } from '../../../src/preview/render-preview.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

const bridge = configSchema.parse({
  server: { publicUrl: 'https://bridge.example' },
  conductorone: { tenant: 'acme.conductor.one' },
  jira: { baseUrl: 'https://jira.acme.example', token: 'pat' },
  routes: [{ name: 'code', match: { appName: 'GitHub' }, jira: { project: 'OPS', labels: ['access'] } }],
});

function grantRequest(name: string) {
  const payload = loadFixture('provision-grant') as { payload: { expanded: Array<{ id?: string; displayName?: string }> } };
  for (const item of payload.payload.expanded) if (item.id === '2pQdUserJane') item.displayName = name;
  const result = previewTask(bridge, payload);
  if (result.kind !== 'routed') throw new Error('expected a route');
  return result.request;
}

describe('preview of a Jira Data Center desk', () => {
  const target = jiraDesk.targetSchema.parse({ project: 'OPS', labels: ['access'] });

  it('shows the REST v2 create body with the description in wiki markup, C1 values escaped', () => {
    const hostile = 'Jane [evil|https://evil.example] *Doe* {code}';
    const preview = jiraPreview(target, grantRequest(hostile), { timeZone: 'UTC' }, 'datacenter');
    expect(preview).toMatchObject({ system: 'jira', deployment: 'datacenter', endpoint: 'POST /rest/api/2/issue', project: 'OPS', labels: ['access', 'c1-task-2pQdTask0001'] });
    const wiki = preview.body.fields?.description;
    expect(typeof wiki).toBe('string');
    if (typeof wiki !== 'string') throw new Error('expected wiki markup');
    expect(preview.description).toBe(wiki);
    // The reader sees the name as it is; the markup cannot open a link or a code block.
    expect(wikiToText(wiki)).toContain(hostile);
    expect(wiki).not.toContain('[evil|https://evil.example]');
    expect(wiki).not.toContain('{code}');
    expect(preview.body.properties).toEqual([{ key: 'c1-ticket-bridge', value: { taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' } }]);
    const text = renderPreview({ kind: 'routed', step: 'provision', request: grantRequest(hostile), verdicts: [{ route: 'code', matched: true }], route: 'code', requestedFor: hostile, ticket: preview });
    expect(text).toContain('ticket (Jira Data Center, project OPS, issue type Task, description in wiki markup); preview only, nothing was created:');
    expect(text).toContain('  body (POST /rest/api/2/issue):');
  });

  it('is taken from the desk section: deployment datacenter previews wiki markup, anything else Cloud ADF', () => {
    const request = grantRequest('Jane Doe');
    const dcSection = jiraDesk.instanceSchema.parse({ deployment: 'datacenter', baseUrl: 'https://jira.acme.example', token: 'pat' });
    expect(previewDeployment(dcSection)).toBe('datacenter');
    expect(previewDeployment(bridge.jira)).toBe('cloud');
    expect(previewDeployment(undefined)).toBe('cloud');
    const dc = jiraDesk.preview(target, request, { timeZone: 'UTC', config: dcSection, step: 'provision' });
    expect(dc.endpoint).toBe('POST /rest/api/2/issue');
    const cloud = jiraDesk.preview(target, request, { timeZone: 'UTC', config: bridge.jira, step: 'provision' });
    expect(cloud.endpoint).toBe('POST /rest/api/3/issue');
    expect(cloud.body.fields?.description).toMatchObject({ type: 'doc', version: 1 });
    expect(cloud.summary).toBe(dc.summary);
  });

  it('previewTask takes the deployment from the route\'s desk: a named Data Center desk beside a Cloud one', () => {
    const config = configSchema.parse({
      server: { publicUrl: 'https://bridge.example' },
      conductorone: { tenant: 'acme.conductor.one' },
      jira: { baseUrl: 'https://acme.atlassian.net', email: 'bridge@acme.example', apiToken: 't' },
      desks: { 'jira-legacy': { kind: 'jira', deployment: 'datacenter', baseUrl: 'https://jira.corp.example', token: 'pat' } },
      routes: [{ name: 'legacy', desk: 'jira-legacy', match: { appName: 'GitHub' }, jira: { project: 'OLD' } }],
      defaultRoute: { jira: { project: 'ACCESS' } },
    });
    const legacy = previewTask(config, loadFixture('provision-grant'));
    const cloud = previewTask(config, loadFixture('provision-revoke'));
    if (legacy.kind !== 'routed' || cloud.kind !== 'routed') throw new Error('expected routes');
    expect(legacy.ticket).toMatchObject({ deployment: 'datacenter', endpoint: 'POST /rest/api/2/issue', project: 'OLD' });
    expect(typeof (legacy.ticket.body.fields as Record<string, unknown> | undefined)?.['description']).toBe('string');
    expect(cloud.ticket).toMatchObject({ deployment: 'cloud', endpoint: 'POST /rest/api/3/issue', project: 'ACCESS' });
  });
});
