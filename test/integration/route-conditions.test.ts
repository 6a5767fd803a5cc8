/**
 * A route whose `when:` cannot be evaluated on a task is skipped, never fatal: the task goes on to the next route,
 * with a warning naming the route and a count in c1tb_route_condition_errors_total.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

let c1: FakeConductorOne;
let jira: FakeJira;
let bridge: TestBridge;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  jira = await startFakeJira();
  bridge = await startTestBridge({
    c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token' },
      routes: [
        // Jane's profile has no `level`: reading it is an evaluation error on this task (no such key).
        { name: 'senior-staff', when: 'subject.profile.level > 3', jira: { project: 'SEC' } },
        { name: 'engineering-code', match: { appName: ['GitLab', 'GitHub'] }, when: 'subject.department == "Engineering" && task.grantDuration >= duration("168h")', jira: { project: 'OPS' } },
      ],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  await bridge.deps.startWorkers();
});
afterAll(async () => {
  await bridge.close();
  await c1.close();
  await jira.close();
});

describe('route conditions on a live bridge', () => {
  it('an evaluation error skips that route with a warning and a metric; the next route takes the task', async () => {
    const body = loadFixture('provision-grant');
    body.callbackUrl = c1.callbackUrl(`token-${randomUUID()}`);
    expect((await bridge.deliver(body)).statusCode).toBe(202);

    const issue = await waitFor('the Jira issue', () => [...jira.issues.values()][0]);
    expect(issue.fields.project.key).toBe('OPS');
    expect(jira.issues.size).toBe(1);
    await waitFor('the record to hold the ticket', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');

    const warning = bridge.logs.find((line) => line['msg'] === 'route condition could not be evaluated on this task: route skipped');
    expect(warning).toMatchObject({ level: 40, route: 'senior-staff', taskId: '2pQdTask0001' });
    expect(String(warning?.['err'])).toContain('level');
    const metrics = (await bridge.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^c1tb_route_condition_errors_total\{route="senior-staff"\} 1$/m);
    expect(bridge.logs.find((line) => line['msg'] === 'ticket created')).toMatchObject({ route: 'engineering-code' });
  });
});
