/**
 * ConductorOne policy approval steps at the front door (contract §3, §5 and §8): taken like provisioning steps when a
 * `for: approval` route matches (202 once in Redis, one record and one job per task + policy step, a resent token
 * answered the same), refused 422 `no_approval_route` with nothing written otherwise, never answered with a deny.
 * Routes take only their kind of step. Bodies are the fake tenant's signed deliveries of C1's own fixture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import type { ApprovalTicketRequest } from '../../../src/domain/approval-request.ts';
import { decideRoute } from '../../../src/domain/routing.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { AUDIENCE, C1_ENDPOINT, startTestBridge, toBytes, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const STEP = '2pQdStepAppr3';
const JIRA = { baseUrl: 'https://acme.atlassian.net', email: 'bridge@acme.example', apiToken: 'x' };
const APPROVAL_ROUTE = { name: 'cab', for: 'approval', match: { appName: 'GitHub' }, jira: { project: 'CAB', approve: ['Approved'], deny: ['Declined'] } };
const PROVISION_ROUTE = { name: 'github', match: { appName: 'GitHub' }, jira: { project: 'OPS' } };

let c1: FakeConductorOne;
const bridges: TestBridge[] = [];

beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.close()));
});
afterAll(async () => {
  await c1.close();
});

async function bridgeWith(routes: unknown[], extra: Record<string, unknown> = {}): Promise<TestBridge> {
  const bridge = await startTestBridge({ c1, config: { jira: JIRA, routes, reconcile: { intervalSeconds: 0 }, ...extra } });
  bridges.push(bridge);
  return bridge;
}

function approval(taskId = `ap-${randomUUID().slice(0, 8)}`) {
  const body = loadFixture('policy-approval');
  body.payload.taskView.task.id = taskId;
  body.callbackUrl = c1.approvalCallbackUrl(`tok-${taskId}`);
  return { body, taskId };
}

describe('an approval step a for: approval route takes', () => {
  it('is answered 202 once in Redis, with one record marked approval and one create-ticket job that says approval', async () => {
    const bridge = await bridgeWith([PROVISION_ROUTE, APPROVAL_ROUTE]);
    const { body, taskId } = approval();
    const response = await bridge.deliver(body);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'accepted', taskId, stepId: STEP });

    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    expect(record?.state).toBe('received');
    expect(record?.fields['step']).toBe('approval');
    expect(record?.callbackUrl).toBe(body.callbackUrl);
    expect(await bridge.jobCount()).toBe(1);

    const job = await bridge.deps.queues.createTicket.getJob(`${taskId}|${STEP}`);
    const request = job?.data.request as ApprovalTicketRequest;
    expect(request.step).toBe('approval');
    // What an approval ticket shows: what is asked, for whom, by whom, why, for how long, and where in C1.
    expect(request).toMatchObject({
      app: { id: '2pQdAppGH', name: 'GitHub' },
      entitlement: { id: '2pQdEntAdmin', name: 'Org Admin' },
      subject: { id: '2pQdUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com' },
      requester: { id: '2pQdUserBob', name: 'Bob Smith', email: 'bob.smith@acme.com' },
      justification: 'Need admin for repo migration',
      grantDuration: '604800s',
      grantDurationSeconds: 604800,
      taskUrl: 'https://acme.conductor.one/task/1044',
      approval: { state: 'APPROVAL_INSTANCE_STATE_WAITING', webhookId: '2pQdWebhook2' },
    });
    // The callback URL is a credential: never in a job.
    expect(JSON.stringify(job?.data)).not.toContain('callback');
    expect(bridge.logs.find((line) => line['msg'] === 'approval step accepted' && line['taskId'] === taskId)).toBeDefined();
  });

  it('answers a resent token the same and adds nothing; a new token for the same step opens no second job', async () => {
    const bridge = await bridgeWith([APPROVAL_ROUTE]);
    const { body, taskId } = approval();
    const bytes = toBytes(body);
    const token = await c1.sign(bytes, AUDIENCE, C1_ENDPOINT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = await bridge.post(bytes, headers);
    const second = await bridge.post(bytes, headers);
    const third = await bridge.deliver(body);
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([202, 202, 202]);
    expect(second.json()).toEqual(first.json());
    expect(await bridge.jobCount()).toBe(1);
    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    expect(record?.history.map((entry) => entry.event)).toEqual(['received']);
  });

  it('reaches create-ticket with its route; a create that fails is held there: no errored, no deny, no answer to C1', async () => {
    // Nothing listens on port 9: the approval issue cannot be created.
    const bridge = await bridgeWith([APPROVAL_ROUTE], { jobs: { attempts: 1, backoffMs: 10 }, jira: { ...JIRA, baseUrl: 'http://127.0.0.1:9' } });
    await bridge.deps.startWorkers();
    const { body, taskId } = approval();
    const callbacksBefore = c1.callbacks.length;
    expect((await bridge.deliver(body)).statusCode).toBe(202);
    await waitFor('the create-ticket job to fail', async () => (await (await bridge.deps.queues.createTicket.getJob(`${taskId}|${STEP}`))?.getState()) === 'failed');
    // Read again once failed: the reason is written with the state.
    const job = await bridge.deps.queues.createTicket.getJob(`${taskId}|${STEP}`);
    expect(job?.failedReason).toMatch(/create approval issue/i);
    const record = await bridge.deps.correlationStore.get(taskId, STEP);
    expect(record?.fields['outcome']).toBeUndefined();
    expect(record?.history.map((entry) => entry.event)).toContain('create_held');
    expect(await bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}`)).toBeUndefined();
    expect(c1.callbacks.length).toBe(callbacksBefore);
  });
});

describe('an approval step no for: approval route takes', () => {
  it.each([
    ['no routes at all', []],
    ['only a provisioning route that matches its app', [PROVISION_ROUTE]],
    ['an approval route for another app', [{ ...APPROVAL_ROUTE, match: { appName: 'Salesforce' } }]],
  ])('with %s: 422 no_approval_route, logged, no Redis key written, no job, no callback', async (_label, routes) => {
    const bridge = await bridgeWith(routes, { defaultRoute: { jira: { project: 'DEF' } } });
    const { body, taskId } = approval();
    const callbacksBefore = c1.callbacks.length;
    const response = await bridge.deliver(body);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'no_approval_route' });
    expect(await bridge.redisKeys()).toEqual([]);
    expect(await bridge.jobCount()).toBe(0);
    expect(c1.callbacks.length).toBe(callbacksBefore);
    const logged = bridge.logs.find((line) => line['taskId'] === taskId && String(line['msg']).startsWith('approval step refused'));
    expect(logged?.['level']).toBe(40);
  });

  it('answers a resent token of a refused approval the same refusal, still writing nothing', async () => {
    const bridge = await bridgeWith([PROVISION_ROUTE]);
    const bytes = toBytes(approval().body);
    const token = await c1.sign(bytes, AUDIENCE, C1_ENDPOINT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = await bridge.post(bytes, headers);
    const second = await bridge.post(bytes, headers);
    expect([first.statusCode, second.statusCode]).toEqual([422, 422]);
    expect(second.json()).toEqual(first.json());
    expect(await bridge.redisKeys()).toEqual([]);
  });
});

describe('routes take only their kind of step', () => {
  it('a provisioning step skips a for: approval route that matches it and goes to the provisioning route', async () => {
    const bridge = await bridgeWith([APPROVAL_ROUTE, PROVISION_ROUTE]);
    const grant = loadFixture('provision-grant');
    const taskId = `pv-${randomUUID().slice(0, 8)}`;
    grant.payload.taskView.task.id = taskId;
    expect((await bridge.deliver(grant)).statusCode).toBe(202);
    const job = await bridge.deps.queues.createTicket.getJob(`${taskId}|2pQdStepProv`);
    expect(job?.data.request.step).toBeUndefined();
    if (job === undefined) throw new Error('no create-ticket job');
    const decision = decideRoute(bridge.config, job.data.request);
    expect(decision.chosen?.name).toBe('github');
    expect(decision.verdicts[0]).toEqual({ route: 'cab', matched: false, reason: 'for: takes approval steps, this is a provisioning step' });
  });

  it('an approval step skips a matching provisioning route and defaultRoute, and goes to the for: approval route', async () => {
    const bridge = await bridgeWith([PROVISION_ROUTE, APPROVAL_ROUTE], { defaultRoute: { jira: { project: 'DEF' } } });
    const { body, taskId } = approval();
    expect((await bridge.deliver(body)).statusCode).toBe(202);
    const job = await bridge.deps.queues.createTicket.getJob(`${taskId}|${STEP}`);
    if (job === undefined) throw new Error('no create-ticket job');
    const decision = decideRoute(bridge.config, job.data.request);
    expect(decision.chosen?.name).toBe('cab');
    expect(decision.verdicts[0]).toEqual({ route: 'github', matched: false, reason: 'for: takes provision steps, this is an approval step' });
    expect(decideRoute({ routes: [PROVISION_ROUTE] as never, defaultRoute: bridge.config.defaultRoute }, job.data.request).chosen).toBeUndefined();
  });
});

describe('an approval payload that is incomplete', () => {
  it('is refused 400 invalid_payload with the field at fault, before routing, writing nothing', async () => {
    const bridge = await bridgeWith([APPROVAL_ROUTE]);
    const { body } = approval();
    const broken = { ...body, callbackUrl: '' };
    const response = await bridge.deliver(broken);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_payload', message: expect.stringContaining('the approval payload is incomplete: callbackUrl is missing') as unknown });
    expect(await bridge.redisKeys()).toEqual([]);
    expect(await bridge.jobCount()).toBe(0);
  });
});
