/**
 * Approval answers to ConductorOne: approve, deny and reassign decided once per step and sent by send-callback as
 * `c1.webhooks.v1.ResponsePolicyApprovalStep` bodies, which the fake C1 checks against C1's OpenAPI (answering 400 to
 * a body C1 would refuse). Comments are cut cleanly at 1,024 characters; a reassign to more than 32 users is refused
 * whole; a provisioning step never takes an approval outcome, nor an approval step a provisioning one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportApprovalOutcome, reportOutcome } from '../../../src/ingest/report-outcome.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { redisKeys } from '../../../src/store/redis-keys.ts';
import type { RecordedRequest } from '../../../src/sandbox/listen.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const STEP = '2pQdStepAppr3';

let c1: FakeConductorOne;
let bridge: TestBridge;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: 'https://acme.atlassian.net', email: 'bridge@acme.example', apiToken: 'x' },
      routes: [
        { name: 'cab', for: 'approval', jira: { project: 'CAB', approve: ['Approved'], deny: ['Declined'] } },
        { name: 'ops', jira: { project: 'OPS' } },
      ],
      jobs: { attempts: 2, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await c1.close();
});

/** An approval step accepted by the bridge, its callback URL on the fake C1 marked as an approval's. */
async function acceptedApproval(): Promise<{ taskId: string; token: string }> {
  const body = loadFixture('policy-approval');
  const taskId = `ac-${randomUUID().slice(0, 8)}`;
  const token = `tok-${taskId}`;
  body.payload.taskView.task.id = taskId;
  body.callbackUrl = c1.approvalCallbackUrl(token);
  expect((await bridge.deliver(body)).statusCode).toBe(202);
  return { taskId, token };
}

async function callbackFor(token: string): Promise<{ request: RecordedRequest; body: unknown }> {
  const request = await waitFor('the approval callback', () => c1.callbacks.find((r) => r.path.endsWith(`/${token}`)));
  return { request, body: JSON.parse(request.body) as unknown };
}

async function reported(taskId: string) {
  return waitFor('the step to be reported', async () => {
    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    return record?.state === 'reported' ? record : undefined;
  });
}

