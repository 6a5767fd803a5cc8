import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { liveMarkup } from '../../helpers/wiki-markup-check.ts';

// The whole loop through a Jira Data Center desk: C1 grant → REST v2 issue (wiki markup) → Data Center webhook
// (X-Hub-Signature when the webhook has a secret, or basic credentials in its URL: Atlassian, "Managing webhooks",
// confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html) → callback to C1. The fake Data Center
// cites its sources (PAT, serverInfo, REST v2, rate limiting) in its own header.
const GRANT = { taskId: '2pQdTask0001', stepId: '2pQdStepProv' };
const REVOKE = { taskId: '2pQdTask0002', stepId: '2pQdStepProv2' };
const SECRET = 'dc-webhook-secret';
const HOSTILE = '[Jane|http://evil.example/login] {color:red}admin{color} h1. x';
const JANE = { name: 'jdoe', key: 'JIRAUSER10000', emailAddress: 'jane.doe@acme.com', displayName: 'Jane Doe', active: true };

let c1: FakeConductorOne;
let dc: FakeJiraDc;
let bridge: TestBridge | undefined;
beforeAll(async () => {
  [c1, dc] = await Promise.all([startFakeConductorOne(), startFakeJiraDc()]);
});
afterAll(async () => {
  await Promise.all([c1.close(), dc.close()]);
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  dc.reset();
  c1.callbacks.length = 0;
});

interface Setup {
  jira?: Record<string, unknown>;
  route?: Record<string, unknown>;
  jobs?: Record<string, unknown>;
  workers?: boolean;
}

async function dcBridge(setup: Setup = {}): Promise<TestBridge> {
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: dc.url, deployment: 'datacenter', token: 'dc-personal-access-token', webhookSecret: SECRET, indexLagSeconds: 0, ...setup.jira },
      routes: [{ name: 'access', jira: { project: 'OPS', ...setup.route } }],
      jobs: { attempts: 3, backoffMs: 20, ...setup.jobs },
      reconcile: { intervalSeconds: 0 },
    },
  });
  if (setup.workers !== false) await bridge.deps.startWorkers();
  return bridge;
}

async function deliver(b: TestBridge, name: 'provision-grant' | 'provision-revoke', rewrite: (json: string) => string = (json) => json): Promise<string> {
  const token = `${name}-${randomUUID()}`;
  const fixture = JSON.parse(rewrite(JSON.stringify(loadFixture(name)))) as ReturnType<typeof loadFixture>;
  fixture.callbackUrl = c1.callbackUrl(token);
  expect((await b.deliver(fixture)).statusCode).toBe(202);
  return token;
}

const record = (b: TestBridge, step: { taskId: string; stepId: string }) => b.deps.correlationStore.get(step.taskId, step.stepId);
const onRecord = (b: TestBridge, step: { taskId: string; stepId: string }) => waitFor('the ticket on record', async () => (await record(b, step))?.state === 'ticket_created');

async function callbackTo(token: string): Promise<{ version: string; complete?: { comment?: string }; errored?: { comment: string } }> {
  const sent = await waitFor('the callback', () => c1.callbacks.find((request) => request.path.endsWith(`/${token}`)));
  return JSON.parse(sent.body) as { version: string; complete?: { comment?: string }; errored?: { comment: string } };
}

function signedEvent(b: TestBridge, body: Record<string, unknown>, signature?: string) {
  const text = JSON.stringify(body);
  return b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: text, headers: { 'content-type': 'application/json', 'x-hub-signature': signature ?? dc.sign(text, SECRET) } });
}

function basicEvent(b: TestBridge, body: Record<string, unknown>, password: string) {
  // What a webhook URL https://jira:<password>@bridge/webhooks/jira arrives as.
  const authorization = `Basic ${Buffer.from(`jira:${password}`).toString('base64')}`;
  return b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization } });
}

const issueCreates = () => dc.requests.filter((request) => request.method === 'POST' && request.path === '/rest/api/2/issue');

