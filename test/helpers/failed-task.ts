import { randomUUID } from 'node:crypto';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from './test-bridge.ts';
import { waitFor } from './wait-for.ts';

export const CONSOLE_ADMIN = { username: 'ops', password: 'console-secret' };
export const JIRA_WEBHOOK_SECRET = 'console-jira-secret';
/** The job id of the grant fixture's one step. */
export const GRANT_JOB_ID = '2pQdTask0001|2pQdStepProv';

export interface FailedTask {
  c1: FakeConductorOne;
  jira: FakeJira;
  bridge: TestBridge;
  /** The token in the task's callback URL: it must never appear on a page. */
  callbackToken: string;
  close(): Promise<void>;
}

/**
 * A bridge with the console on and workers running, and one grant whose create-ticket job failed for good because
 * Jira refused the issue (400 with its own message) and was held (`jobs.onCreateFailure: hold`): what an operator
 * finds and replays.
 */
export async function startBridgeWithFailedTask(): Promise<FailedTask> {
  const c1 = await startFakeConductorOne();
  const jira = await startFakeJira();
  const bridge = await startTestBridge({
    c1,
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: JIRA_WEBHOOK_SECRET },
      defaultRoute: { jira: { project: 'OPS' } },
      reconcile: { intervalSeconds: 0 },
      // Held, not reported: the failed job waits in the failed set for the operator, as this helper promises.
      jobs: { attempts: 1, backoffMs: 20, onCreateFailure: 'hold' },
      admin: CONSOLE_ADMIN,
    },
  });
  await bridge.deps.startWorkers();
  jira.inject([{ status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
  const body = loadFixture('provision-grant');
  const callbackToken = `console-${randomUUID()}`;
  body.callbackUrl = c1.callbackUrl(callbackToken);
  const accepted = await bridge.deliver(body);
  if (accepted.statusCode !== 202) throw new Error(`the grant was not accepted: ${accepted.statusCode.toString()} ${accepted.body}`);
  await waitFor('the job to fail', async () => (await bridge.deps.queues.createTicket.getFailedCount()) === 1);
  return {
    c1,
    jira,
    bridge,
    callbackToken,
    async close() {
      await bridge.close();
      await c1.close();
      await jira.close();
    },
  };
}