describe('send-callback: approval answers C1 takes', () => {
  it.each([
    ['approve', { outcome: 'approve', comment: 'CAB approved' }, { version: 'v1', approve: { comment: 'CAB approved' } }],
    ['deny', { outcome: 'deny', comment: 'Not during the freeze' }, { version: 'v1', deny: { comment: 'Not during the freeze' } }],
    [
      'reassign',
      { outcome: 'reassign', comment: 'Ann decides', newStepUserIds: ['2pQdUserAnn', '2pQdUserBen'] },
      { version: 'v1', reassign: { comment: 'Ann decides', newStepUserIds: ['2pQdUserAnn', '2pQdUserBen'] } },
    ],
  ] as const)('%s: posts the ResponsePolicyApprovalStep body once, C1 takes it, the step is reported', async (_name, decision, expected) => {
    const { taskId, token } = await acceptedApproval();
    expect(await reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, decision)).toBe(true);
    // A second decision for the same step changes nothing: the first one wins.
    expect(await reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, { outcome: 'deny', comment: 'late' })).toBe(false);
    const { body } = await callbackFor(token);
    expect(body).toEqual(expected);
    const record = await reported(taskId);
    expect(record.fields['outcome']).toBe(decision.outcome);
    expect(c1.callbacks.filter((r) => r.path.endsWith(`/${token}`))).toHaveLength(1);
    expect(c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`))).toEqual([]);
  });

  it('cuts a 1,500-character comment cleanly at 1,024 characters (whole graphemes), and C1 takes it', async () => {
    const { taskId, token } = await acceptedApproval();
    // 1,023 letters, then family emoji (several code points each): a cut must not split one.
    const family = '👨‍👩‍👧';
    const comment = `${'a'.repeat(1023)}${family.repeat(100)}`.slice(0, 1500);
    await reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, { outcome: 'approve', comment });
    const { body } = await callbackFor(token);
    const sent = (body as { approve: { comment: string } }).approve.comment;
    expect([...sent].length).toBeLessThanOrEqual(1024);
    expect(sent).toBe('a'.repeat(1023));
    await reported(taskId);
    expect(c1.refusedCallbacks.filter((r) => r.request.path.endsWith(`/${token}`))).toEqual([]);

    const second = await acceptedApproval();
    const long = 'é'.repeat(1500);
    await reportApprovalOutcome(bridge.deps.jobs, { taskId: second.taskId, stepId: STEP }, { outcome: 'deny', comment: long });
    const denied = (await callbackFor(second.token)).body as { deny: { comment: string } };
    expect(denied.deny.comment).toBe('é'.repeat(1024));
  });
});

describe('approval answers that are refused before anything is sent', () => {
  it('a reassign to 33 users is refused invalid_approval_answer: no outcome stored, no callback job', async () => {
    const { taskId } = await acceptedApproval();
    const ids = Array.from({ length: 33 }, (_, i) => `user-${i.toString()}`);
    await expect(reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, { outcome: 'reassign', comment: '', newStepUserIds: ids })).rejects.toMatchObject({
      code: 'invalid_approval_answer',
    });
    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    expect(record?.fields['outcome']).toBeUndefined();
    expect(await bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}`)).toBeUndefined();
    // 32 is the most C1 takes: still accepted.
    expect(await reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, { outcome: 'reassign', comment: '', newStepUserIds: ids.slice(0, 32) })).toBe(true);
  });

  it('a reassign to no one is refused the same way', async () => {
    const { taskId } = await acceptedApproval();
    await expect(reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, { outcome: 'reassign', comment: '', newStepUserIds: [] })).rejects.toMatchObject({
      code: 'invalid_approval_answer',
    });
    expect((await bridge.deps.correlationStore.get(taskId, STEP))?.fields['outcome']).toBeUndefined();
  });

  it('an approval step refuses a provisioning outcome (step_kind_mismatch), and nothing is stored or queued', async () => {
    const { taskId } = await acceptedApproval();
    await expect(reportOutcome(bridge.deps.jobs, { taskId, stepId: STEP }, 'errored', 'desk failed')).rejects.toMatchObject({ code: 'step_kind_mismatch' });
    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    expect(record?.fields['outcome']).toBeUndefined();
    expect(record?.state).toBe('received');
    expect(await bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}`)).toBeUndefined();
  });

  it('a provisioning step refuses an approval outcome (step_kind_mismatch), and nothing is stored or queued', async () => {
    const grant = loadFixture('provision-grant');
    const taskId = `pg-${randomUUID().slice(0, 8)}`;
    grant.payload.taskView.task.id = taskId;
    grant.callbackUrl = c1.callbackUrl(`tok-${taskId}`);
    // A worker may open the provisioning ticket meanwhile (the desk is unreachable here): the outcome is what matters.
    expect((await bridge.deliver(grant)).statusCode).toBe(202);
    await expect(reportApprovalOutcome(bridge.deps.jobs, { taskId, stepId: '2pQdStepProv' }, { outcome: 'approve', comment: '' })).rejects.toMatchObject({
      code: 'step_kind_mismatch',
    });
    expect((await bridge.deps.correlationStore.get(taskId, '2pQdStepProv'))?.fields['outcome']).not.toBe('approve');
  });

  it('send-callback refuses an approval step whose record holds a provisioning outcome: failed step_kind_mismatch, nothing posted', async () => {
    const { taskId, token } = await acceptedApproval();
    // Written past the store's own guard, as an older version or a hand edit could leave it.
    await bridge.redis.hset(redisKeys(bridge.prefix).record(taskId, STEP), 'outcome', 'complete', 'outcomeComment', '', 'state', 'outcome_decided');
    await bridge.deps.queues.sendCallback.add('send-callback', { taskId, stepId: STEP }, { jobId: `${taskId}|${STEP}` });
    const record = await waitFor('the callback to be refused', async () => {
      const found = await bridge.deps.correlationStore.get(taskId, STEP);
      return found?.state === 'callback_failed' ? found : undefined;
    });
    expect(record.history.at(-1)?.detail).toContain('step_kind_mismatch');
    expect(c1.callbacks.filter((r) => r.path.endsWith(`/${token}`))).toEqual([]);
  });
});

describe('the fake ConductorOne checks approval bodies against ResponsePolicyApprovalStep', () => {
  const post = (token: string, body: unknown) =>
    fetch(c1.approvalCallbackUrl(token), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    ['two actions', { version: 'v1', approve: {}, deny: {} }, 'exactly one of approve, deny, reassign, replacePolicy'],
    ['no action', { version: 'v1' }, 'exactly one of'],
    ['a provisioning answer', { version: 'v1', complete: { comment: '' } }, '$.complete: unknown field'],
    ['another version', { version: 'v2', approve: {} }, '$.version: must be "v1"'],
    ['a comment over 1,024 characters', { version: 'v1', deny: { comment: 'x'.repeat(1025) } }, '$.deny.comment: longer than 1024'],
    ['33 reassign users', { version: 'v1', reassign: { newStepUserIds: Array.from({ length: 33 }, (_, i) => `u${i.toString()}`) } }, 'more than 32 users'],
    ['ids that are not strings', { version: 'v1', reassign: { newStepUserIds: [1] } }, '$.reassign.newStepUserIds[0]: must be a string'],
  ])('answers 400 to %s and records why, leaving the URL usable', async (_label, body, problem) => {
    const token = `fake-${randomUUID().slice(0, 8)}`;
    const response = await post(token, body);
    expect(response.status).toBe(400);
    const refused = c1.refusedCallbacks.find((r) => r.request.path.endsWith(`/${token}`));
    expect(refused?.problems.join('; ')).toContain(problem);
    expect((await post(token, { version: 'v1', approve: { comment: 'ok' } })).status).toBe(200);
  });
});
