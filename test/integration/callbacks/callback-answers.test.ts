/**
 * How send-callback treats each kind of answer from ConductorOne's callback endpoint (contract §5): 2xx reported,
 * 408/429/5xx and no answer retried, any other answer (C1's 400 for a used or expired URL, a redirect) failed for
 * good and never retried or followed. A task no route accepts is reported errored at once, so no desk is involved.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorrelationRecord } from '../../../src/store/correlation-store.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { listen, sendJson, type Listening, type RecordedRequest } from '../../../src/sandbox/listen.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const STEP = '2pQdStepProv';
const ATTEMPTS = 4;

let c1: FakeConductorOne;
let bridge: TestBridge;
/** A second C1-like origin whose answers each test scripts: `answer` decides the reply to each callback. */
let scripted: Listening;
let answer: (request: RecordedRequest, response: ServerResponse, nth: number) => void = (_r, response) => sendJson(response, 200, {});
const received: RecordedRequest[] = [];

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  scripted = await listen((request, response) => {
    received.push(request);
    answer(request, response, received.filter((r) => r.path === request.path).length);
  });
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url, scripted.url, 'https://acme.conductor.one'] },
      jobs: { attempts: ATTEMPTS, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await scripted.close();
  await c1.close();
});

/** Delivers a grant that no route accepts (so it is reported errored at once) with this callback URL. */
async function deliver(callbackUrl: string): Promise<string> {
  const fixture = loadFixture('provision-grant');
  const taskId = `cb-${randomUUID().slice(0, 8)}`;
  fixture.payload.taskView.task.id = taskId;
  fixture.callbackUrl = callbackUrl;
  expect((await bridge.deliver(fixture)).statusCode).toBe(202);
  return taskId;
}

/** Waits until the step's send-callback job has finished for good, and gives its state with the record. */
async function settled(taskId: string): Promise<{ job: string; attempts: number; record: CorrelationRecord }> {
  const job = await waitFor('the send-callback job', () => bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}`));
  const state = await waitFor('the send-callback job to finish', async () => {
    const now = await job.getState();
    return now === 'completed' || now === 'failed' ? now : undefined;
  });
  const fresh = await bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}`);
  const record = await bridge.deps.correlationStore.get(taskId, STEP);
  if (record === undefined) throw new Error(`no record for ${taskId}`);
  return { job: state, attempts: fresh?.attemptsMade ?? 0, record };
}

const callsTo = (path: string) => received.filter((request) => request.path === path);
const pathOf = (url: string) => new URL(url).pathname;

async function callbackCount(labels: { result: string; outcome: string }): Promise<number> {
  const metric = await bridge.deps.metrics.callbacks.get();
  return metric.values.find((v) => v.labels['result'] === labels.result && v.labels['outcome'] === labels.outcome)?.value ?? 0;
}

