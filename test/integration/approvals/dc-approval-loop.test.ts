/**
 * The approval loop through a Jira Data Center desk: a C1 policy approval step opens one REST v2 issue in CAB (wiki
 * markup); only a status in the route's `approve` / `deny` lists answers, with the approver's last comment; a re-open
 * after the answer changes nothing; a callback C1 refuses with 400 leaves a note on the issue saying nothing was sent.
 * Fake Data Center: REST v2 and its webhooks (X-Hub-Signature) as Atlassian documents them
 * (src/desks/jira/datacenter/fake-jira-dc.ts); fake C1: its webhooks guide and OpenAPI, checking every approval body
 * against `c1.webhooks.v1.ResponsePolicyApprovalStep`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { APPROVAL_STEP, approvalTicketCreated, callbackBody, callbacksTo, deliverApproval, recordIn } from '../../helpers/approval-steps.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'dc-approval-secret';
const ANN = { name: 'alee', key: 'JIRAUSER10001', emailAddress: 'ann.lee@acme.com', displayName: 'Ann Lee', active: true };

let c1: FakeConductorOne;
let dc: FakeJiraDc;
let bridge: TestBridge;

beforeAll(async () => {
  [c1, dc] = await Promise.all([startFakeConductorOne(), startFakeJiraDc()]);
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: dc.url, deployment: 'datacenter', token: 'dc-personal-access-token', webhookSecret: SECRET, indexLagSeconds: 0 },
      routes: [{ name: 'cab', for: 'approval', jira: { project: 'CAB', approve: ['Approved'], deny: ['Declined'] } }],
      jobs: { attempts: 2, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await Promise.all([c1.close(), dc.close()]);
});

async function postEvent(event: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(event);
  const response = await bridge.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { 'content-type': 'application/json', 'x-hub-signature': dc.sign(body, SECRET) } });
  expect(response.statusCode).toBeLessThan(300);
}

async function openApproval() {
  const step = await deliverApproval(bridge, c1);
  const record = await approvalTicketCreated(bridge, step.taskId);
  return { ...step, key: record.fields['ticketKey'] ?? '' };
}

const commentsOn = (key: string) => (dc.issues.get(key)?.comments ?? []).map((wiki) => wikiToText(wiki));

describe('Jira Data Center approval tickets through the bridge', () => {
  it('opens one REST v2 issue in CAB; approve: the last comment goes to C1, and the issue then says it was sent', async () => {
    const { taskId, token, key } = await openApproval();
    const issue = dc.issues.get(key);
    expect(key).toMatch(/^CAB-\d+$/);
    expect(issue?.fields.labels).toContain(`c1-task-${taskId}`);
    expect(wikiToText(String(issue?.fields.description ?? ''))).toContain('approve or deny');
    dc.addComment(key, 'Fine by the CAB.', ANN);
    await postEvent(dc.transition(key, 'Approved', 'done'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', approve: { comment: 'Fine by the CAB.' } });
    await recordIn(bridge, taskId, 'reported');
    await waitFor('the sent note', () => commentsOn(key).some((text) => text.includes('sent the answer to ConductorOne: approved')));
    expect(c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`))).toEqual([]);
  });

  it('deny: a status in neither list (even Done) stays open; Declined denies', async () => {
    const { token, key } = await openApproval();
    await postEvent(dc.transition(key, 'Done', 'done'));
    await checksSettled(bridge);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    await postEvent(dc.transition(key, 'Declined', 'done'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', deny: { comment: `Jira issue ${key}: denied (Declined).` } });
  });

  it('re-opened after an approval: nothing more is sent, by events or by reconciliation', async () => {
    const { taskId, token, key } = await openApproval();
    await postEvent(dc.transition(key, 'Approved', 'done'));
    await callbackBody(c1, token);
    await recordIn(bridge, taskId, 'reported');
    await postEvent(dc.transition(key, 'Open', 'new'));
    await postEvent(dc.transition(key, 'Declined', 'done'));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect((await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP))?.fields['outcome']).toBe('approve');
  });

  it('expired callback: C1 answers 400, the issue says nothing was sent, and nothing else happens', async () => {
    const { taskId, token, key } = await openApproval();
    c1.planCallbacks([{ status: 400 }]);
    await postEvent(dc.transition(key, 'Approved', 'done'));
    const record = await recordIn(bridge, taskId, 'callback_failed');
    expect(record.fields['callbackResult']).toContain('400');
    await waitFor('the not-sent note', () => commentsOn(key).some((text) => text.startsWith('Nothing was sent to ConductorOne')));
    expect(callbacksTo(c1, token)).toHaveLength(1);
  });
});
