/**
 * The whole approval loop on ServiceNow: a C1 policy approval step opens one record in the route's table; its
 * `approval` field decides (`approved` approves, `rejected` denies; `requested`, `not requested`, `cancelled`,
 * `not_required` leave it open); the deciding `sysapproval_approver` row's comment goes to C1; a new `assigned_to`
 * whose email is a C1 user reassigns; a record re-opened after an approval changes nothing; a callback C1 refuses with
 * 400 leaves a work note saying nothing was sent. Fake ServiceNow: the Table API as ServiceNow's REST reference has it
 * (src/desks/servicenow/fake-servicenow.ts), approvals per desks.md §3.7; fake C1 checks every approval body against
 * `c1.webhooks.v1.ResponsePolicyApprovalStep` (https://www.conductorone.com/docs/product/admin/webhooks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/desks/servicenow/fake-servicenow.ts';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { APPROVAL_STEP, approvalTicketCreated, callbackBody, callbacksTo, deliverApproval, recordIn } from '../../helpers/approval-steps.ts';
import { postServiceNowEvent, SN_WEBHOOK_SECRET } from '../../helpers/servicenow-events.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';

let c1: FakeConductorOne;
let sn: FakeServiceNow;
let bridge: TestBridge;

beforeAll(async () => {
  [c1, sn] = await Promise.all([startFakeConductorOne(), startFakeServiceNow()]);
  const api = await c1.api.addApiClient();
  c1.api.addUser({ id: '2pQdUserAnn', email: 'ann.lee@acme.com', displayName: 'Ann Lee' });
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url], api: { ...api, baseUrl: c1.url } },
      servicenow: { instanceUrl: sn.url, username: 'bridge', password: 'sn-password', webhookSecret: SN_WEBHOOK_SECRET },
      routes: [{ name: 'cab', for: 'approval', servicenow: { table: 'sc_req_item', reassign: 'assignee' } }],
      jobs: { attempts: 2, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await Promise.all([c1.close(), sn.close()]);
});

async function post(event: Record<string, unknown>) {
  expect((await postServiceNowEvent(bridge, event)).statusCode).toBeLessThan(300);
}

async function openApproval() {
  const step = await deliverApproval(bridge, c1);
  const record = await approvalTicketCreated(bridge, step.taskId);
  const sysId = record.fields['ticketId'] ?? '';
  return { ...step, sysId, number: record.fields['ticketKey'] ?? '' };
}

const notesOn = (sysId: string) => sn.workNotes.get(sysId) ?? [];

describe('ServiceNow approval records', () => {
  it('opens one record in the route\'s table, saying what is asked, for whom, by whom, with the C1 link and its correlation_id', async () => {
    const { taskId, sysId } = await openApproval();
    const record = sn.tables.get('sc_req_item')?.get(sysId);
    expect(record?.correlation_id).toBe(`${taskId}:${APPROVAL_STEP}`);
    expect(record?.['short_description']).toMatch(/^Approve: /);
    expect(record?.['description']).toContain('approve or deny');
    expect(record?.['description']).toMatch(/For: .+<jane\.doe@acme\.com>/);
    expect(record?.['description']).toContain('Task in ConductorOne: ');
    expect([...(sn.tables.get('sc_req_item')?.values() ?? [])].filter((r) => r.correlation_id === `${taskId}:${APPROVAL_STEP}`)).toHaveLength(1);
  });

  it('approve: approval=approved sends approve with the approver\'s comment; a work note says it was sent', async () => {
    const { taskId, token, sysId } = await openApproval();
    await post(sn.decideApproval('sc_req_item', sysId, 'approved', 'OK for Q3, CAB #12'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', approve: { comment: 'OK for Q3, CAB #12' } });
    await recordIn(bridge, taskId, 'reported');
    await waitFor('the sent note', () => notesOn(sysId).some((note) => note.includes('sent the answer to ConductorOne: approved')));
  });

  it('deny: only approval=rejected denies; requested, cancelled and not_required leave it open', async () => {
    const { token, sysId, number } = await openApproval();
    for (const open of ['requested', 'cancelled', 'not_required', 'not requested', 'duplicate']) {
      await post(sn.decideApproval('sc_req_item', sysId, open));
      await checksSettled(bridge);
      await reconcile(bridge.deps.jobs);
      expect(callbacksTo(c1, token)).toHaveLength(0);
    }
    await post(sn.decideApproval('sc_req_item', sysId, 'rejected'));
    expect(await callbackBody(c1, token)).toEqual({ version: 'v1', deny: { comment: `ServiceNow record ${number}: denied (approval: rejected).` } });
  });

  it('reassign: a new assigned_to whose email is a C1 user reassigns the step to that user', async () => {
    const { taskId, token, sysId, number } = await openApproval();
    const outsider = sn.catalog.addUser({ email: 'olaf@elsewhere.example' });
    await post(sn.assign('sc_req_item', sysId, outsider));
    await checksSettled(bridge);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    const ann = sn.catalog.addUser({ email: 'ann.lee@acme.com', name: 'Ann Lee' });
    await post(sn.assign('sc_req_item', sysId, ann));
    expect(await callbackBody(c1, token)).toEqual({
      version: 'v1',
      reassign: { comment: `ServiceNow record ${number} was assigned to ann.lee@acme.com.`, newStepUserIds: ['2pQdUserAnn'] },
    });
    expect((await recordIn(bridge, taskId, 'reported')).fields['outcome']).toBe('reassign');
  });

  it('re-opened after an approval: nothing more is sent, by events or by reconciliation', async () => {
    const { taskId, token, sysId } = await openApproval();
    await post(sn.decideApproval('sc_req_item', sysId, 'approved'));
    await callbackBody(c1, token);
    await recordIn(bridge, taskId, 'reported');
    await post(sn.decideApproval('sc_req_item', sysId, 'requested'));
    await post(sn.decideApproval('sc_req_item', sysId, 'rejected'));
    await checksSettled(bridge);
    await reconcile(bridge.deps.jobs);
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect((await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP))?.fields['outcome']).toBe('approve');
  });

  it('expired callback: C1 answers 400, a work note says nothing was sent, and nothing else happens', async () => {
    const { taskId, token, sysId } = await openApproval();
    c1.planCallbacks([{ status: 400 }]);
    await post(sn.decideApproval('sc_req_item', sysId, 'rejected', 'No.'));
    await recordIn(bridge, taskId, 'callback_failed');
    await waitFor('the not-sent note', () => notesOn(sysId).some((note) => note.startsWith('Nothing was sent to ConductorOne')));
    expect(callbacksTo(c1, token)).toHaveLength(1);
    expect(notesOn(sysId).some((note) => note.includes('sent the answer to ConductorOne'))).toBe(false);
  });

  it('a record ServiceNow fails to read is never a deny; a lost event is caught up by reconciliation', async () => {
    const { token, sysId } = await openApproval();
    sn.decideApproval('sc_req_item', sysId, 'rejected');
    sn.inject([{ kind: 'status', status: 503 }]);
    const failed = await reconcile(bridge.deps.jobs);
    expect(failed.errors).toBe(1);
    expect(callbacksTo(c1, token)).toHaveLength(0);
    await reconcile(bridge.deps.jobs);
    expect(await callbackBody(c1, token)).toMatchObject({ version: 'v1', deny: {} });
  });
});
