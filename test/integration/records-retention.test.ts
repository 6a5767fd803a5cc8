import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { redisKeys } from '../../src/store/redis-keys.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { startOnBothDesks, useBothDesks } from '../helpers/desk-peers.ts';

const DAY = 24 * 60 * 60;
const peers = useBothDesks();

/** A grant delivered and its ticket recorded; answers the TTL (seconds) of every key the step wrote. */
async function stepKeyTtls(config: Record<string, unknown>) {
  const b = await startOnBothDesks(peers, { reconcile: { intervalSeconds: 0 }, ...config });
  const grant = loadFixture('provision-grant');
  grant.callbackUrl = peers.c1.callbackUrl('retention');
  expect((await b.deliver(grant)).statusCode).toBe(202);
  const { id: taskId } = grant.payload.taskView.task;
  const stepId = grant.payload.taskView.task.policy.current.id;
  await b.deps.correlationStore.markTicketCreated(taskId, stepId, { system: 'servicenow', key: 'SCTASK0010001', id: 'a'.repeat(32), url: 'u', container: 'sc_task' }, new Date().toISOString());
  const keys = redisKeys(b.prefix);
  const named = {
    record: keys.record(taskId, stepId),
    history: keys.history(taskId, stepId),
    steps: keys.taskSteps(taskId),
    ticket: keys.ticket('servicenow', 'SCTASK0010001'),
    ticketId: keys.ticketById('servicenow', 'a'.repeat(32)),
  };
  const ttls = await Promise.all(Object.values(named).map((key) => b.redis.ttl(key)));
  return Object.fromEntries(Object.keys(named).map((name, index) => [name, ttls[index] ?? -3]));
}

describe('records.retentionDays', () => {
  it('bounds how long a step leaves keys in Redis: 45 days by default', async () => {
    for (const ttl of Object.values(await stepKeyTtls({}))) {
      expect(ttl).toBeGreaterThan(45 * DAY - 60);
      expect(ttl).toBeLessThanOrEqual(45 * DAY);
    }
  });

  it('a configured retention is what every key of the step gets', async () => {
    for (const ttl of Object.values(await stepKeyTtls({ records: { retentionDays: 31 } }))) {
      expect(ttl).toBeGreaterThan(31 * DAY - 60);
      expect(ttl).toBeLessThanOrEqual(31 * DAY);
    }
  });

  it('a retention that is not a whole number of days, at least 1, is a config error naming the key', () => {
    for (const retentionDays of [0, -3, 1.5, 'forty', null]) {
      const parsed = configSchema.safeParse({ server: { publicUrl: 'https://b.example' }, conductorone: { tenant: 't.example' }, records: { retentionDays } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.some((issue) => issue.path.join('.') === 'records.retentionDays')).toBe(true);
    }
  });
});