describe('send-callback: answers that end the step', () => {
  it.each([200, 204, 299])('a %d answer is reported after one POST of {"version":"v1","errored":{comment}}', async (status) => {
    answer = (_request, response) => sendJson(response, status, {});
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const delivered = await callbackCount({ result: 'delivered', outcome: 'errored' });
    const { job, record } = await settled(await deliver(url));
    expect(job).toBe('completed');
    expect(record.state).toBe('reported');
    expect(record.fields['callbackResult']).toBe(`errored: ConductorOne answered ${status.toString()}`);
    const [call, ...more] = callsTo(pathOf(url));
    expect(more).toEqual([]);
    expect(call?.method).toBe('POST');
    expect(call?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(call?.body ?? '{}') as { version: string; errored: { comment: string } };
    expect(Object.keys(sent)).toEqual(['version', 'errored']);
    expect(sent.version).toBe('v1');
    expect(sent.errored.comment).toContain('no route');
    expect(record.history.find((h) => h.event === 'reported')?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await bridge.deps.queues.sendCallback.getJob(`${record.taskId}|${STEP}`))?.returnvalue).toEqual({ sent: true, status });
    expect(bridge.logs.find((line) => line['msg'] === 'callback delivered' && line['taskId'] === record.taskId)).toMatchObject({ outcome: 'errored', status });
    expect(await callbackCount({ result: 'delivered', outcome: 'errored' })).toBe(delivered + 1);
  });

  it.each([400, 401, 404, 409, 410, 499])('a %d answer is failed for good after one POST, recorded with the answer, never retried', async (status) => {
    answer = (_request, response) => sendJson(response, status, { code: 3, message: 'callback already used or expired' });
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const failed = await callbackCount({ result: 'failed', outcome: 'errored' });
    const { job, attempts, record } = await settled(await deliver(url));
    expect(job).toBe('failed');
    expect(attempts).toBe(1);
    expect(callsTo(pathOf(url))).toHaveLength(1);
    expect(record.state).toBe('callback_failed');
    expect(record.fields['callbackResult']).toBe(`ConductorOne answered ${status.toString()}: {"code":3,"message":"callback already used or expired"}`);
    expect(bridge.logs.find((line) => line['msg'] === 'callback refused; not retried' && line['taskId'] === record.taskId)).toMatchObject({
      level: 50,
      status,
      outcome: 'errored',
      answer: '{"code":3,"message":"callback already used or expired"}',
    });
    expect(await callbackCount({ result: 'failed', outcome: 'errored' })).toBe(failed + 1);
  });

  it("keeps at most 1,000 characters of C1's answer in the record", async () => {
    answer = (_request, response) => {
      response.statusCode = 400;
      response.end('e'.repeat(5_000));
    };
    const { record } = await settled(await deliver(`${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`));
    expect(record.fields['callbackResult']).toBe(`ConductorOne answered 400: ${'e'.repeat(1_000)}`);
  });

  it("C1's own 400 for a used URL (the fake C1 uses a URL up like C1 does) is not retried", async () => {
    const url = c1.callbackUrl(`used-${randomUUID()}`);
    await fetch(url, { method: 'POST', body: '{}' });
    const before = c1.callbacks.length;
    const { attempts, record } = await settled(await deliver(url));
    expect(attempts).toBe(1);
    expect(c1.callbacks.length - before).toBe(1);
    expect(record.state).toBe('callback_failed');
    expect(record.fields['callbackResult']).toMatch(/^ConductorOne answered 400: /);
  });

  it('a redirect is not followed: the target gets nothing and the step is failed with the 3xx', async () => {
    const target = await listen((_request, response) => sendJson(response, 200, {}));
    const reached: RecordedRequest[] = [];
    target.server.on('request', (request: { url?: string }) => reached.push({ path: request.url ?? '' } as RecordedRequest));
    try {
      for (const status of [300, 302, 307, 308]) {
        answer = (_request, response) => {
          response.statusCode = status;
          response.setHeader('location', `${target.url}/api/v1/webhooks/callback/forwarded`);
          response.end();
        };
        const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
        const { attempts, record } = await settled(await deliver(url));
        expect(attempts).toBe(1);
        expect(record.state).toBe('callback_failed');
        expect(record.fields['callbackResult']).toMatch(new RegExp(`^ConductorOne answered ${status.toString()}: `));
      }
      expect(reached).toEqual([]);
    } finally {
      await target.close();
    }
  });
});

