import { describe, expect, it } from 'vitest';
import { useFakePeers } from '../../helpers/fake-peers.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';
const JOB_ID = `${TASK}|${STEP}`;
const peers = useFakePeers();

const jobs = (options: { onCreateFailure?: 'report' | 'hold'; attempts?: number } = {}) => ({
  jobs: { attempts: options.attempts ?? 3, backoffMs: 20, ...(options.onCreateFailure === undefined ? {} : { onCreateFailure: options.onCreateFailure }) },
});
const wrongJiraToken = () => ({ jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'wrong-token' } });

async function metric(b: TestBridge, result: string): Promise<number> {
  const text = (await b.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`c1tb_ticket_create_failures_total{result="${result}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const record = (b: TestBridge) => b.deps.correlationStore.get(TASK, STEP);
const creates = () => peers.jira.requests.filter((request) => request.method === 'POST' && request.path === '/rest/api/3/issue');

async function erroredComment(token: string): Promise<string | undefined> {
  const [callback] = await waitFor('the errored callback', () => (peers.callbacksTo(token).length > 0 ? peers.callbacksTo(token) : undefined));
  const body = JSON.parse(callback?.body ?? '{}') as { version: string; errored?: { comment: string }; complete?: unknown };
  expect(body.version).toBe('v1');
  expect(body.complete).toBeUndefined();
  return body.errored?.comment;
}

describe('a create that fails for good is reported, never silent (jobs.onCreateFailure: report, the default)', () => {
  it("a 401 from Jira (wrong token): one errored callback carrying Jira's reason, the history says why, a metric counts it", async () => {
    const b = await peers.bridge({ ...jobs(), ...wrongJiraToken() });
    const { body, token } = peers.grant();
    expect((await b.deliver(body)).statusCode).toBe(202);

    const comment = await erroredComment(token);
    expect(comment).toContain('No ticket was opened');
    expect(comment).toContain('Jira refused with 401: You are not authenticated');
    await waitFor('the record to be reported', async () => (await record(b))?.state === 'reported');

    const history = (await record(b))?.history ?? [];
    expect(history.map((entry) => entry.event)).toEqual(['received', 'create_failed', 'outcome_decided', 'reported']);
    expect(history[1]?.detail).toContain('Jira refused with 401');
    expect(await metric(b, 'reported')).toBe(1);
    expect(b.logs.find((line) => line['msg'] === 'ticket not created; reported errored to ConductorOne')).toMatchObject({ level: 50, taskId: TASK, stepId: STEP });
    expect(peers.jira.issues.size).toBe(0);
    // Nothing is left failed: the step is over, and C1 falls back to manual provisioning.
    expect(await b.deps.queues.createTicket.getFailedCount()).toBe(0);
    expect(peers.callbacksTo(token)).toHaveLength(1);
  });

  it('attempts exhausted on Jira 5xx: errored with the last answer, after exactly jobs.attempts tries', async () => {
    // Each 5xx may have created the issue, so its retry searches first: with no index lag to wait out, at once.
    const b = await peers.bridge({ ...jobs({ attempts: 3 }), jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0 } });
    peers.jira.inject([{ status: 503 }, { status: 502 }, { status: 500 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    const { body, token } = peers.grant();
    await b.deliver(body);

    expect(await erroredComment(token)).toContain('Jira answered 500');
    expect(creates()).toHaveLength(3);
    expect(peers.jira.issues.size).toBe(0);
    expect((await record(b))?.history.find((entry) => entry.event === 'create_failed')?.detail).toContain('Jira answered 500');
  });

  it('a create job run again after its step was reported (a worker killed before the job was marked done) opens nothing', async () => {
    const b = await peers.bridge({ ...jobs(), ...wrongJiraToken() });
    const { body, token } = peers.grant();
    await b.deliver(body);
    await waitFor('the record to be reported', async () => (await record(b))?.state === 'reported');
    const job = await waitFor('the job to complete', async () => {
      const found = await b.deps.queues.createTicket.getJob(JOB_ID);
      return (await found?.isCompleted()) === true ? found : undefined;
    });
    const jiraCalls = peers.jira.requests.length;

    await job.retry('completed');
    const again = await waitFor('the run again to complete', async () => {
      const found = await b.deps.queues.createTicket.getJob(JOB_ID);
      return found?.finishedOn !== undefined && (await found.isCompleted()) ? found : undefined;
    });
    expect(again.returnvalue).toEqual({ skipped: 'the outcome is already decided (errored); no ticket is opened for it' });
    expect(peers.jira.requests.length).toBe(jiraCalls);
    expect(peers.callbacksTo(token)).toHaveLength(1);
  });
});

describe('jobs.onCreateFailure: hold keeps the task waiting', () => {
  it('sends nothing, notes why in the history, counts it, and a redelivery from C1 re-queues the held job into one ticket', async () => {
    const b = await peers.bridge(jobs({ onCreateFailure: 'hold' }));
    peers.jira.inject([{ status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    const { body, token } = peers.grant();
    await b.deliver(body);
    await waitFor('the job to fail', async () => (await b.deps.queues.createTicket.getFailedCount()) === 1);

    const held = await record(b);
    expect(held?.state).toBe('received');
    expect(held?.history.map((entry) => entry.event)).toEqual(['received', 'create_held']);
    expect(held?.history[1]?.detail).toBe('Jira create issue: Jira refused with 400: summary: Field customfield_1 is required');
    expect(await metric(b, 'held')).toBe(1);
    expect(await metric(b, 'reported')).toBe(0);
    expect(b.logs.find((line) => line['msg'] === 'ticket not created; held for replay-failed or a redelivery')).toMatchObject({ level: 40 });
    expect(peers.callbacksTo(token)).toHaveLength(0);

    // C1 redelivers the step (a new token, same task and step): the failed job goes back to waiting, under its id.
    expect((await b.deliver(body)).statusCode).toBe(202);
    await waitFor('the ticket', async () => (await record(b))?.state === 'ticket_created');
    expect(peers.jira.issues.size).toBe(1);
    expect(await b.deps.queues.createTicket.getFailedCount()).toBe(0);
    expect(b.logs.find((line) => line['msg'] === 'redelivery of a held step: its create-ticket job is waiting again')).toMatchObject({ taskId: TASK, requeued: true });

    // A further redelivery finds the ticket and enqueues nothing.
    await b.deliver(body);
    expect(peers.jira.issues.size).toBe(1);
    expect(creates()).toHaveLength(2);
  });

  it('a resent token of a held step (the same delivery again) does not re-queue it', async () => {
    const b = await peers.bridge(jobs({ onCreateFailure: 'hold' }));
    peers.jira.inject([{ status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    const { body } = peers.grant();
    const bytes = JSON.stringify(body);
    const signed = await peers.c1.sign(bytes, 'bridge.acme.example', 'https://bridge.acme.example/webhooks/conductorone');
    await b.deliver(bytes, { token: signed });
    await waitFor('the job to fail', async () => (await b.deps.queues.createTicket.getFailedCount()) === 1);
    expect((await b.deliver(bytes, { token: signed })).statusCode).toBe(202);
    expect(await b.deps.queues.createTicket.getFailedCount()).toBe(1);
    expect(creates()).toHaveLength(1);
  });
});
