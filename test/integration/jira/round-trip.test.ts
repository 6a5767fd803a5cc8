import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { listen, sendJson, type Listening } from '../../../src/sandbox/listen.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Json = Record<string, unknown>;
const SECRET = 'jira-webhook-secret-new';
const OLD_SECRET = 'jira-webhook-secret-old';

let c1: FakeConductorOne;
let jira: FakeJira;
let bridge: TestBridge | undefined;

function grant(options: { taskId?: string; callbackUrl?: string; appId?: string } = {}): Json {
  const body = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as {
    callbackUrl: string;
    payload: { taskView: { task: { id: string; type: { grant: { appId: string } } } }; expanded: Array<Json> };
  };
  body.payload.taskView.task.id = options.taskId ?? body.payload.taskView.task.id;
  // The fake C1 uses a callback URL up like C1 does, so each test gets its own.
  body.callbackUrl = options.callbackUrl ?? c1.callbackUrl(`token-${body.payload.taskView.task.id}-${randomUUID()}`);
  if (options.appId !== undefined) {
    body.payload.taskView.task.type.grant.appId = options.appId;
    const app = body.payload.expanded[0];
    if (app !== undefined) app['id'] = options.appId;
    if (app !== undefined) app['displayName'] = 'Okta';
  }
  return body as unknown as Json;
}

async function start(extra: Json = {}): Promise<TestBridge> {
  bridge = await startTestBridge({
    c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      // The fake's search index has no lag unless a test gives it one.
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: [SECRET, OLD_SECRET], indexLagSeconds: 0 },
      routes: [{ name: 'github', match: { appId: '2pQdAppGH' }, jira: { project: 'OPS', labels: ['access'] } }],
      jobs: { attempts: 5, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
      ...extra,
    },
  });
  await bridge.deps.startWorkers();
  return bridge;
}

async function postJiraEvent(b: TestBridge, event: Json, headers: Record<string, string> = {}) {
  const body = JSON.stringify(event);
  return b.app.inject({
    method: 'POST',
    url: '/webhooks/jira',
    payload: body,
    headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(body, SECRET), 'x-atlassian-webhook-identifier': '1234', ...headers },
  });
}

const okCallbacks = () => c1.callbacks.length;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  jira = await startFakeJira();
});
afterAll(async () => {
  await c1.close();
  await jira.close();
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  jira.reset();
  c1.callbacks.length = 0;
});

