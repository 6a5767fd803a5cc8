import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Jira Cloud: the task's user found by email (GET /rest/api/3/user/search?query=, desks.md §6, on the fake Jira Cloud
// with the fake JSM's user directory) and named as reporter and in user-picker fields by accountId
// (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/).
const GRANT = { taskId: '2pQdTask0001', stepId: '2pQdStepProv' };
const SECRET = 'cloud-webhook-secret';

let c1: FakeConductorOne;
let jira: FakeJira;
let jsm: FakeJsm;
let bridge: TestBridge | undefined;
beforeAll(async () => {
  [c1, jira] = await Promise.all([startFakeConductorOne(), startFakeJira()]);
  jsm = mountFakeJsm(jira);
});
afterAll(async () => {
  await Promise.all([c1.close(), jira.close()]);
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  jira.reset();
  jsm.reset();
  c1.callbacks.length = 0;
});

async function cloudBridge(route: Record<string, unknown>): Promise<TestBridge> {
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: SECRET, indexLagSeconds: 0 },
      routes: [{ name: 'access', jira: { project: 'OPS', ...route } }],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
  const fixture = loadFixture('provision-grant');
  fixture.callbackUrl = c1.callbackUrl(`grant-${randomUUID()}`);
  expect((await bridge.deliver(fixture)).statusCode).toBe(202);
  await waitFor('the ticket on record', async () => (await bridge?.deps.correlationStore.get(GRANT.taskId, GRANT.stepId))?.state === 'ticket_created');
  return bridge;
}

/** The text of an ADF document, its text nodes in order. */
function adfText(node: unknown): string {
  const n = node as { text?: string; content?: unknown[] } | undefined;
  return (n?.text ?? '') + (n?.content ?? []).map(adfText).join('');
}

const fieldsOf = () => jira.issues.get('OPS-1')?.fields as Record<string, unknown> | undefined;

describe('Jira Cloud: requested for the task user', () => {
  it('reporter: subject and userFields carry the accountId of the user whose email matches', async () => {
    jsm.addUser({ accountId: '557058:jane', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com' });
    await cloudBridge({ reporter: 'subject', userFields: ['customfield_10070'] });
    expect(fieldsOf()?.['reporter']).toEqual({ accountId: '557058:jane' });
    expect(fieldsOf()?.['customfield_10070']).toEqual({ accountId: '557058:jane' });
    expect(adfText(fieldsOf()?.['description'])).not.toContain('Requested for');
  });

  it('an email hidden by the user\'s profile visibility: created by the bridge, with a line and a log line', async () => {
    jsm.addUser({ accountId: '557058:jane', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com', emailHidden: true });
    const b = await cloudBridge({ reporter: 'subject' });
    expect(fieldsOf()?.['reporter']).toBeUndefined();
    const reason = 'Jira hides the email of the user(s) it found for jane.doe@acme.com (profile visibility), so none can be confirmed';
    expect(adfText(fieldsOf()?.['description'])).toContain(`Requested for jane.doe@acme.com, who was not found in Jira (${reason}); this ticket is reported by the bridge's account.`);
    expect(b.logs.find((line) => line['msg'] === 'reporter not found in Jira: the ticket is reported by the bridge account')).toMatchObject({ level: 40, taskId: GRANT.taskId, reason });
  });

  it('a user-picker field alone, user not found: the field is left empty and the description says so', async () => {
    const b = await cloudBridge({ userFields: ['customfield_10070', 'customfield_10071'] });
    expect(fieldsOf()?.['customfield_10070']).toBeUndefined();
    expect(adfText(fieldsOf()?.['description'])).toContain('(no active Jira user has the email jane.doe@acme.com); customfield_10070, customfield_10071 are left empty.');
    expect(b.logs.find((line) => line['msg'] === 'task user not found in Jira: user fields left empty')).toMatchObject({ fields: ['customfield_10070', 'customfield_10071'] });
  });

  it("a Cloud desk keeps today's event check: signature or X-Bridge-Token, never basic credentials", async () => {
    const b = await cloudBridge({});
    const body = JSON.stringify(jira.transition('OPS-1', 'Done', 'done', 'Done'));
    const headers = { 'content-type': 'application/json' };
    const basic = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { ...headers, authorization: `Basic ${Buffer.from(`jira:${SECRET}`).toString('base64')}` } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json()).toEqual({ error: 'unauthorized', message: 'missing or invalid Jira webhook signature' });
    expect(await b.deps.queues.checkTicket.getJobCounts('waiting', 'active', 'completed')).toEqual({ waiting: 0, active: 0, completed: 0 });
    const token = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { ...headers, 'x-bridge-token': SECRET } });
    expect(token.statusCode).toBe(200);
    await waitFor('the callback', () => c1.callbacks[0]);
  });
});
