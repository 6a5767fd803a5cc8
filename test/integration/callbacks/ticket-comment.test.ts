/**
 * After the callback, send-callback comments on the ticket; a desk that refuses the comment never undoes the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'jira-webhook-secret';
let c1: FakeConductorOne;
let jira: FakeJira;
let bridge: TestBridge;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  jira = await startFakeJira();
  bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: SECRET },
      defaultRoute: { jira: { project: 'OPS' } },
      jobs: { attempts: 3, backoffMs: 10 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await jira.close();
  await c1.close();
});

describe('send-callback: the comment on the ticket', () => {
  it('a comment Jira refuses is logged as a warning, and the step stays reported with one callback', async () => {
    const fixture = loadFixture('provision-grant');
    fixture.callbackUrl = c1.callbackUrl('comment-refused');
    expect((await bridge.deliver(fixture)).statusCode).toBe(202);
    await waitFor('the ticket', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    // The bridge names the issue by its id, which survives a move to another project.
    const issueId = jira.issues.get('OPS-1')?.id ?? '';
    jira.inject([{ status: 400, message: 'Comment body is not valid' }], { method: 'POST', pathPrefix: `/rest/api/3/issue/${issueId}/comment` });
    const event = JSON.stringify(jira.transition('OPS-1', "Won't Do", 'done', "Won't Do"));
    const answer = await bridge.app.inject({ method: 'POST', url: '/webhooks/jira', payload: event, headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, SECRET) } });
    expect(answer.statusCode).toBe(200);
    const warning = await waitFor('the warning', () => bridge.logs.find((line) => line['msg'] === 'could not comment on the ticket'));
    expect(warning).toMatchObject({ level: 40, ticket: 'OPS-1', taskId: '2pQdTask0001' });
    expect(String(warning['err'])).toContain('Comment body is not valid');
    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.state).toBe('reported');
    expect(record?.fields['callbackResult']).toBe('errored: ConductorOne answered 200');
    expect(record?.history.map((entry) => entry.event)).toEqual(['received', 'ticket_created', 'outcome_decided', 'reported']);
    expect(c1.callbacks.filter((callback) => callback.path.endsWith('/comment-refused'))).toHaveLength(1);
    expect(jira.issues.get('OPS-1')?.comments).toEqual([]);
  });
});
