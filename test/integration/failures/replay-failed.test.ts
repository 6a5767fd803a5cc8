import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { FAILED_PAGE_SIZE } from '../../../src/queue/failed-jobs.ts';
import { writeConfig } from '../../helpers/bridge-process.ts';
import { captureIo } from '../../helpers/capture-io.ts';
import { useFakePeers } from '../../helpers/fake-peers.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../../helpers/redis.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const STEP = '2pQdStepProv';
const peers = useFakePeers();

const configFor = (prefix: string) =>
  writeConfig(['server: { publicUrl: "https://bridge.acme.example" }', `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`, 'conductorone: { tenant: acme.conductor.one }'].join('\n'));

async function cli(args: string[], path: string): Promise<string[]> {
  const io = captureIo();
  expect(await runCli([...args, '--config', path], {}, io.io)).toBe(0);
  expect(io.err).toEqual([]);
  return io.out;
}

/** A grant of its own task whose callback ends failed; `callbackUrl` replaces the fake C1's URL. */
async function failedCallback(b: TestBridge, taskId: string, callbackUrl?: string): Promise<string> {
  const { body, token } = peers.grant();
  body.payload.taskView.task.id = taskId;
  if (callbackUrl !== undefined) body.callbackUrl = callbackUrl;
  await b.deliver(body);
  await waitFor(`${taskId}'s callback to fail`, async () => (await b.deps.correlationStore.get(taskId, STEP))?.state === 'callback_failed');
  return token;
}

describe('replay-failed --queue send-callback', () => {
  it('resends a callback that failed for a transient cause, and says why one refused for good is not resent', async () => {
    // No route: each step is reported errored at once, so its callback is all there is to it.
    const b = await peers.bridge({ defaultRoute: undefined, jobs: { attempts: 2, backoffMs: 20 } });
    const path = configFor(b.prefix);

    peers.c1.failCallbacks(2, 503);
    const transientToken = await failedCallback(b, 'taskTransient');
    peers.c1.failCallbacks(1, 400);
    await failedCallback(b, 'taskRefused');
    await failedCallback(b, 'taskForeign', 'https://callbacks.evil.example/api/v1/webhooks/callback/stolen');
    expect((await b.deps.correlationStore.get('taskTransient', STEP))?.fields['callbackResult']).toBe('callback answered 503, after 2 attempt(s)');
    expect(b.logs.find((line) => line['msg'] === 'callback failed after every attempt; replay-failed --queue send-callback sends it again')).toMatchObject({ taskId: 'taskTransient' });

    const listed = await cli(['list-failed', '--queue', 'send-callback'], path);
    expect(listed.at(-1)).toBe('3 failed job(s)');

    const dry = await cli(['replay-failed', '--queue', 'send-callback', '--dry-run'], path);
    expect(dry.find((line) => line.startsWith('would replay send-callback  taskTransient|'))).toBeDefined();
    const why = (taskId: string, lines: string[]) => lines[lines.findIndex((line) => line.startsWith(`not replayed send-callback  ${taskId}|`)) + 1];
    expect(why('taskRefused', dry)).toBe('  why: refused for good, sending it again cannot help: ConductorOne answered 400: {"code":14,"message":"unavailable"}');
    expect(why('taskForeign', dry)).toBe(
      "  why: refused for good, sending it again cannot help: refused: the callback URL's origin https://callbacks.evil.example is not in conductorone.callbackOrigins",
    );
    expect(dry.at(-1)).toBe('would replay 1 job(s); 2 not replayed (why: above)');
    expect((await b.deps.correlationStore.get('taskTransient', STEP))?.state).toBe('callback_failed');
    expect(peers.callbacksTo(transientToken)).toHaveLength(2);

    const replayed = await cli(['replay-failed', '--queue', 'send-callback'], path);
    expect(replayed.at(-1)).toBe('replayed 1 job(s); 2 not replayed (why: above)');
    const record = await waitFor('the resent callback to land', async () => {
      const found = await b.deps.correlationStore.get('taskTransient', STEP);
      return found?.state === 'reported' ? found : undefined;
    });
    expect(record.history.map((entry) => entry.event)).toEqual(['received', 'outcome_decided', 'callback_failed', 'callback_replayed', 'reported']);
    expect(peers.callbacksTo(transientToken)).toHaveLength(3);
    expect((await b.deps.correlationStore.get('taskRefused', STEP))?.state).toBe('callback_failed');
    expect(await b.deps.queues.sendCallback.getFailedCount()).toBe(2);

    // Replayed again, nothing changes: the two refused ones are still said to be refused, the resent one is gone.
    expect((await cli(['replay-failed', '--queue', 'send-callback'], path)).at(-1)).toBe('replayed 0 job(s); 2 not replayed (why: above)');
  });
});

