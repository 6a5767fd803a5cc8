import { readFileSync } from 'node:fs';
import { createClient } from 'jira.js/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisionStepPayload, WebhookEnvelope } from '../../../src/c1/schemas.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { DEFAULT_SCOPE_OPTIONS } from '../../../src/domain/template-scope.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { cloudUserSearch, createCloudUserFinder } from '../../../src/desks/jira/find-user-cloud.ts';
import { JIRA_PROPERTY_KEY, taskLabel } from '../../../src/desks/jira/issue-body.ts';
import { cloudCorrelationWriter } from '../../../src/desks/jira/service-desk/correlation-writer.ts';
import { createJsmRequest, type JsmRequestDeps } from '../../../src/desks/jira/service-desk/create-request.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { createCloudJsmApi } from '../../../src/desks/jira/service-desk/jsm-cloud.ts';
import { createDataCenterJsmApi } from '../../../src/desks/jira/service-desk/jsm-datacenter.ts';
import { approvalDecision, readApprovals } from '../../../src/desks/jira/service-desk/request-approvals.ts';
import { jsmRequestStatus } from '../../../src/desks/jira/service-desk/request-status.ts';
import { createFieldsReader, jsmOnlineChecks } from '../../../src/desks/jira/service-desk/request-type-fields.ts';
import { createRequestTypeResolver } from '../../../src/desks/jira/service-desk/resolve-request-type.ts';
import { createServiceDeskResolver } from '../../../src/desks/jira/service-desk/resolve-service-desk.ts';
import { TicketSystemError } from '../../../src/desks/ticket-error.ts';

