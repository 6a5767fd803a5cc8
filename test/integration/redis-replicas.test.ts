import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepJobId } from '../../src/queue/queues.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { startTestBridge, type TestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

let c1: FakeConductorOne;
let master: OwnRedis;
let replica: OwnRedis;
let onReplica: Redis;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  master = await startOwnRedis();
  replica = await startOwnRedis(['--replicaof', '127.0.0.1', master.port.toString()]);
  onReplica = new Redis(replica.url);
  await waitFor('the replica to sync', async () => /master_link_status:up/.test(await onReplica.info('replication')));
});
afterAll(async () => {
  onReplica.disconnect();
  replica.thaw?.();
  await replica.stop();
  await master.stop();
  await c1.close();
});

async function bridgeWaitingFor(replicas: number, prefix: string): Promise<TestBridge> {
  return startTestBridge({ c1, config: { redis: { url: master.url, prefix, waitForReplicas: replicas, waitForReplicasTimeoutMs: 200 } } });
}

describe('redis.waitForReplicas', () => {
  it('answers 202 only once the record and the job are on the replica; a stalled replica gets 503 and the retry collapses onto one job', async () => {
    const prefix = uniquePrefix('replicas');
    const bridge = await bridgeWaitingFor(1, prefix);
    const fixture = loadFixture('provision-grant');
    const jobKey = `${prefix}:create-ticket:${stepJobId(fixture.payload.taskView.task.id, fixture.payload.taskView.task.policy.current.id)}`;
    try {
      replica.freeze?.();
      const refused = await bridge.deliver(fixture);
      replica.thaw?.();
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({ error: 'redis_unavailable', message: 'the queue could not confirm the write; retry later' });
      expect(bridge.logs.lines.some((l) => l['code'] === 'redis_unavailable' && String(l['reason']).includes('0 of 1 replicas confirmed'))).toBe(true);

      // ConductorOne retries with a fresh token: the step is registered once, and now it is on the replica at the 202.
      const accepted = await bridge.deliver(fixture);
      expect(accepted.statusCode).toBe(202);
      expect(await onReplica.exists(jobKey)).toBe(1);
      expect(await onReplica.hget(`${prefix}:task:${fixture.payload.taskView.task.id}:${fixture.payload.taskView.task.policy.current.id}`, 'state')).toBe('received');
      expect(await bridge.deps.queues.createTicket.getJobCounts()).toMatchObject({ waiting: 1 });
    } finally {
      replica.thaw?.();
      await bridge.close();
      const direct = new Redis(master.url);
      await direct.flushall();
      direct.disconnect();
    }
  });

  it('does not wait by default: with the replica stalled the webhook is still answered 202', async () => {
    const prefix = uniquePrefix('replicas');
    const bridge = await bridgeWaitingFor(0, prefix);
    try {
      replica.freeze?.();
      const accepted = await bridge.deliver(loadFixture('provision-grant'));
      replica.thaw?.();
      expect(accepted.statusCode).toBe(202);
    } finally {
      replica.thaw?.();
      await bridge.close();
    }
  });
});
