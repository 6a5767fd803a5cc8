/**
 * The whole approval loop on Jira Cloud: a C1 policy approval step opens one issue in the route's project; the issue's
 * status decides only when it is in the route's `approve` or `deny` list; the approver's last comment becomes the C1
 * comment; a new assignee who is a C1 user reassigns the step; a re-opened issue changes nothing; a callback C1
 * refuses with 400 (step closed or expired) leaves a comment saying nothing was sent. Fake Jira: REST v3 and webhooks
 * as Atlassian documents them (src/desks/jira/fake-jira.ts); fake C1: its webhooks guide and OpenAPI
 * (https://www.conductorone.com/docs/product/admin/webhooks), checking every approval body against
 * `c1.webhooks.v1.ResponsePolicyApprovalStep`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { APPROVAL_STEP, approvalTicketCreated, callbackBody, callbacksTo, deliverApproval, postJiraEvent, recordIn } from '../../helpers/approval-steps.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'jira-approval-secret';
const ANN = { accountId: '557058:ann', displayName: 'Ann Lee', emailAddress: 'ann.lee@acme.com' };
const OUTSIDER = { accountId: '557058:out', displayName: 'Olaf Out', emailAddress: 'olaf@elsewhere.example' };

let c1: FakeConductorOne;
let jira: FakeJira;
let bridge: TestBridge;

beforeAll(async () => {
  [c1, jira] = await Promise.all([startFakeConductorOne(), startFakeJira()]);
  const api = await c1.api.addApiClient();
  c1.api.addUser({ id: '2pQdUserAnn', email: 'ann.lee@acme.com', displayName: 'Ann Lee' });
  bridge = await startTestBridge({
    c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url], api: { ...api, baseUrl: c1.url } },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: SECRET, indexLagSeconds: 0 },
      routes: [{ name: 'cab', for: 'approval', jira: { project: 'CAB', approve: ['Approved'], deny: ['Declined'], reassign: 'assignee' } }],
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
afterEach(() => {
  jira.inject([]);
});

const postEvent = (event: Record<string, unknown>) => postJiraEvent(bridge, jira, SECRET, event);

/** An approval step with its issue open in CAB. */
async function openApproval() {
  const step = await deliverApproval(bridge, c1);
  const record = await approvalTicketCreated(bridge, step.taskId);
  const key = record.fields['ticketKey'] ?? '';
  return { ...step, key, issue: () => jira.issues.get(key) };
}

const commentsOn = (key: string) => (jira.issues.get(key)?.comments ?? []).map((comment) => adfToText(comment.body));