function request(name: string): ProvisioningRequest {
  const envelope = JSON.parse(readFileSync(new URL(`../../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as WebhookEnvelope & { payload: ProvisionStepPayload };
  const result = toProvisioningRequest(envelope, envelope.payload, { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

const FIELDS = [
  { fieldId: 'summary', name: 'Summary', required: true },
  { fieldId: 'description', name: 'Description', required: false },
  { fieldId: 'customfield_10050', name: 'Application', required: true },
];
const JANE = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com' };

let jira: FakeJira;
let jsm: FakeJsm;
let deps: JsmRequestDeps;
let deskId: string;

function cloudDeps(): JsmRequestDeps {
  // jira.js checks every answer of the fake against its own schemas: a shape the real API does not have fails here.
  const client = createClient({ host: jira.url, auth: { type: 'basic', email: 'bridge@acme.example', apiToken: 'jira-api-token' }, retry: { maxAttempts: 1 }, onSchemaMismatch: 'throw' });
  const api = createCloudJsmApi(client);
  return { api, resolveServiceDesk: createServiceDeskResolver(api), resolveRequestType: createRequestTypeResolver(api), fieldsOf: createFieldsReader(api), correlation: cloudCorrelationWriter(client), browseUrl: (key) => `${jira.url}/browse/${key}` };
}

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
  // Sixty desks: the resolver has to page (the fake answers at most 50 a page).
  for (let n = 0; n < 60; n += 1) jsm.addServiceDesk(`D${n.toString()}`);
  deskId = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(deskId, 'Get IT help', [{ fieldId: 'summary', name: 'Summary', required: true }]);
  jsm.addRequestType(deskId, 'Request access', FIELDS);
  jsm.addUser(JANE);
  deps = cloudDeps();
});

const target = { serviceDesk: 'ITHELP', requestType: 'request access', requestFields: { customfield_10050: '{{ app.name }}' }, raiseOnBehalfOf: 'subject' as const };

describe('JSM customer requests on Jira Cloud (jira.js service-desk client)', () => {
  it('opens a request raised on behalf of the user, then labels it and sets the correlation property', async () => {
    const task = request('provision-grant');
    const findUser = createCloudUserFinder(cloudUserSearch(createClient({ host: jira.url, auth: { type: 'basic', email: 'bridge@acme.example', apiToken: 'jira-api-token' }, onSchemaMismatch: 'throw' })));
    const user = await findUser('jane.doe@acme.com');
    expect(user).toEqual({ accountId: JANE.accountId });
    const ref = await createJsmRequest(deps, { target, request: task, scope: DEFAULT_SCOPE_OPTIONS, raiseOnBehalfOf: user.accountId });
    expect(ref).toMatchObject({ system: 'jira', key: 'ITHELP-1', container: 'ITHELP', url: `${jira.url}/servicedesk/customer/portal/${deskId}/ITHELP-1` });
    expect(jsm.creates[0]).toMatchObject({ serviceDeskId: deskId, requestTypeId: expect.any(String), raiseOnBehalfOf: JANE.accountId, requestFieldValues: { customfield_10050: 'GitHub' } });
    const issue = jira.issues.get('ITHELP-1');
    expect(issue?.fields.labels).toEqual([taskLabel(task.taskId)]);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ taskId: task.taskId, stepId: task.stepId, kind: task.kind });
    expect(issue?.fields.summary).not.toBe('');
  });

  it('maps the request status like a plain issue: Done complete, Declined errored, In Progress open', async () => {
    const ref = await createJsmRequest(deps, { target, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS });
    const read = async () => jsmRequestStatus(await deps.api.getRequest(ref.id), jira.issues.get(ref.key)?.resolution, ["Won't Do", 'Declined']);
    expect(await read()).toEqual({ final: false, status: 'To Do' });
    jira.transition(ref.key, 'In Progress', 'indeterminate');
    expect((await read()).final).toBe(false);
    jira.transition(ref.key, 'Resolved', 'done', 'Done');
    expect(await read()).toMatchObject({ final: true, outcome: 'complete' });
    jira.transition(ref.key, 'Closed', 'done', 'Declined');
    expect(await read()).toMatchObject({ final: true, outcome: 'errored' });
  });

  it('refuses an unknown service desk or request type naming what exists, and opens nothing', async () => {
    const task = request('provision-grant');
    const wrongDesk = createJsmRequest(deps, { target: { ...target, serviceDesk: 'NOPE' }, request: task, scope: DEFAULT_SCOPE_OPTIONS });
    await expect(wrongDesk).rejects.toThrow(/no service desk "NOPE".*ITHELP \(id \d+\)/);
    await expect(wrongDesk).rejects.toMatchObject({ code: 'ticket_system_rejected', retryable: false });
    await expect(createJsmRequest(deps, { target: { ...target, requestType: 'Laptop' }, request: task, scope: DEFAULT_SCOPE_OPTIONS })).rejects.toThrow(/no request type "Laptop".*"Request access" \(id \d+\)/);
    expect(jsm.creates).toHaveLength(0);
    expect(jira.issues.size).toBe(0);
  });

  it('reads the service desk list once per process (cached), by id or project key', async () => {
    const before = jira.requests.length;
    expect((await deps.resolveServiceDesk(deskId)).projectKey).toBe('ITHELP');
    expect((await deps.resolveServiceDesk('ithelp')).id).toBe(deskId);
    const reads = jira.requests.slice(before).filter((r) => r.path.startsWith('/rest/servicedeskapi/servicedesk?'));
    expect(reads).toHaveLength(2); // two pages of 50, read once
  });

  it("passes JSM's refusal on when a required field is empty: a permanent error in JSM's words", async () => {
    const failure = createJsmRequest(deps, { target: { ...target, requestFields: { customfield_10050: '' } }, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS });
    await expect(failure).rejects.toBeInstanceOf(TicketSystemError);
    await expect(failure).rejects.toThrow(/refused with 400: Application: this field is required/);
    expect(jira.issues.size).toBe(0);
  });

  it('fills summary and description by default only where the request type has them', async () => {
    const task = request('provision-grant');
    await createJsmRequest(deps, { target: { serviceDesk: 'ITHELP', requestType: 'Get IT help' }, request: task, scope: DEFAULT_SCOPE_OPTIONS });
    expect(Object.keys(jsm.creates[0]?.['requestFieldValues'] as object)).toEqual(['summary']);
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
  });

  it('a user not found is raised as the bridge, saying so at the top of the description', async () => {
    const find = createCloudUserFinder(cloudUserSearch(createClient({ host: jira.url, auth: { type: 'basic', email: 'bridge@acme.example', apiToken: 'jira-api-token' }, onSchemaMismatch: 'throw' })));
    const user = await find('ghost@acme.com');
    const ref = await createJsmRequest(deps, { target, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS, raiseOnBehalfOf: user.accountId, ...(user.accountId === undefined ? { notRaisedForUser: user.reason } : {}) });
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(String(jira.issues.get(ref.key)?.fields.description)).toMatch(/^Raised by the bridge's account, not on behalf of the user: no active Jira user has the email ghost@acme.com\.\n\n/);
  });

  it('refuses raising on behalf of an account JSM does not know, with its message', async () => {
    await expect(createJsmRequest(deps, { target, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS, raiseOnBehalfOf: 'unknown-account' })).rejects.toThrow(/unknown-account' does not exist/);
    expect(jira.issues.size).toBe(0);
  });

  it('check-config --online: names the required fields a route leaves empty, and passes a complete route', async () => {
    const checks = jsmOnlineChecks(deps, [
      ['route "portal"', target],
      ['route "thin"', { serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: {} }],
      ['route "plain"', { project: 'OPS' }],
    ]);
    expect(checks.map(([name]) => name)).toEqual(['Jira Service Management request type of route "portal"', 'Jira Service Management request type of route "thin"']);
    expect(await checks[0]?.[1]()).toMatch(/^service desk ITHELP is \d+, request type "Request access" is \d+; fields: summary\*, description, customfield_10050\* \(\* required\)$/);
    await expect(checks[1]?.[1]()).rejects.toThrow("required field(s) the route leaves empty: customfield_10050 (Application)");
    jsm.canRaiseOnBehalfOf = false;
    await expect(cloudDepsCheck()).rejects.toThrow(/may not raise requests on behalf of others/);
  });

  it('approvals: pending is open, all approved approves, one declined denies', async () => {
    jsm.addUser({ accountId: 'mgr-1', displayName: 'Manager One', emailAddress: 'm1@acme.com' });
    jsm.addUser({ accountId: 'mgr-2', displayName: 'Manager Two', emailAddress: 'm2@acme.com' });
    const ref = await createJsmRequest(deps, { target, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS });
    expect(approvalDecision(await readApprovals(deps.api, ref.key))).toMatchObject({ decision: 'open' });
    const approval = jsm.addApproval(ref.key, 'Manager approval', ['mgr-1', 'mgr-2']);
    jsm.decide(ref.key, approval, 'mgr-1', 'approved');
    const halfway = await readApprovals(deps.api, ref.key);
    expect(halfway[0]?.approvers).toEqual([
      { accountId: 'mgr-1', displayName: 'Manager One', decision: 'approved' },
      { accountId: 'mgr-2', displayName: 'Manager Two', decision: 'pending' },
    ]);
    expect(approvalDecision(halfway)).toMatchObject({ decision: 'open' });
    jsm.decide(ref.key, approval, 'mgr-2', 'approved');
    expect(approvalDecision(await readApprovals(deps.api, ref.id))).toMatchObject({ decision: 'approve' });
    const second = jsm.addApproval(ref.key, 'Security', ['mgr-2']);
    jsm.decide(ref.key, second, 'mgr-2', 'declined');
    expect(approvalDecision(await readApprovals(deps.api, ref.key))).toMatchObject({ decision: 'deny', declined: { name: 'Security' } });
  });
});

function cloudDepsCheck() {
  const [check] = jsmOnlineChecks(cloudDeps(), [['route "portal"', target]]);
  if (check === undefined) throw new Error('no check');
  return check[1]();
}

describe('JSM on Data Center (fetch client): same paths, caller-given auth', () => {
  it('resolves, creates and reads approvals over fetch with basic auth', async () => {
    const api = createDataCenterJsmApi({ baseUrl: jira.url, auth: { type: 'basic', username: 'bridge@acme.example', password: 'jira-api-token' } });
    const dcDeps = { ...deps, api, resolveServiceDesk: createServiceDeskResolver(api), resolveRequestType: createRequestTypeResolver(api), fieldsOf: createFieldsReader(api) };
    const ref = await createJsmRequest(dcDeps, { target, request: request('provision-grant'), scope: DEFAULT_SCOPE_OPTIONS });
    expect(ref.key).toBe('ITHELP-1');
    expect((await api.getRequest(ref.key)).currentStatus?.statusCategory).toBe('NEW');
    expect(await readApprovals(api, ref.key)).toEqual([]);
  });

  it('sends a PAT as a bearer token; a refusal is permanent and in Jira words', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetch(input, init);
    };
    const api = createDataCenterJsmApi({ baseUrl: jira.url, auth: { type: 'bearer', token: 'pat-123' }, fetch: recording });
    await expect(api.serviceDesks(0, 50)).rejects.toMatchObject({ code: 'ticket_system_rejected', status: 401 });
    expect(seen).toEqual(['Bearer pat-123']);
  });
});

describe('the task user on Jira Cloud against the fake user search', () => {
  const finder = () => createCloudUserFinder(cloudUserSearch(createClient({ host: jira.url, auth: { type: 'basic', email: 'bridge@acme.example', apiToken: 'jira-api-token' }, onSchemaMismatch: 'throw' })));

  it('finds by exact email; a hidden email or no user is not found, and the answer is cached', async () => {
    jsm.addUser({ accountId: 'acc-hidden', displayName: 'Hidden Person', emailAddress: 'hidden@acme.com', emailHidden: true });
    jsm.addUser({ accountId: 'acc-bot', displayName: 'jane.doe@acme.com bot', emailAddress: 'bot@acme.com', accountType: 'app' });
    const find = finder();
    expect(await find('jane.doe@acme.com')).toEqual({ accountId: JANE.accountId });
    expect((await find('hidden@acme.com')).accountId).toBeUndefined();
    expect(await find('hidden@acme.com')).toMatchObject({ reason: expect.stringContaining('hides the email') });
    expect(await find('nobody@acme.com')).toEqual({ reason: 'no active Jira user has the email nobody@acme.com' });
    const searches = jira.requests.filter((r) => r.path.startsWith('/rest/api/3/user/search'));
    expect(searches.map((r) => new URL(r.path, 'http://x').searchParams.get('query'))).toEqual(['jane.doe@acme.com', 'hidden@acme.com', 'nobody@acme.com']);
  });

  it('a failed search is a typed error, not "not found"', async () => {
    jira.inject([{ status: 503 }], { pathPrefix: '/rest/api/3/user/search' });
    await expect(finder()('jane.doe@acme.com')).rejects.toMatchObject({ code: 'ticket_system_unavailable' });
  });
});
