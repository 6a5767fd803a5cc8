/**
 * The whole loop of a JSM route through the bridge: a signed C1 step → a customer request in the fake JSM (mounted
 * on the fake Jira Cloud, so the request is an issue there) → a Jira webhook for that issue → one callback to C1.
 * Wire formats: fake-jsm.ts and fake-jira.ts cite theirs.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { JIRA_PROPERTY_KEY } from '../../../src/desks/jira/issue-body.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { useFakePeers } from '../../helpers/fake-peers.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'jira-webhook-secret';
const JANE = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com' };
const FIELDS = [
  { fieldId: 'summary', name: 'Summary', required: true },
  { fieldId: 'description', name: 'Description', required: false },
  { fieldId: 'customfield_10050', name: 'Application', required: true },
];
const PORTAL = { serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { customfield_10050: '{{ app.name }} / {{ entitlement.name }}' }, raiseOnBehalfOf: 'subject' };

const peers = useFakePeers();
let jsm: FakeJsm;
let deskId: string;

beforeAll(() => {
  jsm = mountFakeJsm(peers.jira);
});
beforeEach(() => {
  jsm.reset();
  deskId = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(deskId, 'Request access', FIELDS);
  jsm.addRequestType(deskId, 'Laptop', [...FIELDS, { fieldId: 'customfield_10060', name: 'Cost centre', required: true }]);
});

/** A bridge whose GitHub grants go to `target` (a JSM route) and Salesforce revokes to the portal route. */
function bridge(target: Record<string, unknown> = PORTAL, extra: Record<string, unknown> = {}): Promise<TestBridge> {
  return peers.bridge({
    jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0, webhookSecret: [SECRET] },
    routes: [
      { name: 'access-portal', match: { appId: '2pQdAppGH' }, jira: target },
      { name: 'revokes', match: { appId: '2pQdAppSF' }, jira: PORTAL },
    ],
    jobs: { attempts: 3, backoffMs: 20 },
    ...extra,
  }, { overrides: { jiraSchemaMismatch: 'throw' } });
}

async function postJiraEvent(b: TestBridge, event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  return b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { 'content-type': 'application/json', 'x-hub-signature': peers.jira.sign(body, SECRET) } });
}

const record = (b: TestBridge, task = '2pQdTask0001', step = '2pQdStepProv') => b.deps.correlationStore.get(task, step);
const ticketCreated = (b: TestBridge, task?: string, step?: string) =>
  waitFor('the record to hold the request', async () => {
    const found = await record(b, task, step);
    return found?.state === 'ticket_created' ? found : undefined;
  });

function callbackOf(token: string) {
  return waitFor('the callback', () => {
    const [callback] = peers.callbacksTo(token);
    return callback === undefined ? undefined : (JSON.parse(callback.body) as { version: string; complete?: { comment: string }; errored?: { comment: string } });
  });
}