describe('Jira Data Center, the whole loop through the bridge', () => {
  it('grant → a REST v2 issue in wiki markup with hostile names inert → signed webhook → complete callback', async () => {
    const b = await dcBridge();
    const token = await deliver(b, 'provision-grant', (json) => json.replaceAll('"Jane Doe"', JSON.stringify(HOSTILE)));
    await onRecord(b, GRANT);
    const issue = dc.issues.get('OPS-1');
    expect(issue?.fields.labels).toContain(`c1-task-${GRANT.taskId}`);
    expect(issue?.properties['c1-ticket-bridge']).toMatchObject(GRANT);
    const description = issue?.fields.description ?? '';
    expect(typeof description).toBe('string');
    expect(liveMarkup(description)).toBeUndefined();
    expect(wikiToText(description)).toContain(`User: ${HOSTILE}`);
    expect((await record(b, GRANT))?.fields).toMatchObject({ ticketSystem: 'jira', ticketKey: 'OPS-1', ticketRoute: 'access' });
    // Nothing went to Jira Cloud's API: every call was REST v2.
    expect(dc.requests.filter((request) => request.path.startsWith('/rest/') && !request.path.startsWith('/rest/api/2/'))).toEqual([]);

    const answer = await signedEvent(b, dc.resolve('OPS-1'));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'accepted' });
    const sent = await callbackTo(token);
    expect(sent.version).toBe('v1');
    expect(sent.complete).toBeDefined();
    expect(sent.errored).toBeUndefined();
    await waitFor('the grant reported', async () => (await record(b, GRANT))?.fields['outcome'] === 'complete');
  });

  it("a route's extra fields: multi-line text is written as inert wiki markup, single-line values are sent as rendered", async () => {
    const b = await dcBridge({
      route: { fields: { customfield_10080: 'Requested by {{ user.name }}\nfor {{ app.name }}', customfield_10081: '{{ user.name }}', duedate: '2030-01-01', priority: { name: 'High' } } },
    });
    await deliver(b, 'provision-grant', (json) => json.replaceAll('"Jane Doe"', JSON.stringify(HOSTILE)));
    await onRecord(b, GRANT);
    const fields: Record<string, unknown> = dc.issues.get('OPS-1')?.fields ?? {};
    const area = fields['customfield_10080'] as string;
    expect(liveMarkup(area)).toBeUndefined();
    expect(wikiToText(area)).toBe(`Requested by ${HOSTILE}\nfor GitHub`);
    // Single-line: may be a date, a number or an id, which an escape would break (README says so).
    expect(fields['customfield_10081']).toBe(HOSTILE);
    expect(fields['duedate']).toBe('2030-01-01');
    expect(fields['priority']).toEqual({ name: 'High' });
  });

  it('revoke → resolved, the webhook proven by basic credentials whose password is the secret → complete callback', async () => {
    const b = await dcBridge();
    const token = await deliver(b, 'provision-revoke');
    await onRecord(b, REVOKE);
    const refused = await basicEvent(b, dc.resolve('OPS-1'), 'not-the-secret');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'unauthorized', message: expect.any(String) as string });
    const accepted = await basicEvent(b, dc.resolve('OPS-1'), SECRET);
    expect(accepted.statusCode).toBe(200);
    expect((await callbackTo(token)).complete).toBeDefined();
    await waitFor('the revoke reported', async () => (await record(b, REVOKE))?.fields['outcome'] === 'complete');
  });

  it('a wrong X-Hub-Signature is refused 401 with JSON and queues nothing, even with the right basic credentials beside it', async () => {
    const b = await dcBridge({ workers: false });
    const workers = await b.deps.startWorkers();
    await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    // No worker takes a check from here on: whatever the event queued would stay in the queue.
    await workers.close();
    const body = dc.resolve('OPS-1');
    const text = JSON.stringify(body);
    const wrong = await b.app.inject({
      method: 'POST',
      url: '/webhooks/jira',
      payload: text,
      headers: { 'content-type': 'application/json', 'x-hub-signature': dc.sign(text, 'another-secret'), authorization: `Basic ${Buffer.from(`jira:${SECRET}`).toString('base64')}` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'unauthorized', message: 'missing or invalid Jira webhook signature' });
    expect(await b.deps.queues.checkTicket.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0 });
    expect((await record(b, GRANT))?.state).toBe('ticket_created');
    // The count above would see a queued check: the right signature queues one.
    expect((await signedEvent(b, body)).statusCode).toBe(200);
    expect(await b.deps.queues.checkTicket.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it("a route's status map decides: Done is in neither list and stays open, its own status completes", async () => {
    const b = await dcBridge({ route: { outcome: { complete: ['Provisioned'], errored: ['Refused'] } } });
    const token = await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    expect((await signedEvent(b, dc.resolve('OPS-1'))).statusCode).toBe(200);
    await checksSettled(b);
    expect((await record(b, GRANT))?.fields['outcome']).toBeUndefined();
    expect(c1.callbacks).toEqual([]);
    expect((await signedEvent(b, dc.transition('OPS-1', 'provisioned', 'indeterminate'))).statusCode).toBe(200);
    expect((await callbackTo(token)).complete).toBeDefined();
  });

  it('reporter: subject and userFields name the task user Jira knows by email, as {name}', async () => {
    dc.users.push(JANE);
    const b = await dcBridge({ route: { reporter: 'subject', userFields: ['customfield_10070'] } });
    await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    const fields = dc.issues.get('OPS-1')?.fields;
    expect(fields?.['reporter']).toEqual({ name: 'jdoe' });
    expect(fields?.['customfield_10070']).toEqual({ name: 'jdoe' });
    expect(wikiToText(fields?.description ?? '')).not.toContain('Requested for');
    expect(dc.requests.filter((request) => request.path.startsWith('/rest/api/2/user/search'))).toHaveLength(1);
  });

  it('a task user Jira does not know: the issue is still created, by the bridge, with a line and a log line', async () => {
    const b = await dcBridge({ route: { reporter: 'subject', userFields: ['customfield_10070'] } });
    const token = await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    const fields = dc.issues.get('OPS-1')?.fields;
    expect(fields?.['reporter']).toEqual({ name: 'c1bridge' });
    expect(fields?.['customfield_10070']).toBeUndefined();
    expect(wikiToText(fields?.description ?? '')).toMatch(
      /^Requested for jane\.doe@acme\.com, who was not found in Jira \(no active Jira user has the email jane\.doe@acme\.com\); this ticket is reported by the bridge's account; customfield_10070 is left empty\./,
    );
    expect(b.logs.find((line) => line['msg'] === 'reporter not found in Jira: the ticket is reported by the bridge account')).toMatchObject({
      level: 40,
      taskId: GRANT.taskId,
      reason: 'no active Jira user has the email jane.doe@acme.com',
      fields: ['customfield_10070'],
    });
    expect(c1.callbacks.filter((request) => request.path.endsWith(`/${token}`))).toEqual([]);
  });

  it('a login page instead of JSON fails the create for good, with the clear message in the errored callback', async () => {
    dc.loginPageOnly = true;
    const b = await dcBridge();
    const token = await deliver(b, 'provision-grant');
    const sent = await callbackTo(token);
    expect(sent.errored?.comment).toContain('Jira answered with a login page: the token is not accepted');
    await waitFor('the record to be reported', async () => (await record(b, GRANT))?.state === 'reported');
    // Permanent: one try, not jobs.attempts.
    expect(issueCreates()).toHaveLength(1);
    expect(dc.issues.size).toBe(0);
  });

  it("429 pauses the desk for its Retry-After, then the issue is created once", async () => {
    const b = await dcBridge({ jobs: { attempts: 2 } });
    dc.inject([{ status: 429, retryAfterSeconds: 1 }]);
    await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    expect(b.logs.find((line) => line['msg'] === 'desk asked to slow down: its calls wait, other desks go on')).toMatchObject({ desk: 'jira', pauseMs: 1000 });
    expect(dc.issues.size).toBe(1);
    expect(issueCreates()).toHaveLength(2);
  });

  it('deployment unset with a token alone: detected from serverInfo at first use, logged, and Data Center is spoken', async () => {
    const b = await dcBridge({ jira: { deployment: undefined } });
    await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    expect(dc.requests.filter((request) => request.path === '/rest/api/2/serverInfo')).toHaveLength(1);
    expect(b.logs.find((line) => line['msg'] === 'Jira deployment detected from serverInfo')).toMatchObject({ level: 30, deployment: 'datacenter', deploymentType: 'Server', version: '9.12.3' });
    expect(typeof dc.issues.get('OPS-1')?.fields.description).toBe('string');
    // Such a desk takes Data Center's basic-credential proof as well as the signature.
    expect((await basicEvent(b, dc.resolve('OPS-1'), SECRET)).statusCode).toBe(200);
    await waitFor('the grant reported', async () => (await record(b, GRANT))?.fields['outcome'] === 'complete');
  });

  it('a desks: entry of kind jira on Data Center: its own name on refs, pauses and events at /webhooks/<name>', async () => {
    bridge = await startTestBridge({
      c1,
      config: {
        conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
        desks: { 'jira-legacy': { kind: 'jira', deployment: 'datacenter', baseUrl: dc.url, username: 'c1bridge', password: 'dc-password', webhookSecret: SECRET, indexLagSeconds: 0 } },
        routes: [{ name: 'legacy', desk: 'jira-legacy', jira: { project: 'OPS' } }],
        jobs: { attempts: 2, backoffMs: 20 },
        reconcile: { intervalSeconds: 0 },
      },
    });
    const b = bridge;
    await b.deps.startWorkers();
    dc.inject([{ status: 429, retryAfterSeconds: 1 }]);
    const token = await deliver(b, 'provision-grant');
    await onRecord(b, GRANT);
    expect(b.logs.find((line) => line['msg'] === 'desk asked to slow down: its calls wait, other desks go on')).toMatchObject({ desk: 'jira-legacy' });
    expect((await record(b, GRANT))?.fields).toMatchObject({ ticketSystem: 'jira-legacy', ticketKey: 'OPS-1', ticketRoute: 'legacy' });
    const body = dc.resolve('OPS-1');
    const authorization = `Basic ${Buffer.from(`jira:${SECRET}`).toString('base64')}`;
    const onKindPath = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization } });
    expect(onKindPath.statusCode).toBe(404);
    const answer = await b.app.inject({ method: 'POST', url: '/webhooks/jira-legacy', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization } });
    expect(answer.statusCode).toBe(200);
    expect((await callbackTo(token)).complete).toBeDefined();
  });
});
