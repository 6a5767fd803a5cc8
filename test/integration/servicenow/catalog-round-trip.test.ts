import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { crashOnceAfterCreate, createFailure, postServiceNowEvent, SN_WEBHOOK_SECRET, ticketOnRecord, useServiceNowPeers } from '../../helpers/servicenow-events.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Json = Record<string, unknown>;
const SECRET = SN_WEBHOOK_SECRET;
const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';
const ITEM = 'Access request';

const fakes = useServiceNowPeers();

function grant(options: { email?: string; taskId?: string } = {}): Json {
  const body = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as {
    callbackUrl: string;
    payload: { taskView: { task: { id: string } }; expanded: Array<Record<string, unknown>> };
  };
  if (options.taskId !== undefined) body.payload.taskView.task.id = options.taskId;
  if (options.email !== undefined) for (const entry of body.payload.expanded) if (entry['email'] === 'jane.doe@acme.com') entry['email'] = options.email;
  body.callbackUrl = fakes.c1.callbackUrl(`sn-${randomUUID()}`);
  return body as unknown as Json;
}

async function start(servicenow: Json = {}, route: Json = {}): Promise<TestBridge> {
  const bridge = await startTestBridge({
    c1: fakes.c1,
    config: {
      conductorone: { tenant: fakes.c1.tenant, jwksUrl: fakes.c1.jwksUrl, callbackOrigins: [fakes.c1.url] },
      servicenow: { instanceUrl: fakes.desk.url, username: 'bridge', password: 'sn-password', webhookSecret: SECRET, ...servicenow },
      routes: [
        {
          name: 'github-catalog',
          match: { appName: 'GitHub' },
          servicenow: { catalogItem: ITEM, variables: { application: '{{ app.name }}', access: '{{ entitlement.name }}' }, requestedFor: 'subject', ...route },
        },
      ],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  fakes.bridge = bridge;
  await bridge.deps.startWorkers();
  return bridge;
}

const postEvent = postServiceNowEvent;
const ticketCreated = (b: TestBridge) => ticketOnRecord(b, TASK, STEP);

function ritm() {
  const found = fakes.desk.find('sc_req_item', () => true);
  if (found === undefined) throw new Error('no requested item');
  return found;
}

let jane = '';
function seed() {
  fakes.desk.catalog.addItem(ITEM, [{ name: 'application', mandatory: true }, { name: 'access', mandatory: true }, { name: 'justification' }]);
  jane = fakes.desk.catalog.addUser({ email: 'jane.doe@acme.com', name: 'Jane Doe' });
}

describe('ServiceNow catalog orders', () => {
  it('a grant orders the catalog item for the user, marks REQ and RITM, and tracks the RITM', async () => {
    seed();
    const b = await start();
    expect((await b.deliver(grant())).statusCode).toBe(202);
    await ticketCreated(b);
    expect(fakes.desk.catalog.orders).toHaveLength(1);
    expect(fakes.desk.catalog.orders[0]?.body).toEqual({ sysparm_quantity: 1, sysparm_requested_for: jane, variables: { application: 'GitHub', access: 'Org Admin' } });
    const item = ritm();
    expect(fakes.desk.catalog.variablesOf(item.sys_id)).toEqual({ application: 'GitHub', access: 'Org Admin' });
    expect(item).toMatchObject({ correlation_id: `${TASK}:${STEP}`, correlation_display: 'ConductorOne', requested_for: jane });
    expect(item['description']).toContain('ConductorOne asks for this access change');
    const request = fakes.desk.find('sc_request', () => true);
    expect(request).toMatchObject({ number: 'REQ0010001', correlation_id: `${TASK}:${STEP}`, correlation_display: 'ConductorOne' });
    const record = await b.deps.correlationStore.get(TASK, STEP);
    expect(record?.fields).toMatchObject({ ticketKey: 'RITM0010002', ticketContainer: 'sc_req_item', ticketRequest: 'REQ0010001', ticketId: item.sys_id });
    expect(record?.history.map((h) => h.detail)).toContain('servicenow RITM0010002 of request REQ0010001');
  });

  it('two-step checkout: order_now answers a cart id, and the cart is submitted', async () => {
    seed();
    fakes.desk.twoStepCheckout = true;
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    const paths = fakes.desk.requests.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(paths).toEqual([expect.stringMatching(/^\/api\/sn_sc\/servicecatalog\/items\/[0-9a-f]{32}\/order_now$/), '/api/sn_sc/servicecatalog/cart/submit_order']);
    expect(fakes.desk.tables.get('sc_request')?.size).toBe(1);
    expect(ritm().correlation_id).toBe(`${TASK}:${STEP}`);
  });

  it('RITM closed complete reports complete, naming RITM and REQ, and leaves a work note', async () => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    const item = ritm();
    expect((await postEvent(b, fakes.desk.setState('sc_req_item', item.sys_id, 3, 'granted', 'complete'))).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => fakes.c1.callbacks[0]);
    const comment = (JSON.parse(callback.body) as { complete: { comment: string } }).complete.comment;
    expect(comment).toContain('ServiceNow record RITM0010002 of request REQ0010001');
    await waitFor('the work note', () => fakes.desk.workNotes.get(item.sys_id)?.[0]);
  });

  it.each([
    ['closed incomplete', 4, 'fulfillment'],
    ['closed skipped', 7, 'fulfillment'],
    ['closed complete with a cancelled stage', 3, 'Request Cancelled'],
  ] as const)('RITM %s reports errored', async (_name, state, stage) => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    expect((await postEvent(b, fakes.desk.setState('sc_req_item', ritm().sys_id, state, '', stage))).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => fakes.c1.callbacks[0]);
    expect(Object.keys(JSON.parse(callback.body) as Json)).toEqual(['version', 'errored']);
  });

  it('reconciliation reads state and stage from ServiceNow: closed complete but cancelled is errored', async () => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    fakes.desk.setState('sc_req_item', ritm().sys_id, 3, '', 'Request Cancelled');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    const callback = await waitFor('the callback', () => fakes.c1.callbacks[0]);
    expect((JSON.parse(callback.body) as { errored: { comment: string } }).errored.comment).toContain('Closed Complete (3), stage Request Cancelled');
  });

  it('configured cancelledStages replace the default rule', async () => {
    seed();
    const b = await start({ cancelledStages: ['withdrawn'] });
    await b.deliver(grant());
    await ticketCreated(b);
    expect((await postEvent(b, fakes.desk.setState('sc_req_item', ritm().sys_id, 3, '', 'withdrawn'))).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => fakes.c1.callbacks[0]);
    expect(Object.keys(JSON.parse(callback.body) as Json)).toEqual(['version', 'errored']);
  });

  it('an event is a hint: the RITM\'s state and stage are read from ServiceNow, whatever the event says', async () => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    const { stage: _stage, ...event } = fakes.desk.setState('sc_req_item', ritm().sys_id, 3, '', 'Request Cancelled');
    expect((await postEvent(b, { ...event, state: '3' })).json()).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => fakes.c1.callbacks[0]);
    expect((JSON.parse(callback.body) as { errored: { comment: string } }).errored.comment).toContain('Closed Complete (3), stage Request Cancelled');
  });

  it('a user not in sys_user: ordered for the bridge\'s account, with a note and a log line, never a failed task', async () => {
    seed();
    const b = await start();
    await b.deliver(grant({ email: 'nobody@acme.com' }));
    await ticketCreated(b);
    expect(fakes.desk.catalog.orders[0]?.body).toEqual({ sysparm_quantity: 1, variables: { application: 'GitHub', access: 'Org Admin' } });
    expect(ritm().requested_for).toBe(fakes.desk.catalog.bridgeUserId);
    expect(ritm()['description']).toContain('Requested for Jane Doe <nobody@acme.com>: no active ServiceNow user has the email nobody@acme.com, so this record is requested for the bridge\'s account.');
    expect(b.logs.find((line) => line['msg'] === 'requested-for user not found in ServiceNow: the record is requested for the bridge\'s account')).toMatchObject({ taskId: TASK });
  });

  it('the user is looked up once and then cached', async () => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    await b.deliver(grant({ taskId: '2pQdTask0009' }));
    await waitFor('the second ticket', async () => (await b.deps.correlationStore.get('2pQdTask0009', STEP))?.state === 'ticket_created');
    expect(fakes.desk.catalog.orders.map((order) => order.body['sysparm_requested_for'])).toEqual([jane, jane]);
    expect(fakes.desk.requests.filter((r) => r.path.startsWith('/api/now/table/sys_user')).length).toBe(1);
  });

  it('a crash between the order and the record write finds the RITM (and its REQ) by correlation_id: no second order', async () => {
    seed();
    const b = await start();
    crashOnceAfterCreate(b);
    await b.deliver(grant());
    await ticketCreated(b);
    expect(fakes.desk.catalog.orders).toHaveLength(1);
    expect((await b.deps.correlationStore.get(TASK, STEP))?.fields).toMatchObject({ ticketKey: 'RITM0010002', ticketRequest: 'REQ0010001' });
  });

  it('a RITM event with a stage that is not text is refused 400 and decides nothing', async () => {
    seed();
    const b = await start();
    await b.deliver(grant());
    await ticketCreated(b);
    const answer = await postEvent(b, { ...fakes.desk.setState('sc_req_item', ritm().sys_id, 3, '', 'complete'), stage: 5 });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'invalid_payload', message: expect.stringContaining('stage') });
    expect(await b.deps.queues.sendCallback.count()).toBe(0);
    expect((await b.deps.correlationStore.get(TASK, STEP))?.state).toBe('ticket_created');
  });

  it('an unknown catalog item fails the create with ServiceNow\'s words, reported errored, and orders nothing', async () => {
    seed();
    const b = await start({}, { catalogItem: 'No such item' });
    await b.deliver(grant());
    const reason = 'ServiceNow has no catalog item named "No such item" that the bridge\'s account may order';
    expect(await createFailure(b)).toBe(reason);
    const callback = await waitFor('the errored callback', () => fakes.c1.callbacks[0]);
    expect((JSON.parse(callback.body) as { errored: { comment: string } }).errored.comment).toContain(reason);
    expect(fakes.desk.catalog.orders).toHaveLength(0);
    expect(fakes.desk.tables.get('sc_request')?.size ?? 0).toBe(0);
  });
});

describe('requested for on Table API routes', () => {
  it.each([
    ['incident', undefined, 'caller_id'],
    ['sc_task', undefined, 'opened_for'],
    ['incident', 'u_requested_for', 'u_requested_for'],
  ] as const)('%s with requestedForField %s sets %s to the user\'s sys_id', async (table, field, expected) => {
    seed();
    const b = await start({}, { catalogItem: undefined, variables: undefined, table, ...(field === undefined ? {} : { requestedForField: field }) });
    await b.deliver(grant());
    await ticketCreated(b);
    expect(fakes.desk.find(table, () => true)?.[expected]).toBe(jane);
  });

  it('a user not found leaves the field out and notes it in the description', async () => {
    seed();
    const b = await start({}, { catalogItem: undefined, variables: undefined, table: 'incident' });
    await b.deliver(grant({ email: 'nobody@acme.com' }));
    await ticketCreated(b);
    const record = fakes.desk.find('incident', () => true);
    expect(record?.['caller_id']).toBeUndefined();
    expect(record?.['description']).toContain('no active ServiceNow user has the email nobody@acme.com');
  });
});
