import { describe, expect, it } from 'vitest';
import { csrfToken } from '../../src/http/console/csrf.ts';
import { stepJobId } from '../../src/queue/queues.ts';
import { useFakePeers } from '../helpers/fake-peers.ts';
import type { TestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

const STEP = '2pQdStepProv';
const ADMIN = { username: 'ops', password: 'console-secret' };
const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` };
const peers = useFakePeers();

async function failedCallback(b: TestBridge, taskId: string, failures: { times: number; status: number }): Promise<string> {
  const { body, token } = peers.grant();
  body.payload.taskView.task.id = taskId;
  peers.c1.failCallbacks(failures.times, failures.status);
  await b.deliver(body);
  await waitFor(`${taskId}'s callback to fail`, async () => (await b.deps.correlationStore.get(taskId, STEP))?.state === 'callback_failed');
  return token;
}

const replay = (b: TestBridge, jobId: string) =>
  b.app.inject({
    method: 'POST',
    url: '/admin/failed/replay',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ queue: 'send-callback', jobId, csrf: csrfToken(ADMIN, Date.now()) }).toString(),
  });

describe('operator console: replaying failed callbacks', () => {
  it('resends one that failed for a transient cause, as replay-failed does, and refuses one refused for good with its reason', async () => {
    // No route: each step is reported errored at once, so its callback is all there is to it.
    const b = await peers.bridge({ defaultRoute: undefined, jobs: { attempts: 2, backoffMs: 20 }, admin: ADMIN });
    const transient = await failedCallback(b, 'consoleTransient', { times: 2, status: 503 });
    const refused = await failedCallback(b, 'consoleRefused', { times: 1, status: 400 });

    const resent = await replay(b, stepJobId('consoleTransient', STEP));
    expect(resent.statusCode).toBe(303);
    const record = await waitFor('the resent callback to land', async () => {
      const found = await b.deps.correlationStore.get('consoleTransient', STEP);
      return found?.state === 'reported' ? found : undefined;
    });
    expect(record.history.map((entry) => entry.event)).toEqual(['received', 'outcome_decided', 'callback_failed', 'callback_replayed', 'reported']);
    expect(peers.callbacksTo(transient)).toHaveLength(3);

    const left = await replay(b, stepJobId('consoleRefused', STEP));
    expect(left.statusCode).toBe(409);
    expect(left.json()).toEqual({
      error: 'not_replayable',
      message: 'not replayed: refused for good, sending it again cannot help: ConductorOne answered 400: {"code":14,"message":"unavailable"}',
    });
    expect(peers.callbacksTo(refused)).toHaveLength(1);
    expect((await b.deps.correlationStore.get('consoleRefused', STEP))?.state).toBe('callback_failed');
    expect(await b.deps.queues.sendCallback.getJobState(stepJobId('consoleRefused', STEP))).toBe('failed');
  });
});