describe('Jira round trip', () => {
  it('a signed grant becomes one Jira issue; resolving it sends one complete callback and comments on the issue', async () => {
    const b = await start();
    expect((await b.deliver(grant())).statusCode).toBe(202);
    const issue = await waitFor('the Jira issue', () => jira.issues.get('OPS-1'));
    expect(issue.fields.summary).toBe('Grant GitHub / Org Admin for Jane Doe');
    expect(issue.fields.labels).toEqual(['access', 'c1-task-2pQdTask0001']);
    await waitFor('the record to hold the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');

    const response = await postJiraEvent(b, jira.transition('OPS-1', 'Done', 'done', 'Done'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted' });

    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    expect(callback.path).toMatch(/^\/api\/v1\/webhooks\/callback\/token-2pQdTask0001-/);
    const sent = JSON.parse(callback.body) as { version: string; complete: { comment: string } };
    expect(sent.version).toBe('v1');
    expect(sent.complete.comment).toContain('Jira issue OPS-1');
    expect(sent.complete.comment).toContain('status "Done", resolution "Done"');
    await waitFor('the ticket comment', () => jira.issues.get('OPS-1')?.comments[0]);
    expect(adfToText(jira.issues.get('OPS-1')?.comments[0]?.body)).toBe('The bridge reported this task to ConductorOne as complete.');
    // The history line follows Jira's answer to the comment: wait for it rather than race it.
    const record = await waitFor('the comment in the history', async () => {
      const found = await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
      return found?.history.at(-1)?.event === 'ticket_commented' ? found : undefined;
    });
    expect(record.state).toBe('reported');
    expect(record.history.map((h) => h.event)).toEqual(['received', 'ticket_created', 'outcome_decided', 'reported', 'ticket_commented']);
    expect(okCallbacks()).toBe(1);
    expect(jira.issues.size).toBe(1);
  });

  it("\"Won't Do\" produces an errored callback", async () => {
    const b = await start();
    await b.deliver(grant());
    await waitFor('the record to hold the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    expect((await postJiraEvent(b, jira.transition('OPS-1', 'Done', 'done', "Won't Do"))).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    expect(Object.keys(JSON.parse(callback.body) as Json)).toEqual(['version', 'errored']);
  });

  it('Jira answering 429 then 200, or 500 twice then 200, still makes exactly one issue', async () => {
    const b = await start();
    jira.inject([{ status: 429, retryAfterSeconds: 1 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    await b.deliver(grant({ taskId: 'taskRate' }));
    jira.inject([{ status: 500 }, { status: 500 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    await b.deliver(grant({ taskId: 'taskFlaky' }));
    await waitFor('both records to hold tickets', async () => {
      const [a, c] = await Promise.all([b.deps.correlationStore.get('taskRate', '2pQdStepProv'), b.deps.correlationStore.get('taskFlaky', '2pQdStepProv')]);
      return a?.state === 'ticket_created' && c?.state === 'ticket_created';
    }, 15_000);
    const labels = [...jira.issues.values()].map((issue) => issue.fields.labels.find((l) => l.startsWith('c1-task-')));
    expect(labels.sort()).toEqual(['c1-task-taskFlaky', 'c1-task-taskRate']);
  });

  it('a worker that dies between Jira\'s answer and the record write leaves exactly one issue', async () => {
    const b = await start();
    const store = b.deps.jobs.store;
    const real = store.markTicketCreated.bind(store);
    let crashes = 1;
    store.markTicketCreated = async (...args) => {
      if (crashes > 0) {
        crashes -= 1;
        throw new Error('simulated crash after the issue was created');
      }
      return real(...args);
    };
    await b.deliver(grant());
    const record = await waitFor('the record to hold the ticket', async () => {
      const r = await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
      return r?.state === 'ticket_created' ? r : undefined;
    });
    expect(record.fields['ticketKey']).toBe('OPS-1');
    expect(jira.issues.size).toBe(1);
    expect(jira.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/rest/api/3/issue') && !r.path.includes('comment'))).toHaveLength(1);
    expect(jira.requests.some((r) => r.path.startsWith('/rest/api/3/search/jql'))).toBe(true);
  });

  it('a callback answered 500 then 200 is retried once and succeeds once', async () => {
    const b = await start();
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    c1.failCallbacks(1, 500);
    await postJiraEvent(b, jira.transition('OPS-1', 'Done', 'done'));
    await waitFor('the record to be reported', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'reported');
    expect(c1.callbacks).toHaveLength(2);
    expect(c1.callbacks[0]?.body).toBe(c1.callbacks[1]?.body);
  });

  it('a callback URL on a foreign origin is refused and nothing is sent', async () => {
    const foreign: Listening = await listen((_request, response) => sendJson(response, 200, {}));
    const received: unknown[] = [];
    foreign.server.on('request', (request) => received.push(request.url));
    try {
      const b = await start();
      await b.deliver(grant({ callbackUrl: `${foreign.url}/api/v1/webhooks/callback/stolen` }));
      await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
      await postJiraEvent(b, jira.transition('OPS-1', 'Done', 'done'));
      const record = await waitFor('the refusal', async () => {
        const r = await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
        return r?.state === 'callback_failed' ? r : undefined;
      });
      expect(record.fields['callbackResult']).toContain('is not in conductorone.callbackOrigins');
      expect(received).toEqual([]);
      expect(c1.callbacks).toEqual([]);
      expect(b.logs.text()).not.toContain('stolen');
    } finally {
      await foreign.close();
    }
  });

  it('a Jira webhook with a bad signature is refused 401 and enqueues nothing; the old secret and X-Bridge-Token work', async () => {
    const b = await start();
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    const event = jira.transition('OPS-1', 'Done', 'done');
    const body = JSON.stringify(event);
    const bad = await postJiraEvent(b, event, { 'x-hub-signature': jira.sign(body, 'wrong-secret') });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: 'unauthorized', message: 'missing or invalid Jira webhook signature' });
    const unsigned = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(401);
    expect(await b.deps.queues.sendCallback.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, delayed: 0 });
    expect((await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state).toBe('ticket_created');

    const old = await postJiraEvent(b, event, { 'x-hub-signature': jira.sign(body, OLD_SECRET) });
    expect(old.statusCode).toBe(200);
    await waitFor('the outcome', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.fields['outcome']);
    const viaToken = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { 'content-type': 'application/json', 'x-bridge-token': SECRET } });
    expect(viaToken.json()).toMatchObject({ status: 'already_reported' });
  });

  it('a redelivered Jira event (three times) produces one callback', async () => {
    const b = await start();
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    const event = jira.transition('OPS-1', 'Done', 'done');
    const answers = await Promise.all([postJiraEvent(b, event), postJiraEvent(b, event), postJiraEvent(b, event)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    await waitFor('the record to be reported', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'reported');
    expect((await postJiraEvent(b, event)).json()).toMatchObject({ status: 'already_reported' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c1.callbacks).toHaveLength(1);
  });

  it('ignores issues the bridge did not open, and statuses that are not final', async () => {
    const b = await start();
    const foreign = { webhookEvent: 'jira:issue_updated', issue: { key: 'HR-9', fields: { status: { name: 'Done', statusCategory: { key: 'done' } }, resolution: null } } };
    expect((await postJiraEvent(b, foreign)).json()).toEqual({ status: 'ignored', reason: 'not a bridge ticket' });
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    expect((await postJiraEvent(b, jira.transition('OPS-1', 'In Progress', 'indeterminate'))).json()).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect((await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state).toBe('ticket_created');
    expect(c1.callbacks).toEqual([]);
  });

  it('reconciliation completes a task whose Jira webhook never came', async () => {
    const b = await start();
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 0, errors: 0 });
    jira.transition('OPS-1', 'Done', 'done', 'Done');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    await waitFor('the callback', () => c1.callbacks[0]);
    await waitFor('the record to be reported', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'reported');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 0, reported: 0, errors: 0 });
  });

  it('reconciliation runs on its own as a repeatable job', async () => {
    const b = await start({ reconcile: { intervalSeconds: 1 } });
    await b.deliver(grant());
    await waitFor('the ticket', async () => (await b.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    jira.transition('OPS-1', 'Done', 'done', 'Done');
    await waitFor('the callback', () => c1.callbacks[0], 8_000);
    expect(Object.keys(JSON.parse(c1.callbacks[0]?.body ?? '{}') as Json)).toEqual(['version', 'complete']);
  });

  it('a task no route accepts, with no defaultRoute, is reported errored saying so', async () => {
    const b = await start();
    await b.deliver(grant({ appId: 'appOkta' }));
    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    const sent = JSON.parse(callback.body) as { errored: { comment: string } };
    expect(sent.errored.comment).toContain('no route');
    expect(sent.errored.comment).toContain('Okta');
    expect(jira.issues.size).toBe(0);
  });
});