describe('Jira approval tickets', () => {
  it('opens one issue saying what is asked, for whom, by whom, why, for how long, with the C1 link', async () => {
    const { taskId, issue } = await openApproval();
    const opened = issue();
    expect(opened?.fields.project.key).toBe('CAB');
    expect(opened?.fields.labels).toContain(`c1-task-${taskId}`);
    expect(opened?.properties['c1-ticket-bridge']).toMatchObject({ taskId, stepId: APPROVAL_STEP });
    const text = adfToText(opened?.fields.description);
    expect(text).toContain('approve or deny');
    expect(text).toMatch(/For: .+<jane\.doe@acme\.com>/);
    expect(text).toMatch(/Requested by: /);
    expect(text).toContain('Task in ConductorOne: ');
    expect(opened?.fields.summary).toMatch(/^Approve: /);
    expect([...jira.issues.values()].filter((i) => i.fields.labels.includes(`c1-task-${taskId}`))).toHaveLength(1);
  });

  it('approve: the approver\'s last comment goes to C1 as the approve comment; the issue then says it was sent', async () => {
    const { taskId, token, key } = await openApproval();
    jira.addComment(key, 'Fine by the CAB for the release window.', ANN);
    await postEvent(jira.transition(key, 'Approved', 'done'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', approve: { comment: 'Fine by the CAB for the release window.' } });
    await recordIn(bridge, taskId, 'reported');
    await waitFor('the sent note', () => commentsOn(key).some((text) => text.includes('sent the answer to ConductorOne: approved')));
    expect(c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`))).toEqual([]);
  });

  it('a long approver comment reaches C1 cut cleanly at 1,024 characters, and C1 takes it', async () => {
    const { token, key } = await openApproval();
    // 1,023 characters, then a thumbs-up with a skin tone (two code points, one character for a person) across the limit.
    jira.addComment(key, `${'ok '.repeat(341)}👍🏽 and more words after the limit`, ANN);
    await postEvent(jira.transition(key, 'approved', 'done'));
    const sent = ((await callbackBody(c1, token)) as { approve: { comment: string } }).approve.comment;
    expect([...sent].length).toBeLessThanOrEqual(1024);
    // Names ignore case ("approved" is in the list as "Approved"); the thumbs-up is dropped whole, never split.
    expect(sent).toBe('ok '.repeat(341));
    await recordIn(bridge, (await bridge.deps.correlationStore.findByTicket('jira', key))?.taskId ?? '', 'reported');
    expect(c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`))).toEqual([]);
  });

  it('deny: only a status in the deny list denies; without a comment the C1 comment names the issue and status', async () => {
    const { token, key } = await openApproval();
    await postEvent(jira.transition(key, 'In Review', 'indeterminate'));
    await postEvent(jira.transition(key, 'Done', 'done'));
    await checksSettled(bridge);
    // Neither list: open, whatever its category (no default "Done means approve").
    expect(callbacksTo(c1, token)).toHaveLength(0);
    await postEvent(jira.transition(key, 'Declined', 'done'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', deny: { comment: `Jira issue ${key}: denied (Declined).` } });
  });

  it('reassign: a new assignee whose email is a C1 user reassigns the step to that user; one who is not changes nothing', async () => {
    const { taskId, token, key } = await openApproval();
    const lookups = (email: string) => c1.api.searchRequests.filter((r) => (JSON.parse(r.body) as { email: string }).email === email).length;
    await postEvent(jira.assign(key, OUTSIDER));
    await checksSettled(bridge);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    expect(lookups('olaf@elsewhere.example')).toBe(1);
    // Another event while the same person is assigned is no change of assignee: C1 is not asked again.
    await postEvent(jira.addComment(key, 'Looking into it', OUTSIDER));
    await checksSettled(bridge);
    expect(lookups('olaf@elsewhere.example')).toBe(1);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    await postEvent(jira.assign(key, ANN));
    expect(await callbackBody(c1, token)).toEqual({
      version: 'v1',
      reassign: { comment: `Jira issue ${key} was assigned to ann.lee@acme.com. Looking into it`, newStepUserIds: ['2pQdUserAnn'] },
    });
    const record = await recordIn(bridge, taskId, 'reported');
    expect(record.fields['outcome']).toBe('reassign');
    expect(lookups('ann.lee@acme.com')).toBe(1);
  });

  it('re-opened after an approval: nothing more is sent, by events or by reconciliation', async () => {
    const { taskId, token, key } = await openApproval();
    await postEvent(jira.transition(key, 'Approved', 'done'));
    await callbackBody(c1, token);
    await recordIn(bridge, taskId, 'reported');
    await postEvent(jira.transition(key, 'To Do', 'new'));
    await postEvent(jira.transition(key, 'Declined', 'done'));
    await postEvent(jira.assign(key, ANN));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect((await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP))?.fields['outcome']).toBe('approve');
  });

  it('expired callback: C1 answers 400, the issue says nothing was sent, and nothing else happens', async () => {
    const { taskId, token, key } = await openApproval();
    c1.planCallbacks([{ status: 400 }]);
    await postEvent(jira.transition(key, 'Approved', 'done'));
    const record = await recordIn(bridge, taskId, 'callback_failed');
    expect(record.fields['callbackResult']).toContain('400');
    await waitFor('the not-sent note', () => commentsOn(key).some((text) => text.startsWith('Nothing was sent to ConductorOne')));
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect(commentsOn(key).some((text) => text.includes('sent the answer to ConductorOne'))).toBe(false);
  });

  it('a lost event: reconciliation reads the issue and answers; an issue Jira fails to read is never a deny', async () => {
    const { token, key } = await openApproval();
    jira.transition(key, 'Declined', 'done');
    jira.inject([{ status: 500 }, { status: 500 }], { method: 'GET', pathPrefix: '/rest/api/3/issue/' });
    const failed = await reconcile(bridge.deps.jobs);
    expect(failed.errors).toBeGreaterThan(0);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    jira.inject([]);
    await reconcile(bridge.deps.jobs);
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', deny: { comment: `Jira issue ${key}: denied (Declined).` } });
  });

  it('a deleted issue decides nothing: no callback', async () => {
    const { token, key } = await openApproval();
    await postEvent(jira.remove(key));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(0);
  });
});