describe('a JSM route through the bridge', () => {
  it('grant → a request raised on behalf of the user → resolved → one complete callback', async () => {
    jsm.addUser(JANE);
    const b = await bridge();
    const { body, token } = peers.grant();
    expect((await b.deliver(body)).statusCode).toBe(202);
    const held = await ticketCreated(b);

    expect(jsm.creates).toHaveLength(1);
    expect(jsm.creates[0]).toMatchObject({ serviceDeskId: deskId, raiseOnBehalfOf: JANE.accountId, requestFieldValues: { customfield_10050: 'GitHub / Org Admin', summary: 'Grant GitHub / Org Admin for Jane Doe' } });
    expect(held.fields['ticketKey']).toBe('ITHELP-1');
    expect(held.fields['ticketUrl']).toBe(`${peers.jira.url}/servicedesk/customer/portal/${deskId}/ITHELP-1`);
    const issue = peers.jira.issues.get('ITHELP-1');
    expect(issue?.fields.labels).toEqual(['c1-task-2pQdTask0001']);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' });
    expect(String(issue?.fields['description'])).not.toContain('Raised by the bridge');

    expect((await postJiraEvent(b, peers.jira.transition('ITHELP-1', 'Resolved', 'done', 'Done'))).json()).toEqual({ status: 'accepted' });
    const sent = await callbackOf(token);
    expect(sent.complete?.comment).toContain('ITHELP-1');
    await waitFor('the bridge comment on the request', () => peers.jira.issues.get('ITHELP-1')?.comments[0]);
    expect(adfToText(peers.jira.issues.get('ITHELP-1')?.comments[0]?.body)).toBe('The bridge reported this task to ConductorOne as complete.');
    expect(peers.callbacksTo(token)).toHaveLength(1);
  });

  it('revoke → a request → Declined → one errored callback', async () => {
    jsm.addUser(JANE);
    const b = await bridge();
    const revoke = loadFixture('provision-revoke');
    revoke.callbackUrl = peers.c1.callbackUrl('revoke-token');
    await b.deliver(revoke);
    const held = await ticketCreated(b, '2pQdTask0002', '2pQdStepProv2');
    expect(held.fields['ticketKey']).toBe('ITHELP-1');
    expect(jsm.creates[0]).toMatchObject({ requestFieldValues: { customfield_10050: 'Salesforce / System Administrator' } });
    await postJiraEvent(b, peers.jira.transition('ITHELP-1', 'Closed', 'done', 'Declined'));
    const sent = await callbackOf('revoke-token');
    expect(Object.keys(sent)).toEqual(['version', 'errored']);
  });

  it("a route's status map decides the request: its complete status completes while its category is not Done", async () => {
    const b = await bridge({ ...PORTAL, outcome: { complete: ['Access granted'], errored: ['Access refused'] } });
    const { body, token } = peers.grant();
    await b.deliver(body);
    await ticketCreated(b);
    // Done by category but in neither list: stays open.
    await postJiraEvent(b, peers.jira.transition('ITHELP-1', 'Resolved', 'done', 'Done'));
    await postJiraEvent(b, peers.jira.transition('ITHELP-1', 'Access granted', 'indeterminate', null));
    const sent = await callbackOf(token);
    expect(sent.complete).toBeDefined();
    expect(peers.callbacksTo(token)).toHaveLength(1);
  });

  it("a user Jira does not know: raised as the bridge's account, saying so in the description and the log", async () => {
    const b = await bridge();
    const { body } = peers.grant();
    await b.deliver(body);
    await ticketCreated(b);
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(String(peers.jira.issues.get('ITHELP-1')?.fields['description'])).toMatch(/^Raised by the bridge's account, not on behalf of the user: no active Jira user has the email jane\.doe@acme\.com\.\n\n/);
    expect(b.logs.find((line) => line['msg'] === "raising the request as the bridge's account: the task's user was not found in Jira")).toMatchObject({ level: 40, taskId: '2pQdTask0001', route: 'access-portal' });
  });

  it("a user whose email Jira hides: raised as the bridge's account, never a failed task", async () => {
    jsm.addUser({ ...JANE, emailHidden: true });
    const b = await bridge();
    await b.deliver(peers.grant().body);
    await ticketCreated(b);
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(String(peers.jira.issues.get('ITHELP-1')?.fields['description'])).toContain('Jira hides the email');
  });

  it("a user lookup Jira refuses for good: still raised, as the bridge's account, saying why; a passing failure is retried", async () => {
    jsm.addUser(JANE);
    const b = await bridge();
    peers.jira.inject([{ status: 400, message: 'The query parameter is not valid' }], { method: 'GET', pathPrefix: '/rest/api/3/user/search' });
    await b.deliver(peers.grant().body);
    await ticketCreated(b);
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(String(peers.jira.issues.get('ITHELP-1')?.fields['description'])).toMatch(/^Raised by the bridge's account, not on behalf of the user: the user lookup failed \(Jira find user by email: Jira refused with 400/);

    peers.jira.inject([{ status: 503 }], { method: 'GET', pathPrefix: '/rest/api/3/user/search' });
    const second = peers.grant();
    second.body.payload.taskView.task.id = '2pQdTask0009';
    await b.deliver(second.body);
    await ticketCreated(b, '2pQdTask0009');
    expect(jsm.creates.at(-1)).toMatchObject({ raiseOnBehalfOf: JANE.accountId });
  });

  it('a required field the route leaves empty: one errored callback in JSM\'s words, no request', async () => {
    const b = await bridge({ ...PORTAL, requestType: 'Laptop' });
    const { body, token } = peers.grant();
    await b.deliver(body);
    const sent = await callbackOf(token);
    expect(sent.errored?.comment).toContain('No ticket was opened');
    expect(sent.errored?.comment).toContain('Jira refused with 400: Cost centre: this field is required');
    await waitFor('the record to be reported', async () => (await record(b))?.state === 'reported');
    expect(peers.jira.issues.size).toBe(0);
    expect(peers.callbacksTo(token)).toHaveLength(1);
    // Permanent: tried once, not jobs.attempts times.
    expect(jsm.creates).toHaveLength(1);
  });

  it('with jobs.onCreateFailure: hold the same failure sends nothing and holds the job', async () => {
    const b = await bridge({ ...PORTAL, requestType: 'Laptop' }, { jobs: { attempts: 3, backoffMs: 20, onCreateFailure: 'hold' } });
    const { body, token } = peers.grant();
    await b.deliver(body);
    await waitFor('the job to fail', async () => (await b.deps.queues.createTicket.getFailedCount()) === 1);
    const held = await record(b);
    expect(held?.history.map((entry) => entry.event)).toEqual(['received', 'create_held']);
    expect(held?.history[1]?.detail).toContain('Cost centre: this field is required');
    expect(peers.callbacksTo(token)).toHaveLength(0);
    expect(peers.jira.issues.size).toBe(0);
  });

  it('an unknown service desk or request type: one errored callback naming what exists, nothing opened', async () => {
    const b = await bridge({ ...PORTAL, serviceDesk: 'ITHLP' });
    const { body, token } = peers.grant();
    await b.deliver(body);
    expect((await callbackOf(token)).errored?.comment).toContain(`Jira Service Management has no service desk "ITHLP" (by id or project key); the bridge's account sees: ITHELP (id ${deskId})`);

    // A second bridge (its own Redis prefix) with the other mistake.
    const other = await bridge({ ...PORTAL, requestType: 'Access please' });
    const second = peers.grant();
    await other.deliver(second.body);
    expect((await callbackOf(second.token)).errored?.comment).toMatch(/has no request type "Access please" \(by name or id\); it has: "Request access" \(id \d+\), "Laptop" \(id \d+\)/);
    expect(jsm.creates).toHaveLength(0);
    expect(peers.jira.issues.size).toBe(0);
  });

  it('hostile names in requestFields reach JSM as plain text, character for character', async () => {
    const hostile = 'Jane "}]}, {"type":"mention","attrs":{"id":"x"}} <b>&amp;</b> [evil|https://evil.example] {code}\\ ✓';
    const b = await bridge({ ...PORTAL, requestFields: { customfield_10050: '{{ user.name }}', summary: 'Access for {{ user.name }}' } });
    const { body } = peers.grant();
    const user = body.payload.expanded[2] as { displayName: string };
    user.displayName = hostile;
    await b.deliver(body);
    await ticketCreated(b);
    const values = jsm.creates[0]?.['requestFieldValues'] as Record<string, unknown>;
    expect(values['customfield_10050']).toBe(hostile);
    expect(values['summary']).toBe(`Access for ${hostile}`);
    expect(peers.jira.issues.get('ITHELP-1')?.fields['customfield_10050']).toBe(hostile);
  });

  it("a worker that dies between JSM's answer and the record write leaves exactly one request, found by its label", async () => {
    jsm.addUser(JANE);
    const b = await bridge();
    const store = b.deps.jobs.store;
    const real = store.markTicketCreated.bind(store);
    let crashes = 1;
    store.markTicketCreated = async (...args) => {
      if (crashes > 0) {
        crashes -= 1;
        throw new Error('simulated crash after the request was created');
      }
      return real(...args);
    };
    await b.deliver(peers.grant().body);
    const held = await ticketCreated(b);
    expect(jsm.creates).toHaveLength(1);
    expect(peers.jira.issues.size).toBe(1);
    expect(held.fields['ticketKey']).toBe('ITHELP-1');
    // Found again, it is the same request as created: its service desk's project and its portal link.
    expect(held.fields['ticketUrl']).toBe(`${peers.jira.url}/servicedesk/customer/portal/${deskId}/ITHELP-1`);
    expect(peers.jira.requests.some((request) => request.path.startsWith('/rest/api/3/search/jql'))).toBe(true);
  });
});
