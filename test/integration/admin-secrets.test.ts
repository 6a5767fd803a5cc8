import { describe, expect, it } from 'vitest';
import { reportOutcome } from '../../src/ingest/report-outcome.ts';
import { useFakePeers } from '../helpers/fake-peers.ts';
import type { TestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

const peers = useFakePeers();
const STEP = '2pQdStepProv';
const auth = { authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` };
const STATUSES = ['latest', 'active', 'waiting', 'waiting-children', 'prioritized', 'completed', 'failed', 'delayed', 'paused'];

async function getJson(b: TestBridge, url: string): Promise<{ text: string; json: unknown }> {
  const response = await b.app.inject({ url, headers: auth });
  expect(response.statusCode, url).toBe(200);
  return { text: response.body, json: response.json() };
}

/** Every answer of the dashboard's own JSON API about every queue, in every status, and every job it lists. */
async function dashboardAnswers(b: TestBridge): Promise<{ texts: string[]; jobs: Array<{ queue: string; id: string; data: unknown }> }> {
  const texts: string[] = [];
  const jobs = new Map<string, { queue: string; id: string; data: unknown }>();
  for (const queue of b.deps.queues.all.map((q) => q.name)) {
    for (const status of STATUSES) {
      const { text, json } = await getJson(b, `/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=50`);
      texts.push(text);
      const listed = (json as { queues: Array<{ name: string; jobs: Array<{ id: string; data: unknown }> }> }).queues.find((q) => q.name === queue)?.jobs ?? [];
      for (const job of listed) jobs.set(`${queue}/${job.id}`, { queue, id: job.id, data: job.data });
    }
  }
  for (const job of jobs.values()) texts.push((await getJson(b, `/admin/queues/api/queues/${job.queue}/${encodeURIComponent(job.id)}`)).text);
  return { texts, jobs: [...jobs.values()] };
}

describe('callback URLs are credentials: the queue dashboard and /admin never show a callback token', () => {
  it('holds for held, failed and completed jobs of every queue, on the dashboard JSON API and /admin/tasks', async () => {
    const b = await peers.bridge({ admin: { username: 'ops', password: 's3cret' }, jobs: { attempts: 2, backoffMs: 20, onCreateFailure: 'hold' } });
    const tokens: string[] = [];
    const deliver = async (taskId: string) => {
      const { body, token } = peers.grant(`SECRET-CALLBACK-TOKEN-${taskId}`);
      body.payload.taskView.task.id = taskId;
      tokens.push(token);
      expect((await b.deliver(body)).statusCode).toBe(202);
    };
    // A create Jira refuses (held: a failed job), a created ticket whose callback fails twice (a failed callback
    // job), and a created ticket whose callback lands (completed jobs).
    peers.jira.inject([{ status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    await deliver('taskHeld');
    await waitFor('the held create', async () => (await b.deps.queues.createTicket.getFailedCount()) === 1);
    for (const taskId of ['taskCallbackFails', 'taskDone']) {
      await deliver(taskId);
      await waitFor(`${taskId}'s ticket`, async () => (await b.deps.correlationStore.get(taskId, STEP))?.state === 'ticket_created');
    }
    peers.c1.failCallbacks(2, 503);
    const [failing, done] = [...peers.jira.issues.values()];
    for (const [issue, taskId, state] of [
      [failing, 'taskCallbackFails', 'callback_failed'],
      [done, 'taskDone', 'reported'],
    ] as const) {
      // What a Jira resolution event leads to, once verified.
      await reportOutcome(b.deps.jobs, { taskId, stepId: STEP }, 'complete', `Jira issue ${issue?.key ?? ''} was resolved`);
      await waitFor(`${taskId}'s callback`, async () => (await b.deps.correlationStore.get(taskId, STEP))?.state === state);
    }

    const { texts, jobs } = await dashboardAnswers(b);
    // The dashboard does show the jobs and their data: the absence below is not an empty page.
    expect(jobs.map((job) => `${job.queue}/${job.id}`).sort()).toEqual(
      ['create-ticket/taskCallbackFails|2pQdStepProv', 'create-ticket/taskDone|2pQdStepProv', 'create-ticket/taskHeld|2pQdStepProv', 'send-callback/taskCallbackFails|2pQdStepProv', 'send-callback/taskDone|2pQdStepProv'],
    );
    const held = jobs.find((job) => job.id === 'taskHeld|2pQdStepProv');
    expect(held?.data).toMatchObject({ taskId: 'taskHeld', stepId: STEP, request: { taskId: 'taskHeld', kind: 'grant' } });
    expect(held?.data).not.toHaveProperty('request.callbackUrl');
    for (const text of texts) {
      for (const token of tokens) expect(text).not.toContain(token);
      expect(text).not.toContain('/webhooks/callback/');
    }

    for (const taskId of ['taskHeld', 'taskCallbackFails', 'taskDone']) {
      const task = await b.app.inject({ url: `/admin/tasks/${taskId}`, headers: auth });
      expect(task.statusCode).toBe(200);
      expect(task.json()).toMatchObject({ steps: [{ callbackOrigin: peers.c1.url }] });
      for (const token of tokens) expect(task.body).not.toContain(token);
    }
  });
});
