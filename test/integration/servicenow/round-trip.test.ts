import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/desks/servicenow/fake-servicenow.ts';
import { crashOnceAfterCreate } from '../../helpers/servicenow-events.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Json = Record<string, unknown>;
const SECRET = 'sn-webhook-secret';
const TASK = '2pQdTask0002';
const STEP = '2pQdStepProv2';

let c1: FakeConductorOne;
let sn: FakeServiceNow;
let bridge: TestBridge | undefined;

function revoke(options: { taskId?: string } = {}): Json {
  const body = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-revoke.json', import.meta.url), 'utf8')) as {
    callbackUrl: string;
    payload: { taskView: { task: { id: string } } };
  };
  body.payload.taskView.task.id = options.taskId ?? TASK;
  body.callbackUrl = c1.callbackUrl(`sn-${randomUUID()}`);
  return body as unknown as Json;
}

async function start(table: 'sc_task' | 'incident' = 'sc_task'): Promise<TestBridge> {
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      servicenow: { instanceUrl: sn.url, username: 'bridge', password: 'sn-password', webhookSecret: SECRET },
      routes: [{ name: 'salesforce', match: { appName: 'Salesforce' }, servicenow: { table, fields: { assignment_group: 'IT Access {{ app.name }}' } } }],
      jobs: { attempts: 6, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
  return bridge;
}

function sign(body: string, encoding: 'base64' | 'hex' = 'base64', secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest(encoding)}`;
}

async function postEvent(b: TestBridge, event: Json, headers?: Record<string, string>) {
  const body = JSON.stringify(event);
  return b.app.inject({ method: 'POST', url: '/webhooks/servicenow', payload: body, headers: { 'content-type': 'application/json', ...(headers ?? { 'x-bridge-signature': sign(body) }) } });
}

async function ticketCreated(b: TestBridge, taskId = TASK) {
  await waitFor('the record to hold the ticket', async () => (await b.deps.correlationStore.get(taskId, STEP))?.state === 'ticket_created');
}

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  sn = await startFakeServiceNow();
});
afterAll(async () => {
  await c1.close();
  await sn.close();
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  sn.reset();
  c1.callbacks.length = 0;
});

describe('ServiceNow round trip', () => {
  it('a revoke routed to sc_task becomes one record with the task correlation and templated fields', async () => {
    const b = await start();
    expect((await b.deliver(revoke())).statusCode).toBe(202);
    await ticketCreated(b);
    const records = [...(sn.tables.get('sc_task')?.values() ?? [])];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      correlation_id: `${TASK}:${STEP}`,
      correlation_display: 'ConductorOne',
      short_description: 'Revoke Salesforce / System Administrator for Jane Doe',
      assignment_group: 'IT Access Salesforce',
      number: 'SCTASK0010001',
    });
    expect(records[0]?.['description']).toContain('REVOKE the access');
  });

  it.each([
    [3, 'complete'],
    [4, 'errored'],
    [7, 'errored'],
  ] as const)('sc_task state %i reports %s, and a work note follows', async (state, outcome) => {
    const b = await start();
    await b.deliver(revoke());
    await ticketCreated(b);
    const record = sn.find('sc_task', () => true);
    if (record === undefined) throw new Error('no record');
    const answer = await postEvent(b, sn.setState('sc_task', record.sys_id, state, 'done by hand'));
    expect(answer.json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    expect(Object.keys(JSON.parse(callback.body) as Json)).toEqual(['version', outcome]);
    await waitFor('the work note', () => sn.workNotes.get(record.sys_id)?.[0]);
    expect(sn.workNotes.get(record.sys_id)).toEqual([`The bridge reported this task to ConductorOne as ${outcome}.`]);
  });

  it.each([
    [6, 'complete'],
    [7, 'complete'],
    [8, 'errored'],
  ] as const)('incident state %i reports %s', async (state, outcome) => {
    const b = await start('incident');
    await b.deliver(revoke());
    await ticketCreated(b);
    const record = sn.find('incident', () => true);
    if (record === undefined) throw new Error('no record');
    expect((await postEvent(b, sn.setState('incident', record.sys_id, state))).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    expect(Object.keys(JSON.parse(callback.body) as Json)).toEqual(['version', outcome]);
  });

  it('a state that is not final is ignored', async () => {
    const b = await start();
    await b.deliver(revoke());
    await ticketCreated(b);
    const record = sn.find('sc_task', () => true);
    if (record === undefined) throw new Error('no record');
    expect((await postEvent(b, sn.setState('sc_task', record.sys_id, 2))).json()).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect((await b.deps.correlationStore.get(TASK, STEP))?.state).toBe('ticket_created');
    expect(c1.callbacks).toEqual([]);
  });

  it('a bad signature is refused 401 and enqueues nothing; base64, hex and X-Bridge-Token are accepted', async () => {
    const b = await start();
    await b.deliver(revoke());
    await ticketCreated(b);
    const record = sn.find('sc_task', () => true);
    if (record === undefined) throw new Error('no record');
    const event = sn.setState('sc_task', record.sys_id, 3);
    const body = JSON.stringify(event);
    const bad = await postEvent(b, event, { 'x-bridge-signature': sign(body, 'base64', 'wrong') });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: 'unauthorized', message: 'missing or invalid ServiceNow signature' });
    expect((await postEvent(b, event, {})).statusCode).toBe(401);
    expect(await b.deps.queues.sendCallback.count()).toBe(0);
    expect((await b.deps.correlationStore.get(TASK, STEP))?.state).toBe('ticket_created');

    expect((await postEvent(b, event, { 'x-bridge-signature': sign(body, 'hex') })).json()).toMatchObject({ status: 'accepted' });
    await waitFor('the outcome', async () => (await b.deps.correlationStore.get(TASK, STEP))?.fields['outcome']);
    expect((await postEvent(b, event, { 'x-bridge-signature': sign(body, 'base64') })).json()).toMatchObject({ status: 'already_reported' });
    expect((await postEvent(b, event, { 'x-bridge-token': SECRET })).json()).toMatchObject({ status: 'already_reported' });
  });

  it('an unknown correlation_id is answered 200, ignored and logged', async () => {
    const b = await start();
    const answer = await postEvent(b, { table: 'sc_task', sys_id: 'a'.repeat(32), number: 'SCTASK0099999', state: '3', correlation_id: 'someone-else', close_notes: '' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'ignored', reason: 'not a bridge ticket' });
    expect(b.logs.find((line) => line['msg'] === 'servicenow event for a record the bridge did not open: ignored')).toMatchObject({ correlationId: 'someone-else' });
  });

  it('a hibernating instance (HTML with 200) and a 429 are retried, and make one record', async () => {
    const b = await start();
    sn.inject([{ kind: 'hibernating' }, { kind: 'status', status: 429, retryAfterSeconds: 1 }]);
    await b.deliver(revoke());
    await waitFor('the record to hold the ticket', async () => (await b.deps.correlationStore.get(TASK, STEP))?.state === 'ticket_created', 15_000);
    expect(sn.tables.get('sc_task')?.size).toBe(1);
    expect(b.logs.text()).toContain('is the instance hibernating?');
  });

  it('a crash between the create and the record write finds the record by correlation_id: no duplicate', async () => {
    const b = await start();
    crashOnceAfterCreate(b);
    await b.deliver(revoke());
    await ticketCreated(b);
    expect(sn.tables.get('sc_task')?.size).toBe(1);
    expect(sn.requests.some((r) => r.method === 'GET' && r.path.includes('sysparm_query=correlation_id'))).toBe(true);
  });

  it('reconciliation completes a ServiceNow task whose event never came', async () => {
    const b = await start();
    await b.deliver(revoke());
    await ticketCreated(b);
    const record = sn.find('sc_task', () => true);
    if (record === undefined) throw new Error('no record');
    sn.setState('sc_task', record.sys_id, 3);
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    const callback = await waitFor('the callback', () => c1.callbacks[0]);
    expect((JSON.parse(callback.body) as { complete: { comment: string } }).complete.comment).toContain('ServiceNow record SCTASK0010001');
  });
});
