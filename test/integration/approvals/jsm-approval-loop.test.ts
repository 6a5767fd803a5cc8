/**
 * The whole approval loop of a JSM route: a C1 policy approval step opens one customer request of a request type with
 * native approvals; the request's approvals decide by their `finalDecision` (all approved → approve, one declined →
 * deny), never the request's status; the request's last comment is the approver's words (JSM's Approval carries no
 * comment); a request re-opened after the answer changes nothing. Fake JSM mounted on the fake Jira Cloud
 * (src/desks/jira/service-desk/fake-jsm.ts: developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/,
 * jira.js `src/serviceDesk/models/approval.ts`), whose webhooks are Jira's (src/desks/jira/fake-jira.ts); fake C1: its
 * webhooks guide and OpenAPI (https://www.conductorone.com/docs/product/admin/webhooks), checking every approval body
 * against `c1.webhooks.v1.ResponsePolicyApprovalStep`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { APPROVAL_STEP, approvalTicketCreated, callbackBody, callbacksTo, deliverApproval, postJiraEvent, recordIn } from '../../helpers/approval-steps.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'jsm-approval-secret';
const MIA = { accountId: '557058:mia', displayName: 'Mia Manager', emailAddress: 'mia@acme.com' };
const SAM = { accountId: '557058:sam', displayName: 'Sam Security', emailAddress: 'sam@acme.com' };

let c1: FakeConductorOne;
let jira: FakeJira;
let jsm: FakeJsm;
let bridge: TestBridge;

beforeAll(async () => {
  [c1, jira] = await Promise.all([startFakeConductorOne(), startFakeJira()]);
  jsm = mountFakeJsm(jira);
  const desk = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(desk, 'Access approval', [
    { fieldId: 'summary', name: 'Summary', required: true },
    { fieldId: 'description', name: 'Description', required: false },
  ]);
  jsm.addUser(MIA);
  jsm.addUser(SAM);
  bridge = await startTestBridge({
    c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: SECRET, indexLagSeconds: 0 },
      routes: [{ name: 'access-approval', for: 'approval', jira: { serviceDesk: 'ITHELP', requestType: 'Access approval' } }],
      jobs: { attempts: 2, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await Promise.all([c1.close(), jira.close()]);
});

const postEvent = (event: Record<string, unknown>) => postJiraEvent(bridge, jira, SECRET, event);

/** An approval step with its request open in ITHELP, a manager's and a security approval pending on it. */
async function openApproval() {
  const step = await deliverApproval(bridge, c1);
  const record = await approvalTicketCreated(bridge, step.taskId);
  const key = record.fields['ticketKey'] ?? '';
  const manager = jsm.addApproval(key, 'Manager approval', [MIA.accountId]);
  const security = jsm.addApproval(key, 'Security', [SAM.accountId]);
  return { ...step, key, manager, security };
}

const commentsOn = (key: string) => (jira.issues.get(key)?.comments ?? []).map((comment) => adfToText(comment.body));
const refused = (token: string) => c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`));

describe('JSM approval requests through the bridge', () => {
  it('opens one request of the route\'s request type with the approval text', async () => {
    const { taskId, key } = await openApproval();
    const created = jsm.creates.at(-1) as { requestTypeId: string; requestFieldValues: Record<string, string> };
    expect(created.requestFieldValues['summary']).toMatch(/^Approve: /);
    expect(created.requestFieldValues['description']).toContain('approve or deny');
    expect(key).toMatch(/^ITHELP-\d+$/);
    expect(jira.issues.get(key)?.fields.labels).toContain(`c1-task-${taskId}`);
    expect([...jira.issues.values()].filter((issue) => issue.fields.labels.includes(`c1-task-${taskId}`))).toHaveLength(1);
  });

  it('approve: every approval approved sends approve with the approver\'s comment; the request then says it was sent', async () => {
    const { taskId, token, key, manager, security } = await openApproval();
    jsm.decide(key, manager, MIA.accountId, 'approved');
    await postEvent(jira.addComment(key, 'Approved for the quarter.', MIA));
    await checksSettled(bridge);
    // One of two approvals: still open.
    expect(callbacksTo(c1, token)).toHaveLength(0);
    jsm.decide(key, security, SAM.accountId, 'approved');
    await postEvent(jira.transition(key, 'In Progress', 'indeterminate'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', approve: { comment: 'Approved for the quarter.' } });
    await recordIn(bridge, taskId, 'reported');
    await waitFor('the sent note', () => commentsOn(key).some((text) => text.includes('sent the answer to ConductorOne: approved')));
    expect(refused(token)).toEqual([]);
  });

  it('deny: one approval declined sends deny, whatever the status; without a comment it names the declined approval', async () => {
    const { token, key, security } = await openApproval();
    jsm.decide(key, security, SAM.accountId, 'declined');
    await postEvent(jira.transition(key, 'Done', 'done'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', deny: { comment: `Jira issue ${key}: denied ("Security" declined by Sam Security).` } });
    expect(refused(token)).toEqual([]);
  });

  it('pending approvals stay open; a status change alone (the request moved to Done) sends nothing, by events or by reconciliation', async () => {
    const { taskId, token, key } = await openApproval();
    await postEvent(jira.transition(key, 'Approved', 'done'));
    await postEvent(jira.transition(key, 'Done', 'done'));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    expect((await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP))?.state).toBe('ticket_created');
  });

  it('re-opened after an approval: nothing more is sent', async () => {
    const { taskId, token, key, manager, security } = await openApproval();
    jsm.decide(key, manager, MIA.accountId, 'approved');
    jsm.decide(key, security, SAM.accountId, 'approved');
    await postEvent(jira.transition(key, 'Waiting for support', 'indeterminate'));
    await callbackBody(c1, token);
    await recordIn(bridge, taskId, 'reported');
    await postEvent(jira.transition(key, 'Open', 'new'));
    jsm.addApproval(key, 'Second look', [SAM.accountId]);
    await postEvent(jira.transition(key, 'Declined', 'done'));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect((await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP))?.fields['outcome']).toBe('approve');
  });

  it('expired callback: C1 answers 400, the request says nothing was sent, and nothing else happens', async () => {
    const { taskId, token, key, manager, security } = await openApproval();
    c1.planCallbacks([{ status: 400 }]);
    jsm.decide(key, manager, MIA.accountId, 'approved');
    jsm.decide(key, security, SAM.accountId, 'approved');
    await postEvent(jira.transition(key, 'In Progress', 'indeterminate'));
    const record = await recordIn(bridge, taskId, 'callback_failed');
    expect(record.fields['callbackResult']).toContain('400');
    await waitFor('the not-sent note', () => commentsOn(key).some((text) => text.startsWith('Nothing was sent to ConductorOne')));
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect(commentsOn(key).some((text) => text.includes('sent the answer to ConductorOne'))).toBe(false);
  });
});
