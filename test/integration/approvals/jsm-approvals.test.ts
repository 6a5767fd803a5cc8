/**
 * JSM approval tickets: a customer request whose native approvals decide by their `finalDecision` (desks.md §2:
 * `GET /rest/servicedeskapi/request/{issueIdOrKey}/approval`), never by status names; the approval text where the
 * request type has summary / description. Fake JSM mounted on the fake Jira Cloud (src/desks/jira/service-desk/fake-jsm.ts,
 * from Atlassian's service-desk REST reference as jira.js models it).
 */
import { createClient } from 'jira.js/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPE_OPTIONS } from '../../../src/domain/template-scope.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { createJsmApprovals } from '../../../src/desks/jira/service-desk/approval-requests.ts';
import { cloudCorrelationWriter } from '../../../src/desks/jira/service-desk/correlation-writer.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { createCloudJsmApi } from '../../../src/desks/jira/service-desk/jsm-cloud.ts';
import { createFieldsReader } from '../../../src/desks/jira/service-desk/request-type-fields.ts';
import { createRequestTypeResolver } from '../../../src/desks/jira/service-desk/resolve-request-type.ts';
import { createServiceDeskResolver } from '../../../src/desks/jira/service-desk/resolve-service-desk.ts';
import type { ApprovalTickets } from '../../../src/desks/approval-tickets.ts';
import { approvalRequest } from '../../helpers/approval-steps.ts';

let jira: FakeJira;
let jsm: FakeJsm;
let approvals: ApprovalTickets;

const TARGET = { serviceDesk: 'ITHELP', requestType: 'Access approval', requestFields: {} };
const ROUTE = { name: 'jsm-cab', desk: 'jira', target: {} } as never;


beforeAll(async () => {
  jira = await startFakeJira();
  jsm = mountFakeJsm(jira);
});
afterAll(async () => {
  await jira.close();
});
beforeEach(() => {
  jira.reset();
  jsm.reset();
  const desk = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(desk, 'Access approval', [
    { fieldId: 'summary', name: 'Summary', required: true },
    { fieldId: 'description', name: 'Description', required: false },
  ]);
  jsm.addUser({ accountId: 'mgr-1', displayName: 'Mia Manager', emailAddress: 'mia@acme.com' });
  jsm.addUser({ accountId: 'sec-1', displayName: 'Sam Security', emailAddress: 'sam@acme.com' });
  const client = createClient({ host: jira.url, auth: { type: 'basic', email: 'bridge@acme.example', apiToken: 'jira-api-token' }, retry: { maxAttempts: 1 }, onSchemaMismatch: 'throw' });
  const api = createCloudJsmApi(client);
  approvals = createJsmApprovals(
    { api, resolveServiceDesk: createServiceDeskResolver(api), resolveRequestType: createRequestTypeResolver(api), fieldsOf: createFieldsReader(api), correlation: cloudCorrelationWriter(client), browseUrl: (key) => `${jira.url}/browse/${key}` },
    () => TARGET,
    DEFAULT_SCOPE_OPTIONS,
  );
});

describe('JSM approval requests', () => {
  it('opens a request with the approval text in the request type\'s summary and description', async () => {
    const ref = await approvals.create({ request: approvalRequest(), route: ROUTE });
    expect(ref.key).toBe('ITHELP-1');
    const values = jsm.creates[0]?.['requestFieldValues'] as Record<string, string>;
    expect(values['summary']).toMatch(/^Approve: /);
    expect(values['description']).toContain('approve or deny');
    expect(values['description']).toContain('Task in ConductorOne: ');
  });

  it('decides from finalDecision: none or pending is open, one declined denies, all approved approves', async () => {
    const ref = await approvals.create({ request: approvalRequest(), route: ROUTE });
    expect(await approvals.read(ref)).toMatchObject({ decision: 'open', status: 'the request has no approval yet' });
    const manager = jsm.addApproval(ref.key, 'Manager approval', ['mgr-1']);
    expect(await approvals.read(ref)).toMatchObject({ decision: 'open' });
    // The request's status is not read: moving it to Done decides nothing.
    jira.transition(ref.key, 'Done', 'done');
    expect(await approvals.read(ref)).toMatchObject({ decision: 'open' });
    jsm.decide(ref.key, manager, 'mgr-1', 'approved');
    expect(await approvals.read(ref)).toEqual({ decision: 'approve', status: '"Manager approval" approved by Mia Manager' });
    const security = jsm.addApproval(ref.key, 'Security', ['sec-1']);
    expect(await approvals.read(ref)).toMatchObject({ decision: 'open' });
    jsm.decide(ref.key, security, 'sec-1', 'declined');
    expect(await approvals.read(ref)).toEqual({ decision: 'deny', status: '"Security" declined by Sam Security' });
  });

  it('a service-desk API that fails is an error, never a deny', async () => {
    const ref = await approvals.create({ request: approvalRequest(), route: ROUTE });
    jira.inject([{ status: 503 }], { method: 'GET', pathPrefix: '/rest/servicedeskapi/request/' });
    await expect(approvals.read(ref)).rejects.toMatchObject({ retryable: true });
  });
});
