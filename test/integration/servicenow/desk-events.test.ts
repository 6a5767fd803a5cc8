import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeServiceNow, type SnRecord } from '../../../src/desks/servicenow/fake-servicenow.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { useDeskPeers } from '../../helpers/desk-peers.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// ServiceNow events are hints: the bridge reads the record it created (its sys_id, in its own table) and decides from
// that record's state under that table's state map.
const SECRET = 'sn-desk-secret';
const TASK = '2pQdTask0002';
const STEP = '2pQdStepProv2';

const peers = useDeskPeers(() => startFakeServiceNow());

/** A bridge with one open sc_task record for the revoke fixture's step. */
async function withOpenRecord(): Promise<{ b: TestBridge; record: SnRecord }> {
  const b = await startTestBridge({
    c1: peers.c1,
    config: {
      conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
      servicenow: { instanceUrl: peers.desk.url, username: 'bridge', password: 'sn-password', webhookSecret: SECRET },
      defaultRoute: { servicenow: { table: 'sc_task' } },
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  peers.bridge = b;
  await b.deps.startWorkers();
  const revoke = loadFixture('provision-revoke');
  revoke.callbackUrl = peers.c1.callbackUrl(`sn-desk-${randomUUID()}`);
  expect((await b.deliver(revoke)).statusCode).toBe(202);
  await waitFor('the record on file', async () => (await b.deps.correlationStore.get(TASK, STEP))?.state === 'ticket_created');
  const record = peers.desk.find('sc_task', () => true);
  if (record === undefined) throw new Error('no record');
  return { b, record };
}

/** Posts a body signed as the business rule signs it: anyone holding the secret can send any body. */
async function post(b: TestBridge, event: object) {
  const body = JSON.stringify(event);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('base64')}`;
  const answer = await b.app.inject({ method: 'POST', url: '/webhooks/servicenow', payload: body, headers: { 'content-type': 'application/json', 'x-bridge-signature': signature } });
  expect(answer.statusCode).toBe(200);
  return answer.json<Record<string, unknown>>();
}

const eventFor = (record: SnRecord, table: string, state: string) => ({ table, sys_id: record.sys_id, number: record.number, state, correlation_id: record.correlation_id, close_notes: '' });
const state = async (b: TestBridge) => (await b.deps.correlationStore.get(TASK, STEP))?.state;
const outcomeSent = async () => Object.keys(JSON.parse((await waitFor('the callback', () => peers.c1.callbacks[0])).body) as Record<string, unknown>);

describe('ServiceNow events are hints; ServiceNow is the truth', () => {
  it('a forged body claiming Closed Complete for a record still open sends no callback', async () => {
    const { b, record } = await withOpenRecord();
    expect(await post(b, eventFor(record, 'sc_task', '3'))).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(peers.desk.requests.some((r) => r.method === 'GET' && r.path.startsWith(`/api/now/table/sc_task/${record.sys_id}?`))).toBe(true);
    expect(await state(b)).toBe('ticket_created');
    expect(peers.c1.callbacks).toEqual([]);
  });

  it('a copied record carrying the same correlation_id cannot complete the task; the one the bridge created does', async () => {
    const { b, record } = await withOpenRecord();
    const copy = peers.desk.copy('sc_task', record.sys_id);
    expect(copy.correlation_id).toBe(record.correlation_id);
    expect(await post(b, peers.desk.setState('sc_task', copy.sys_id, 3))).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(peers.c1.callbacks).toEqual([]);
    expect(peers.desk.requests.some((r) => r.path.includes(copy.sys_id))).toBe(false);
    expect(await post(b, peers.desk.setState('sc_task', record.sys_id, 4))).toEqual({ status: 'accepted' });
    expect(await outcomeSent()).toEqual(['version', 'errored']);
  });

  it("the record's own table decides, not the table the event names", async () => {
    const { b, record } = await withOpenRecord();
    // 6 is Resolved for incident; the record is an sc_task in state 2 (Work in Progress): not final.
    peers.desk.setState('sc_task', record.sys_id, 2);
    expect(await post(b, eventFor(record, 'incident', '6'))).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(peers.c1.callbacks).toEqual([]);
    // 3 is On Hold for incident, Closed Complete for sc_task: complete.
    peers.desk.setState('sc_task', record.sys_id, 3);
    expect(await post(b, eventFor(record, 'incident', '3'))).toEqual({ status: 'accepted' });
    expect(await outcomeSent()).toEqual(['version', 'complete']);
  });

  it('a record gone is reported errored once, saying it was deleted, and leaves the open tickets', async () => {
    const { b, record } = await withOpenRecord();
    peers.desk.remove('sc_task', record.sys_id);
    expect(await post(b, eventFor(record, 'sc_task', '1'))).toEqual({ status: 'accepted' });
    const callback = await waitFor('the callback', () => peers.c1.callbacks[0]);
    expect((JSON.parse(callback.body) as { errored: { comment: string } }).errored.comment).toMatch(/^ServiceNow record SCTASK0010001 \(.*\) was deleted before it was resolved/);
    await waitFor('the record to be reported', async () => (await state(b)) === 'reported');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 0, reported: 0, errors: 0 });
    expect(peers.c1.callbacks).toHaveLength(1);
  });

  it('a record deleted without an event is found by reconciliation once, then never read again', async () => {
    const { b, record } = await withOpenRecord();
    peers.desk.remove('sc_task', record.sys_id);
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 0, reported: 0, errors: 0 });
    expect(await outcomeSent()).toEqual(['version', 'errored']);
    expect(b.logs.find((line) => line['msg'] === 'reconciliation could not read the ticket')).toBeUndefined();
  });
});
