import { describe, expect, it } from 'vitest';
import type { DepsOverrides } from '../../../src/deps.ts';
import { useFakePeers } from '../../helpers/fake-peers.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';
const peers = useFakePeers();

// No route and no defaultRoute: the step is reported errored at once, so each test is about its callback alone.
const NO_ROUTE = { defaultRoute: undefined, jobs: { attempts: 4, backoffMs: 20 } };

const record = (b: TestBridge) => b.deps.correlationStore.get(TASK, STEP);

async function finished(b: TestBridge) {
  return waitFor('the callback to be settled', async () => {
    const found = await record(b);
    return found?.state === 'reported' || found?.state === 'callback_failed' ? found : undefined;
  });
}

async function metric(b: TestBridge, result: string): Promise<number> {
  const text = (await b.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`c1tb_callbacks_total{result="${result}",outcome="errored"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/** Delivers a grant through `plan` and proves the step ends reported with the note, never callback_failed. */
async function reportedAfter(plan: Parameters<typeof peers.c1.planCallbacks>[0], overrides: DepsOverrides = {}) {
  const b = await peers.bridge(NO_ROUTE, { overrides });
  peers.c1.planCallbacks(plan);
  const { body, token } = peers.grant();
  await b.deliver(body);
  const settled = await finished(b);
  expect(settled.state).toBe('reported');
  expect(settled.fields['callbackResult']).toMatch(/^errored: ConductorOne answered 400 to a retry after an attempt whose result is unknown, so that attempt landed/);
  return { b, settled, callbacks: peers.callbacksTo(token) };
}

describe('a callback that landed is never recorded as failed', () => {
  it('C1 takes the callback and drops the connection: the retry gets 400 "already used", and the step is reported with a note', async () => {
    const { b, settled, callbacks } = await reportedAfter(['drop']);
    expect(settled.history.map((entry) => entry.event)).toEqual(['received', 'outcome_decided', 'reported']);
    expect(callbacks).toHaveLength(2);
    expect(b.logs.find((line) => line['msg'] === 'callback had landed on an earlier attempt; recorded as reported')).toMatchObject({ level: 40, taskId: TASK, status: 400 });
    expect(await metric(b, 'landed_earlier')).toBe(1);
    expect(await metric(b, 'failed')).toBe(0);
    expect(await b.deps.queues.sendCallback.getFailedCount()).toBe(0);
  });

  it("C1 answers only after the bridge's own timeout: the retry's 400 means the first attempt landed", async () => {
    const { b, callbacks } = await reportedAfter([{ lateMs: 1_000 }], { callbackTimeoutMs: 150 });
    expect(callbacks).toHaveLength(2);
    expect(b.logs.find((line) => line['msg'] === 'job failed' && line['queue'] === 'send-callback')?.['err']).toMatch(/callback did not get an answer: .*(timeout|aborted)/i);
  });

  it('a 5xx in between does not make the unknown attempt known: drop, then 503, then 400 is still reported', async () => {
    const { callbacks } = await reportedAfter(['drop', { status: 503 }]);
    expect(callbacks).toHaveLength(3);
  });

  it("C1 answered 200 but the attempt ended before the bridge recorded it (a worker killed, Redis away): the retry's 400 is reported", async () => {
    let cut = false;
    // Real HTTP to the fake C1; the attempt is cut off after C1 answered, as a crash at that point would.
    const cutOnce: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!cut && String(input).includes('/webhooks/callback/')) {
        cut = true;
        throw new Error('the worker was stopped before it wrote the answer down');
      }
      return response;
    };
    const { callbacks } = await reportedAfter([], { fetch: cutOnce });
    expect(callbacks).toHaveLength(2);
  });

  it('a 400 to a first attempt (nothing unknown before it) is still a refusal: callback_failed with C1\'s answer, not retried', async () => {
    const b = await peers.bridge(NO_ROUTE);
    peers.c1.failCallbacks(1, 400);
    const { body, token } = peers.grant();
    await b.deliver(body);

    const settled = await finished(b);
    expect(settled.state).toBe('callback_failed');
    expect(settled.fields['callbackResult']).toBe('ConductorOne answered 400: {"code":14,"message":"unavailable"}');
    expect(peers.callbacksTo(token)).toHaveLength(1);
    expect(await metric(b, 'landed_earlier')).toBe(0);
  });
});
