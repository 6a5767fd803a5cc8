import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { startTestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

let c1: FakeConductorOne;
let own: OwnRedis;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
  own = await startOwnRedis();
});
afterAll(async () => {
  await c1.close();
  await own.stop();
});

describe('a Redis that stops answering for a while', () => {
  it('starts the workers during the stall and sets the reconcile schedule once Redis answers again', async () => {
    const bridge = await startTestBridge({
      c1,
      redisUrl: own.url,
      config: { reconcile: { intervalSeconds: 60 } },
      overrides: { commandTimeoutMs: 200, shutdownTimeoutMs: 500 },
    });
    const pauser = new Redis(own.url);
    try {
      // CLIENT PAUSE ALL holds every other client's commands, as a Redis busy with a long script or a fork would.
      await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const workers = await bridge.deps.startWorkers();
      expect(workers.workers).toHaveLength(bridge.deps.queues.all.length);
      expect(bridge.logs.find((line) => line['msg'] === 'reconcile schedule not set yet; trying again')).toMatchObject({ level: 40, err: 'Command timed out' });

      // Reads time out too while Redis is paused; the wait only counts an answer.
      const schedulers = () => bridge.deps.queues.reconcile.getJobSchedulers().catch(() => []);
      await waitFor('the reconcile schedule', async () => (await schedulers()).length === 1, 10_000);
      const [schedule] = await bridge.deps.queues.reconcile.getJobSchedulers();
      expect(schedule).toMatchObject({ key: 'reconcile', every: 60_000 });
      // The timed-out call may still have run once Redis woke up; the retry (5 s later) makes sure, and says so.
      await waitFor('the retried schedule', async () => bridge.logs.find((line) => line['msg'] === 'reconcile schedule set') !== undefined, 10_000);
    } finally {
      pauser.disconnect();
      await bridge.close();
    }
  });

  it('logs a connection error that BullMQ passes on to the queues instead of dying of it', async () => {
    const bridge = await startTestBridge({ c1, redisUrl: own.url, overrides: { shutdownTimeoutMs: 500 } });
    try {
      // What ioredis emits when a connection drops; BullMQ repeats it on every queue built on that connection.
      bridge.deps.redis.emit('error', new Error('read ECONNRESET'));
      for (const queue of ['create-ticket', 'send-callback', 'reconcile']) {
        expect(bridge.logs.find((line) => line['msg'] === 'queue error' && line['queue'] === queue)).toMatchObject({ level: 40, err: 'read ECONNRESET' });
      }
      expect((await bridge.deliver(JSON.stringify({ event: 'c1.webhooks.v1.PayloadTest', payload: {} }))).statusCode).toBe(200);
    } finally {
      await bridge.close();
    }
  });
});