describe('replay-failed --queue create-ticket', () => {
  it('replays a held create while its step waits, and leaves one whose step has a ticket since, saying why', async () => {
    const b = await peers.bridge({ jobs: { attempts: 2, backoffMs: 20, onCreateFailure: 'hold' } });
    const path = configFor(b.prefix);
    peers.jira.inject([{ status: 400, message: 'Field customfield_1 is required' }, { status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    for (const taskId of ['taskWaits', 'taskHasTicket']) {
      const { body } = peers.grant();
      body.payload.taskView.task.id = taskId;
      await b.deliver(body);
    }
    await waitFor('both creates to be held', async () => (await b.deps.queues.createTicket.getFailedCount()) === 2);
    // Someone opened the ticket another way meanwhile (a redelivery raced the replay, say).
    await b.deps.correlationStore.markTicketCreated('taskHasTicket', STEP, { system: 'jira', key: 'OPS-9', id: '10009', url: `${peers.jira.url}/browse/OPS-9`, container: 'OPS' }, new Date().toISOString());

    const out = await cli(['replay-failed', '--queue', 'create-ticket'], path);
    expect(out.find((line) => line.startsWith('replaying create-ticket  taskWaits|'))).toBeDefined();
    const skipped = out.findIndex((line) => line.startsWith('not replayed create-ticket  taskHasTicket|'));
    expect(out[skipped + 1]).toBe('  why: the step is already ticket_created (ticket OPS-9)');
    expect(out.at(-1)).toBe('replayed 1 job(s); 1 not replayed (why: above)');
    await waitFor('the replayed ticket', async () => (await b.deps.correlationStore.get('taskWaits', STEP))?.state === 'ticket_created');
    expect(peers.jira.issues.size).toBe(1);
  });
});

describe('list-failed and replay-failed page through any number of failed jobs', () => {
  it(`lists and replays ${(FAILED_PAGE_SIZE + 234).toString()} failed jobs, every one exactly once`, { timeout: 60_000 }, async () => {
    const count = FAILED_PAGE_SIZE + 234;
    const prefix = uniquePrefix('page');
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('create-ticket', { connection, prefix });
    onTestFinished(async () => {
      await queue.close();
      await deleteUnder(connection, prefix);
      connection.disconnect();
    });
    await queue.addBulk(
      Array.from({ length: count }, (_, index) => ({ name: 'create-ticket', data: { taskId: `t${index.toString()}`, stepId: 's' }, opts: { jobId: `t${index.toString()}|s` } })),
    );
    const worker = new Worker(
      'create-ticket',
      () => {
        throw new UnrecoverableError('Jira create issue: Jira refused with 400: summary: Field customfield_1 is required');
      },
      { connection, prefix, concurrency: 100 },
    );
    worker.on('error', () => undefined);
    await waitFor('every job to fail', async () => (await queue.getFailedCount()) === count, 50_000);
    await worker.close();
    const path = configFor(prefix);

    const listed = await cli(['list-failed', '--queue', 'create-ticket'], path);
    expect(listed.at(-1)).toBe(`${count.toString()} failed job(s)`);
    const listedIds = listed.slice(0, -1).map((line) => line.split('  ')[1]);
    expect(new Set(listedIds).size).toBe(count);

    expect((await cli(['replay-failed', '--queue', 'create-ticket', '--dry-run'], path)).at(-1)).toBe(`would replay ${count.toString()} job(s)`);
    expect(await queue.getFailedCount()).toBe(count);

    const replayed = await cli(['replay-failed', '--queue', 'create-ticket'], path);
    expect(replayed.at(-1)).toBe(`replayed ${count.toString()} job(s)`);
    expect(new Set(replayed.slice(0, -1).map((line) => line.split('  ')[1])).size).toBe(count);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(count);
  });
});
