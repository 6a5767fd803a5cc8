import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startOwnRedis, type OwnRedis } from '../../helpers/redis-server.ts';
import { AUDIENCE, C1_ENDPOINT, startTestBridge, toBytes, type TestBridge } from '../../helpers/test-bridge.ts';

const JIRA_SECRET = 'jira-webhook-secret';
const INTERNAL = { error: 'internal_error', message: 'internal error' };

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

/** The line the error handler writes for a failure it did not expect. */
function unexpectedErrorLine(b: TestBridge): Record<string, unknown> | undefined {
  return b.logs.find((line) => line['msg'] === 'unexpected error');
}

describe('errors say what they are: a Redis that answered with an error is a 500, not a 503', () => {
  it('a failure that is not Redis being away answers 500 internal_error, logged with its stack, and leaks nothing', async () => {
    bridge = await startTestBridge({ c1 });
    // A record key of the wrong type makes Redis itself answer WRONGTYPE inside the delivery script: Redis is up.
    await bridge.redis.set(`${bridge.prefix}:task:2pQdTask0001:2pQdStepProv`, 'not a hash', 'EX', 600);
    const body = toBytes(loadFixture('provision-grant'));
    const headers = { authorization: `Bearer ${await c1.sign(body, AUDIENCE, C1_ENDPOINT)}`, 'content-type': 'application/json' };

    const response = await bridge.post(body, headers);
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual(INTERNAL);
    expect(response.body).not.toMatch(/WRONGTYPE|script|redis|test-c1/i);
    const line = unexpectedErrorLine(bridge);
    expect(line).toMatchObject({ level: 50 });
    const err = line?.['err'] as { message?: string; stack?: string } | undefined;
    expect(err?.message).toMatch(/WRONGTYPE/);
    expect(err?.stack).toMatch(/\n\s+at /);
    expect(bridge.logs.find((l) => l['code'] === 'redis_unavailable')).toBeUndefined();

    // Nothing was enqueued, and the same token sent again is not answered "accepted" for work that was never done.
    expect(await bridge.jobCount()).toBe(0);
    expect((await bridge.post(body, headers)).statusCode).toBe(500);
    expect(await bridge.jobCount()).toBe(0);
    // Once the key is repaired, the same token is handled as new: the record is written, then its one job.
    await bridge.redis.del(`${bridge.prefix}:task:2pQdTask0001:2pQdStepProv`);
    expect((await bridge.post(body, headers)).statusCode).toBe(202);
    expect(await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv')).toMatchObject({ state: 'received' });
    expect(await bridge.jobCount()).toBe(1);
  });

  it('the same holds on a service-desk webhook: a Redis error reply in the ticket look-up is a 500', async () => {
    bridge = await startTestBridge({ c1, config: { jira: { baseUrl: 'https://acme.atlassian.net', token: 'pat', webhookSecret: JIRA_SECRET } } });
    await bridge.redis.hset(`${bridge.prefix}:ticket:jira:OPS-1`, 'not', 'a string');
    await bridge.redis.expire(`${bridge.prefix}:ticket:jira:OPS-1`, 600);
    const body = Buffer.from(JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'OPS-1', fields: { status: { name: 'Done', statusCategory: { key: 'done' } } } } }));
    const signature = `sha256=${createHmac('sha256', JIRA_SECRET).update(body).digest('hex')}`;
    const response = await bridge.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: { 'content-type': 'application/json', 'x-hub-signature': signature } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual(INTERNAL);
    expect((unexpectedErrorLine(bridge)?.['err'] as { stack?: string } | undefined)?.stack).toMatch(/WRONGTYPE/);
    expect(await bridge.deps.queues.sendCallback.count()).toBe(0);
  });
});

describe('errors say what they are: Redis away or too slow is a 503 that asks C1 to retry', () => {
  let own: OwnRedis;
  beforeAll(async () => {
    own = await startOwnRedis();
  });
  afterAll(async () => {
    await own.stop();
  });

  it('a Redis that does not answer within the command timeout answers 503 redis_unavailable, and nothing is enqueued', async () => {
    bridge = await startTestBridge({ c1, redisUrl: own.url, overrides: { commandTimeoutMs: 200, shutdownTimeoutMs: 500 } });
    const pauser = new Redis(own.url);
    try {
      // CLIENT PAUSE ALL holds every other client's commands: Redis is up but answers nobody in time.
      await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const response = await bridge.deliver(loadFixture('provision-grant'));
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ error: 'redis_unavailable', message: 'the queue is unavailable; retry later' });
      expect(bridge.logs.find((line) => line['code'] === 'redis_unavailable')).toMatchObject({ level: 40, reason: 'Command timed out' });
      expect(unexpectedErrorLine(bridge)).toBeUndefined();
    } finally {
      await pauser.call('CLIENT', 'UNPAUSE');
      pauser.disconnect();
    }
    expect(await bridge.jobCount()).toBe(0);
  });
});
