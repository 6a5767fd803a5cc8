/**
 * The whole loop of a JSM route on Jira Data Center through the bridge: a signed C1 step → a customer request in the
 * fake JSM mounted on the fake Jira DC (so the request is a REST v2 issue there) → a Data Center webhook for that issue
 * (X-Hub-Signature or basic credentials: Atlassian, "Managing webhooks",
 * confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html) → one callback to the fake C1.
 * Wire formats: fake-jsm.ts and fake-jira-dc.ts cite theirs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { JIRA_PROPERTY_KEY } from '../../../src/desks/jira/issue-body.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { liveMarkup } from '../../helpers/wiki-markup-check.ts';

const GRANT = { taskId: '2pQdTask0001', stepId: '2pQdStepProv' };
const REVOKE = { taskId: '2pQdTask0002', stepId: '2pQdStepProv2' };
const SECRET = 'dc-webhook-secret';
const PAT = 'dc-personal-access-token';
const PORTAL = { serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { customfield_10050: '{{ app.name }} / {{ entitlement.name }}' }, raiseOnBehalfOf: 'subject' };

let c1: FakeConductorOne;
let dc: FakeJiraDc;
let jsm: FakeJsm;
let deskId: string;
let bridge: TestBridge | undefined;

beforeAll(async () => {
  [c1, dc] = await Promise.all([startFakeConductorOne(), startFakeJiraDc({ token: PAT })]);
  jsm = mountFakeJsm(dc);
});
afterAll(async () => {
  await Promise.all([c1.close(), dc.close()]);
});
beforeEach(() => {
  deskId = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(deskId, 'Request access', [
    { fieldId: 'summary', name: 'Summary', required: true },
    { fieldId: 'description', name: 'Description', required: false },
    { fieldId: 'customfield_10050', name: 'Application', required: true },
  ]);
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  dc.reset();
  jsm.reset();
  c1.callbacks.length = 0;
});

/** Jane as Data Center knows her (username jdoe, found by email) and as JSM may raise for her. */
function addJane(): void {
  dc.users.push({ name: 'jdoe', key: 'JIRAUSER10200', emailAddress: 'jane.doe@acme.com', displayName: 'Jane Doe', active: true });
  jsm.addUser({ accountId: 'jdoe', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com' });
}

async function dcJsmBridge(target: Record<string, unknown> = PORTAL): Promise<TestBridge> {
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: dc.url, deployment: 'datacenter', token: PAT, webhookSecret: SECRET, indexLagSeconds: 0 },
      routes: [{ name: 'access-portal', jira: target }],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
  return bridge;
}

async function deliverGrant(b: TestBridge, rewrite: (json: string) => string = (json) => json, name: 'provision-grant' | 'provision-revoke' = 'provision-grant'): Promise<string> {
  const token = `${name}-${randomUUID()}`;
  const fixture = JSON.parse(rewrite(JSON.stringify(loadFixture(name)))) as ReturnType<typeof loadFixture>;
  fixture.callbackUrl = c1.callbackUrl(token);
  expect((await b.deliver(fixture)).statusCode).toBe(202);
  return token;
}

const record = (b: TestBridge, step = GRANT) => b.deps.correlationStore.get(step.taskId, step.stepId);
const ticketCreated = (b: TestBridge, step = GRANT) =>
  waitFor('the record to hold the request', async () => {
    const found = await record(b, step);
    return found?.state === 'ticket_created' ? found : undefined;
  });

async function callbackTo(token: string): Promise<{ version: string; complete?: { comment?: string }; errored?: { comment: string } }> {
  const sent = await waitFor('the callback', () => c1.callbacks.find((request) => request.path.endsWith(`/${token}`)));
  return JSON.parse(sent.body) as { version: string; complete?: { comment?: string }; errored?: { comment: string } };
}

function signedEvent(b: TestBridge, body: Record<string, unknown>) {
  const text = JSON.stringify(body);
  return b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: text, headers: { 'content-type': 'application/json', 'x-hub-signature': dc.sign(text, SECRET) } });
}

