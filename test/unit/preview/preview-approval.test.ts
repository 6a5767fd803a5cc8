import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { renderPreview, renderPreviewTable } from '../../../src/preview/render-preview.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

function config(routes: unknown[], extra: Record<string, unknown> = {}) {
  return configSchema.parse({
    server: { publicUrl: 'https://bridge.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: 'https://acme.atlassian.net', email: 'bridge@acme.example', apiToken: 't' },
    servicenow: { instanceUrl: 'https://acme.service-now.com', username: 'u', password: 'p' },
    routes,
    ...extra,
  });
}

const PROVISION = { name: 'code', match: { appName: 'GitHub' }, jira: { project: 'OPS' } };
const APPROVAL = { name: 'approvals', for: 'approval', match: { appName: 'GitHub' }, jira: { project: 'CAB', issueType: 'Approval', approve: ['Approved'], deny: ['Declined'] } };

describe('preview of a policy approval step', () => {
  it('skips the provisioning routes, takes the for: approval route and shows what the approval ticket asks', () => {
    const result = previewTask(config([PROVISION, APPROVAL]), loadFixture('policy-approval'));
    if (result.kind !== 'routed' || result.ticket.system !== 'jira') throw new Error('expected a Jira approval ticket');
    expect(result.step).toBe('approval');
    expect(result.route).toBe('approvals');
    expect(result.verdicts).toEqual([
      { route: 'code', matched: false, reason: 'for: takes provision steps, this is an approval step' },
      { route: 'approvals', matched: true },
    ]);
    expect(result.request).toMatchObject({ taskId: '2pQdTask0003', stepId: '2pQdStepAppr3', step: 'approval' });
    expect(result.approval).toMatchObject({ asked: 'grant GitHub / Org Admin', requestedFor: 'Jane Doe <jane.doe@acme.com>', justification: 'Need admin for repo migration', duration: '7 days', state: 'APPROVAL_INSTANCE_STATE_WAITING' });
    expect(result.approval?.taskUrl).toMatch(/^https:\/\/acme\.conductor\.one\/task\//);
    // The approval ticket's own texts, as the desk opens it (src/domain/approval-ticket-text.ts).
    expect(result.ticket).toMatchObject({ project: 'CAB', issueType: 'Approval', labels: ['c1-task-2pQdTask0003'], summary: 'Approve: Grant GitHub / Org Admin for Jane Doe' });
    expect(result.ticket.description).toContain('ConductorOne asks for an approval: approve or deny this access request.');
    expect(result.ticket.body.properties).toEqual([{ key: 'c1-ticket-bridge', value: { taskId: '2pQdTask0003', stepId: '2pQdStepAppr3', kind: 'grant' } }]);

    const text = renderPreview(result);
    expect(text).toContain('  take  approvals');
    expect(text).toContain("approval route approvals: the ticket asks a person to approve or deny; their decision is ConductorOne's answer:");
    expect(text).toContain('  asked:         grant GitHub / Org Admin');
    expect(text).toContain('  justification: Need admin for repo migration');
    expect(text).toContain('approval ticket (Jira, project CAB, issue type Approval); preview only, nothing was created:');
    expect(text.join('\n')).not.toContain('not a provisioning step');
  });

  it('says "no approval route" when no route takes it, and that C1 is answered 422 with nothing written, never a deny', () => {
    const result = previewTask(config([PROVISION], { defaultRoute: { jira: { project: 'ACCESS' } } }), loadFixture('policy-approval'));
    expect(result).toMatchObject({ kind: 'unrouted', step: 'approval', verdicts: [{ route: 'code', matched: false }] });
    const text = renderPreview(result).join('\n');
    expect(text).toContain('no approval route: no route with for: approval takes this step; ConductorOne is answered 422 no_approval_route and nothing is written (never a deny)');
    expect(text).not.toContain('errored callback');
    expect(renderPreviewTable([{ name: 'policy-approval', result }])[1]).toMatch(/^policy-approval\s+2pQdTask0003\s+\(no route\)\s+-\s+no approval route: 422 no_approval_route$/);
  });

  it('never lets a for: approval route take a provisioning step', () => {
    const result = previewTask(config([APPROVAL]), loadFixture('provision-grant'));
    expect(result).toMatchObject({ kind: 'unrouted', step: 'provision', verdicts: [{ route: 'approvals', matched: false, reason: 'for: takes approval steps, this is a provisioning step' }] });
  });

  it('previews an approval ticket on ServiceNow through the same desk module', () => {
    const result = previewTask(config([{ name: 'sn-approvals', for: 'approval', servicenow: { table: 'sc_task' } }]), loadFixture('policy-approval'));
    if (result.kind !== 'routed' || result.ticket.system !== 'servicenow') throw new Error('expected a ServiceNow approval ticket');
    expect(result.ticket.body).toMatchObject({ correlation_id: '2pQdTask0003:2pQdStepAppr3', short_description: 'Approve: Grant GitHub / Org Admin for Jane Doe' });
    expect(renderPreview(result)).toContain('approval ticket (ServiceNow, table sc_task); preview only, nothing was created:');
  });
});
