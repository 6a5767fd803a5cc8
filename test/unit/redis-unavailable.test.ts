import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isRedisUnavailable } from '../../src/store/redis-unavailable.ts';
import { REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

/** The error a real call gets, whatever it is. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => {
      throw new Error('the call was expected to fail');
    },
    (error: unknown) => error,
  );
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isRedisUnavailable: a Redis that cannot be reached, or did not answer in time, and nothing else', () => {
  it('is true for what a real client gets from a port where no Redis listens', async () => {
    const offline = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    offline.on('error', () => undefined);
    await offline.connect().catch(() => undefined);
    const error = await failure(() => offline.get('k'));
    offline.disconnect();
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it('is false for an error Redis answered with (WRONGTYPE, a failing script)', async () => {
    const redis = new Redis(REDIS_URL);
    const key = `${uniquePrefix('unavail')}:string`;
    try {
      await redis.set(key, 'x', 'EX', 60);
      const wrongType = await failure(() => redis.hgetall(key));
      expect((wrongType as Error).message).toMatch(/^WRONGTYPE/);
      expect(isRedisUnavailable(wrongType)).toBe(false);
      const script = await failure(() => redis.eval("return redis.call('HGET', KEYS[1], 'f')", 1, key));
      expect(isRedisUnavailable(script)).toBe(false);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  it.each([
    'Command timed out',
    'Connection is closed.',
    "Stream isn't writeable and enableOfflineQueue options is false",
    "Cluster isn't ready and enableOfflineQueue options is false",
    'None of startup nodes is available',
    'Cluster is disconnected.',
    'Cluster is disconnecting.',
    'Node is disconnected',
    'connect ETIMEDOUT',
    "Socket timeout. Expecting data, but didn't receive any in 5000ms.",
  ])('is true for ioredis\'s "%s"', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'is true for a socket error %s',
    (code) => {
      expect(isRedisUnavailable(withCode(`connect ${code} 127.0.0.1:6379`, code))).toBe(true);
    },
  );

  it.each(['MaxRetriesPerRequestError', 'ClusterAllFailedError'])('is true for ioredis\'s %s', (name) => {
    expect(isRedisUnavailable(Object.assign(new Error('gave up'), { name }))).toBe(true);
  });

  it('is false for a bug, a value that is no error, and messages that only resemble the ones above', () => {
    expect(isRedisUnavailable(new TypeError("Cannot read properties of undefined (reading 'state')"))).toBe(false);
    expect(isRedisUnavailable('Command timed out')).toBe(false);
    expect(isRedisUnavailable(undefined)).toBe(false);
    expect(isRedisUnavailable(new Error('Command timed out after the job ran'))).toBe(false);
    expect(isRedisUnavailable(new Error('after a Socket timeout. elsewhere'))).toBe(false);
    expect(isRedisUnavailable(withCode('no such file', 'ENOENT'))).toBe(false);
    expect(isRedisUnavailable(Object.assign(new Error('x'), { code: 42 }))).toBe(false);
  });

  it('looks through wrapping errors, up to five levels, but never past a reply from Redis', () => {
    const wrap = (cause: unknown, times: number): unknown => (times === 0 ? cause : wrap(new Error('wrapped', { cause }), times - 1));
    expect(isRedisUnavailable(wrap(new Error('Connection is closed.'), 1))).toBe(true);
    expect(isRedisUnavailable(wrap(new Error('Connection is closed.'), 5))).toBe(true);
    expect(isRedisUnavailable(wrap(new Error('Connection is closed.'), 6))).toBe(false);
    const reply = Object.assign(new Error('ERR Error running script'), { name: 'ReplyError', cause: new Error('Command timed out') });
    expect(isRedisUnavailable(reply)).toBe(false);
    expect(isRedisUnavailable(wrap(reply, 2))).toBe(false);
  });
});