describe('a JSM route on Jira Data Center through the bridge', () => {
  it('grant → a request raised on behalf of the user by username → Data Center webhook → one complete callback', async () => {
    addJane();
    const b = await dcJsmBridge();
    const token = await deliverGrant(b);
    const held = await ticketCreated(b);

    expect(jsm.creates).toHaveLength(1);
    expect(jsm.creates[0]).toMatchObject({ serviceDeskId: deskId, raiseOnBehalfOf: 'jdoe', requestFieldValues: { customfield_10050: 'GitHub / Org Admin', summary: 'Grant GitHub / Org Admin for Jane Doe' } });
    expect(held.fields).toMatchObject({ ticketSystem: 'jira', ticketKey: 'ITHELP-1', ticketRoute: 'access-portal', ticketUrl: `${dc.url}/servicedesk/customer/portal/${deskId}/ITHELP-1` });
    const issue = dc.issues.get('ITHELP-1');
    expect(issue?.fields.labels).toEqual([`c1-task-${GRANT.taskId}`]);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ ...GRANT, kind: 'grant' });
    expect(wikiToText(String(issue?.fields.description))).not.toContain('Raised by the bridge');
    // Data Center only: the user by REST v2 username search, the label and property over REST v2, never Cloud's v3.
    expect(dc.requests.some((request) => request.path.startsWith('/rest/api/2/user/search?username='))).toBe(true);
    expect(dc.requests.filter((request) => request.path.startsWith('/rest/api/3/'))).toEqual([]);
    expect(dc.requests.find((request) => request.path === '/rest/servicedeskapi/request')?.headers.authorization).toBe(`Bearer ${PAT}`);

    const answer = await signedEvent(b, dc.resolve('ITHELP-1'));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'accepted' });
    const sent = await callbackTo(token);
    expect(sent.complete?.comment).toContain('ITHELP-1');
    expect(sent.errored).toBeUndefined();
    await waitFor('the bridge comment on the request', () => dc.issues.get('ITHELP-1')?.comments[0]);
    expect(dc.issues.get('ITHELP-1')?.comments).toEqual(['The bridge reported this task to ConductorOne as complete.']);
    expect(c1.callbacks.filter((request) => request.path.endsWith(`/${token}`))).toHaveLength(1);
  });

  it("a user Data Center does not know: raised as the bridge's account, a line in the description and a log line, then errored by its resolution", async () => {
    const b = await dcJsmBridge();
    const token = await deliverGrant(b);
    await ticketCreated(b);
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(wikiToText(String(dc.issues.get('ITHELP-1')?.fields.description))).toMatch(/^Raised by the bridge's account, not on behalf of the user: no active Jira user has the email jane\.doe@acme\.com\.\n\n/);
    expect(b.logs.find((line) => line['msg'] === "raising the request as the bridge's account: the task's user was not found in Jira")).toMatchObject({ level: 40, taskId: GRANT.taskId, route: 'access-portal' });
    // Not a failed task: no callback until the request is resolved, here Declined (erroredResolutions).
    expect(c1.callbacks).toEqual([]);
    expect((await signedEvent(b, dc.transition('ITHELP-1', 'Closed', 'done', 'Declined'))).statusCode).toBe(200);
    expect(Object.keys(await callbackTo(token))).toEqual(['version', 'errored']);
  });

  it("revoke → a request; the route's status map decides: Done is in neither list and stays open, its own status completes", async () => {
    addJane();
    const b = await dcJsmBridge({ ...PORTAL, outcome: { complete: ['Access removed'], errored: ['Access kept'] } });
    const token = await deliverGrant(b, undefined, 'provision-revoke');
    await ticketCreated(b, REVOKE);
    expect(jsm.creates[0]).toMatchObject({ raiseOnBehalfOf: 'jdoe', requestFieldValues: { customfield_10050: 'Salesforce / System Administrator' } });
    expect((await signedEvent(b, dc.resolve('ITHELP-1'))).statusCode).toBe(200);
    await checksSettled(b);
    expect((await record(b, REVOKE))?.fields['outcome']).toBeUndefined();
    expect(c1.callbacks).toEqual([]);
    expect((await signedEvent(b, dc.transition('ITHELP-1', 'Access removed', 'indeterminate'))).statusCode).toBe(200);
    expect(Object.keys(await callbackTo(token))).toEqual(['version', 'complete']);
  });

  it('a hostile name in the request description is escaped wiki markup there, the text unchanged', async () => {
    const hostile = 'Jane [evil|https://evil.example/login] {color:red}admin{color} *bold* h1. x "}]} ✓';
    const b = await dcJsmBridge({ ...PORTAL, requestFields: { ...PORTAL.requestFields, description: 'Access for {{ user.name }}' } });
    await deliverGrant(b, (json) => json.replaceAll('"Jane Doe"', JSON.stringify(hostile)));
    await ticketCreated(b);
    const description = String(dc.issues.get('ITHELP-1')?.fields.description);
    expect(liveMarkup(description)).toBeUndefined();
    expect(wikiToText(description)).toContain(`Access for ${hostile}`);
  });
});
