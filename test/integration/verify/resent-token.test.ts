/**
 * The resent-token (jti) memory, shown by its effects: an old token sent again after C1 redelivered the step with a
 * new callback URL must change nothing, or the callback would go to the stale URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { AUDIENCE, C1_ENDPOINT, startTestBridge, toBytes, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

let c1: FakeConductorOne;
let bridge: TestBridge | undefined;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterAll(async () => {
  await c1.close();
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

function grantTo(callbackUrl: string): Buffer {
  const fixture = loadFixture('provision-grant');
  fixture.callbackUrl = callbackUrl;
  return toBytes(fixture);
}

describe('a resent token changes nothing, counted by its effects', () => {
  it('an old token resent after a redelivery with a new callback URL leaves the new URL: one job, one callback, to the new URL', async () => {
    // No route and no defaultRoute: the step is reported errored as soon as a worker takes its job.
    bridge = await startTestBridge({ c1, config: { conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] }, reconcile: { intervalSeconds: 0 } } });
    const oldUrl = c1.callbackUrl(`old-${randomUUID()}`);
    const newUrl = c1.callbackUrl(`new-${randomUUID()}`);
    const first = grantTo(oldUrl);
    const firstHeaders = { authorization: `Bearer ${await c1.sign(first, AUDIENCE, C1_ENDPOINT)}`, 'content-type': 'application/json' };

    expect((await bridge.post(first, firstHeaders)).statusCode).toBe(202);
    expect((await bridge.deliver(grantTo(newUrl))).statusCode).toBe(202);
    const resent = await bridge.post(first, firstHeaders);
    expect(resent.statusCode).toBe(202);
    expect(resent.json()).toEqual({ status: 'accepted', taskId: '2pQdTask0001', stepId: '2pQdStepProv' });

    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.callbackUrl).toBe(newUrl);
    expect(record?.history.map((entry) => entry.event)).toEqual(['received', 'callback_url_replaced']);
    expect(await bridge.jobCount()).toBe(1);

    const before = c1.callbacks.length;
    await bridge.deps.startWorkers();
    await waitFor('the step to be reported', async () => (await bridge?.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'reported');
    const sent = c1.callbacks.slice(before).map((callback) => callback.path);
    expect(sent).toEqual([new URL(newUrl).pathname]);
  });
});
