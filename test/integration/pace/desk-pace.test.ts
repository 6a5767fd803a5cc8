import { describe, expect, it } from 'vitest';
import { stepJobId } from '../../../src/queue/queues.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startOnBothDesks, useBothDesks } from '../../helpers/desk-peers.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Jira's burst limit answers 429 with Retry-After (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/);
// the bridge then leaves Jira alone for that long, in every worker, while ServiceNow work goes on.
const RETRY_AFTER_SECONDS = 60;

const peers = useBothDesks();

async function start(): Promise<TestBridge> {
  const bridge = await startOnBothDesks(peers, {
    routes: [{ name: 'salesforce', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task' } }],
    jobs: { attempts: 3, backoffMs: 20 },
    reconcile: { intervalSeconds: 0 },
  });
  await bridge.deps.startWorkers();
  return bridge;
}

/** A grant (routed to Jira) or a revoke (Salesforce, routed to ServiceNow) for its own task. */
async function deliver(b: TestBridge, fixture: 'provision-grant' | 'provision-revoke', taskId: string): Promise<string> {
  const body = loadFixture(fixture);
  body.payload.taskView.task.id = taskId;
  body.callbackUrl = peers.c1.callbackUrl(`pace-${taskId}`);
  expect((await b.deliver(body)).statusCode).toBe(202);
  return stepJobId(taskId, body.payload.taskView.task.policy.current.id);
}

const jiraCreates = () => peers.jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue').length;

describe('each desk at its own pace', () => {
  it('Jira answering 429 with Retry-After holds only Jira jobs: ServiceNow tasks get their tickets meanwhile', async () => {
    const b = await start();
    peers.jira.inject(Array.from({ length: 20 }, () => ({ status: 429 as const, retryAfterSeconds: RETRY_AFTER_SECONDS })), { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    const jiraJobs = await Promise.all(['jira-1', 'jira-2', 'jira-3'].map((task) => deliver(b, 'provision-grant', task)));
    // Jira said 429: the pause is in Redis for every worker process, for Jira alone.
    await waitFor('the Jira pause', async () => (await b.deps.jobs.pace.waitMs('jira')) > 0);
    await waitFor('every Jira job put back', async () => (await b.deps.queues.createTicket.getJobCounts('delayed')).delayed === jiraJobs.length);
    expect(await b.deps.jobs.pace.waitMs('servicenow')).toBe(0);

    const snTasks = ['sn-1', 'sn-2', 'sn-3', 'sn-4'];
    await Promise.all(snTasks.map((task) => deliver(b, 'provision-revoke', task)));
    await waitFor('a ServiceNow ticket for every revoke', async () => {
      const records = await Promise.all(snTasks.map(async (task) => (await b.deps.correlationStore.findTask(task))[0]));
      return records.every((record) => record?.state === 'ticket_created' && record.fields['ticketSystem'] === 'servicenow');
    });
    expect(peers.sn.tables.get('sc_task')?.size).toBe(snTasks.length);

    // Jira is still paused, its jobs wait without having used an attempt, and Jira was asked only while it allowed it.
    expect(await b.deps.jobs.pace.waitMs('jira')).toBeGreaterThan(0);
    for (const id of jiraJobs) {
      const job = await b.deps.queues.createTicket.getJob(id);
      expect(await job?.getState()).toBe('delayed');
      expect(job?.attemptsMade).toBe(0);
    }
    expect(jiraCreates()).toBeLessThanOrEqual(jiraJobs.length);
    expect(peers.jira.issues.size).toBe(0);
    expect(await b.deps.metrics.registry.getSingleMetricAsString('c1tb_desk_rate_limited_total')).toMatch(/desk="jira"\} [1-9]/);
  });
});