describe('send-callback: answers that are retried', () => {
  it.each([408, 429, 500, 502, 503])('a %d answer is retried and the second POST, answered 200, reports the step', async (status) => {
    answer = (_request, response, nth) => (nth === 1 ? sendJson(response, status, { code: 14, message: 'unavailable' }) : sendJson(response, 200, {}));
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const retried = await callbackCount({ result: 'retry', outcome: 'errored' });
    const { job, attempts, record } = await settled(await deliver(url));
    expect(job).toBe('completed');
    expect(attempts).toBe(2);
    const calls = callsTo(pathOf(url));
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).toBe(calls[0]?.body);
    expect(record.state).toBe('reported');
    expect(await callbackCount({ result: 'retry', outcome: 'errored' })).toBe(retried + 1);
  });

  it("a 429's Retry-After decides when the retry comes, instead of the backoff", async () => {
    answer = (_request, response, nth) => {
      if (nth > 1) return sendJson(response, 200, {});
      response.setHeader('retry-after', '2');
      return sendJson(response, 429, { code: 8, message: 'slow down' });
    };
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const taskId = await deliver(url);
    const job = await waitFor('the job to wait for its retry', async () => {
      // The state first, then the job: a job read before its move to delayed still carries no delay.
      const queue = bridge.deps.queues.sendCallback;
      if ((await queue.getJobState(`${taskId}|${STEP}`)) !== 'delayed') return undefined;
      return queue.getJob(`${taskId}|${STEP}`);
    });
    // BullMQ keeps the delay it was given for the retry: Retry-After's 2 s, where the backoff alone gives 5–10 ms.
    expect(job.delay).toBe(2_000);
    expect(job.failedReason).toBe('callback answered 429');
    const { record } = await settled(taskId);
    expect(record.state).toBe('reported');
  });

  it('no answer at all (the connection dropped before an answer) is retried', async () => {
    answer = (_request, response, nth) => (nth === 1 ? response.socket?.destroy() : sendJson(response, 200, {}));
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const { attempts, record } = await settled(await deliver(url));
    expect(attempts).toBe(2);
    expect(callsTo(pathOf(url))).toHaveLength(2);
    expect(record.state).toBe('reported');
  });

  it('a 5xx every time uses every attempt and never records the step as reported', async () => {
    answer = (_request, response) => sendJson(response, 503, { code: 14, message: 'unavailable' });
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const { job, attempts, record } = await settled(await deliver(url));
    expect(job).toBe('failed');
    expect(attempts).toBe(ATTEMPTS);
    expect(callsTo(pathOf(url))).toHaveLength(ATTEMPTS);
    expect(record.state).not.toBe('reported');
    const failedJob = await bridge.deps.queues.sendCallback.getJob(`${record.taskId}|${STEP}`);
    expect(failedJob?.failedReason).toBe('callback answered 503');
    expect(failedJob?.stacktrace?.[0]).toMatch(/^CallbackRetryError: callback answered 503\n/);
  });

  it('no answer every time uses every attempt, each counted as a retry, and says so in the job', async () => {
    answer = (_request, response) => response.socket?.destroy();
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const retried = await callbackCount({ result: 'retry', outcome: 'errored' });
    const { job, attempts, record } = await settled(await deliver(url));
    expect(job).toBe('failed');
    expect(attempts).toBe(ATTEMPTS);
    expect(record.state).not.toBe('reported');
    expect((await bridge.deps.queues.sendCallback.getJob(`${record.taskId}|${STEP}`))?.failedReason).toMatch(/^callback did not get an answer: \S/);
    expect(await callbackCount({ result: 'retry', outcome: 'errored' })).toBe(retried + ATTEMPTS);
  });
});

describe('send-callback: the callback URL must be on an allowed origin', () => {
  it.each([
    ['a host that only starts like the tenant', 'https://acme.conductor.one.evil.com/api/v1/webhooks/callback/t', 'https://acme.conductor.one.evil.com'],
    ['the tenant as user name before another host', 'https://acme.conductor.one@evil.example/api/v1/webhooks/callback/t', 'https://evil.example'],
    ['credentials on the allowed host', 'https://user:pass@acme.conductor.one/api/v1/webhooks/callback/t', 'https://acme.conductor.one'],
    ['the tenant on another port', 'https://acme.conductor.one:8443/api/v1/webhooks/callback/t', 'https://acme.conductor.one:8443'],
    ['the tenant over plain http', 'http://acme.conductor.one/api/v1/webhooks/callback/t', 'http://acme.conductor.one'],
  ])('%s is refused, recorded and logged, and nothing is sent', async (_name, url, origin) => {
    const refused = await callbackCount({ result: 'refused', outcome: 'errored' });
    const before = received.length;
    const { job, attempts, record } = await settled(await deliver(url));
    expect(job).toBe('failed');
    expect(attempts).toBe(1);
    expect(record.state).toBe('callback_failed');
    expect(record.fields['callbackResult']).toBe(`refused: the callback URL's origin ${origin} is not in conductorone.callbackOrigins`);
    expect(bridge.logs.find((line) => line['msg'] === 'callback refused: foreign origin' && line['taskId'] === record.taskId)).toMatchObject({
      level: 50,
      origin,
      allowed: [c1.url, scripted.url, 'https://acme.conductor.one'],
    });
    expect(received.length).toBe(before);
    expect(await callbackCount({ result: 'refused', outcome: 'errored' })).toBe(refused + 1);
    expect(bridge.logs.text()).not.toContain('/api/v1/webhooks/callback/t');
  });
});

