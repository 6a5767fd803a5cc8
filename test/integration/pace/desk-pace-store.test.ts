import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeskPace } from '../../../src/store/desk-pace.ts';
import { redisKeys } from '../../../src/store/redis-keys.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../../helpers/redis.ts';

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('pace');
const pace = createDeskPace(redis, redisKeys(prefix).pace);

afterAll(async () => {
  await deleteUnder(redis, prefix);
  redis.disconnect();
});

describe('desk pace in Redis', () => {
  it('a pause holds the named desk alone: other kinds and other instances of the same kind are not held', async () => {
    await pace.pause('jira', 30_000);
    expect(await pace.waitMs('jira')).toBeGreaterThan(29_000);
    for (const other of ['servicenow', 'jira-legacy', 'servicenow-eu']) expect(await pace.waitMs(other)).toBe(0);
  });

  it('a shorter Retry-After never shortens a pause; a longer one extends it', async () => {
    await pace.pause('jira-legacy', 20_000);
    expect(await pace.pause('jira-legacy', 1_000)).toBeGreaterThan(19_000);
    expect(await pace.waitMs('jira-legacy')).toBeGreaterThan(19_000);
    expect(await pace.pause('jira-legacy', 40_000)).toBe(40_000);
    expect(await pace.waitMs('jira-legacy')).toBeGreaterThan(39_000);
  });

  it('is seen by every connection: another process sharing the Redis waits too', async () => {
    const other = new Redis(REDIS_URL);
    try {
      await pace.pause('servicenow', 10_000);
      expect(await createDeskPace(other, redisKeys(prefix).pace).waitMs('servicenow')).toBeGreaterThan(9_000);
    } finally {
      other.disconnect();
    }
  });
});