describe('send-callback: jobs that must not send anything', () => {
  it('a step already reported is not called back again, even by another job for it', async () => {
    answer = (_request, response) => sendJson(response, 200, {});
    const url = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    const taskId = await deliver(url);
    expect((await settled(taskId)).record.state).toBe('reported');
    const again = await bridge.deps.queues.sendCallback.add('send-callback', { taskId, stepId: STEP }, { jobId: `${taskId}|${STEP}|again` });
    await waitFor('the second job to finish', async () => ((await again.getState()) === 'completed' ? true : undefined));
    expect((await bridge.deps.queues.sendCallback.getJob(`${taskId}|${STEP}|again`))?.returnvalue).toEqual({ sent: false, reason: 'already reported' });
    expect(callsTo(pathOf(url))).toHaveLength(1);
  });

  it('a job for a step with no record, or with no outcome yet, fails for good at once and sends nothing', async () => {
    const before = received.length;
    const ghost = await bridge.deps.queues.sendCallback.add('send-callback', { taskId: 'ghost-task', stepId: STEP }, { jobId: `ghost-${randomUUID()}` });
    // A record still waiting for its ticket: delivered, but its create-ticket job is gone, so nothing decides it.
    const fixture = loadFixture('provision-grant');
    const taskId = `undecided-${randomUUID().slice(0, 8)}`;
    fixture.payload.taskView.task.id = taskId;
    fixture.callbackUrl = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    await bridge.deps.queues.createTicket.pause();
    try {
      expect((await bridge.deliver(fixture)).statusCode).toBe(202);
      const early = await bridge.deps.queues.sendCallback.add('send-callback', { taskId, stepId: STEP }, { jobId: `early-${randomUUID()}` });
      for (const [job, reason] of [
        [ghost, `no record for task ghost-task step ${STEP}`],
        [early, `task ${taskId} step ${STEP} has no outcome yet`],
      ] as const) {
        await waitFor('the job to fail', async () => ((await job.getState()) === 'failed' ? true : undefined));
        const failed = await bridge.deps.queues.sendCallback.getJob(job.id ?? '');
        expect(failed?.failedReason).toBe(reason);
        expect(failed?.attemptsMade).toBe(1);
      }
      expect(received.length).toBe(before);
    } finally {
      await bridge.deps.queues.createTicket.resume();
    }
  });

  it('a callback URL that is no URL at all is refused as such', async () => {
    const fixture = loadFixture('provision-grant');
    const taskId = `unparsable-${randomUUID().slice(0, 8)}`;
    fixture.payload.taskView.task.id = taskId;
    fixture.callbackUrl = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    await bridge.deps.queues.createTicket.pause();
    try {
      expect((await bridge.deliver(fixture)).statusCode).toBe(202);
      // What a record damaged by hand would hold: the payload's schema never lets such a URL in.
      await bridge.redis.hset(`${bridge.prefix}:task:${taskId}:${STEP}`, 'callbackUrl', 'no url at all');
      await bridge.deps.correlationStore.decideOutcome(taskId, STEP, 'complete', 'done', new Date().toISOString());
      const job = await bridge.deps.queues.sendCallback.add('send-callback', { taskId, stepId: STEP }, { jobId: `unparsable-${randomUUID()}` });
      await waitFor('the job to fail', async () => ((await job.getState()) === 'failed' ? true : undefined));
      const record = await bridge.deps.correlationStore.get(taskId, STEP);
      expect(record?.state).toBe('callback_failed');
      expect(record?.fields['callbackResult']).toBe("refused: the callback URL's origin an unparsable URL is not in conductorone.callbackOrigins");
    } finally {
      await bridge.deps.queues.createTicket.resume();
    }
  });

  it('a ticket in a desk this bridge has no section for gets no comment, and the report stands', async () => {
    answer = (_request, response) => sendJson(response, 200, {});
    const fixture = loadFixture('provision-grant');
    const taskId = `nodesk-${randomUUID().slice(0, 8)}`;
    fixture.payload.taskView.task.id = taskId;
    fixture.callbackUrl = `${scripted.url}/api/v1/webhooks/callback/${randomUUID()}`;
    await bridge.deps.queues.createTicket.pause();
    try {
      expect((await bridge.deliver(fixture)).statusCode).toBe(202);
      const at = new Date().toISOString();
      await bridge.deps.correlationStore.markTicketCreated(taskId, STEP, { system: 'servicenow', key: 'SCTASK0099', id: 'sys1', url: '', container: 'sc_task' }, at);
      await bridge.deps.correlationStore.decideOutcome(taskId, STEP, 'complete', 'done', at);
      const job = await bridge.deps.queues.sendCallback.add('send-callback', { taskId, stepId: STEP }, { jobId: `nodesk-${randomUUID()}` });
      await waitFor('the job to finish', async () => ((await job.getState()) === 'completed' ? true : undefined));
      const record = await bridge.deps.correlationStore.get(taskId, STEP);
      expect(record?.state).toBe('reported');
      expect(record?.history.map((entry) => entry.event)).toEqual(['received', 'ticket_created', 'outcome_decided', 'reported']);
      expect(bridge.logs.find((line) => line['msg'] === 'could not comment on the ticket' && line['taskId'] === taskId)).toBeUndefined();
    } finally {
      await bridge.deps.queues.createTicket.resume();
    }
  });
});
