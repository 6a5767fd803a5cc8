import { randomUUID } from 'node:crypto';
import { LuaScript } from './lua-script.ts';
import type { RedisClient } from './redis-connection.ts';

// Only the holder (same token) may extend or release the lock; an expired lock is free for the next run.
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`);

export interface HeldLock {
  /** Ends the hold (stops renewing it and frees the key if it is still ours). */
  release(): Promise<void>;
}

/**
 * A lock in Redis that one process at a time holds, kept alive while its holder runs: renewed every third of `ttlMs`,
 * so a holder that dies frees it within `ttlMs`.
 */
export interface RunLock {
  /** The lock, or undefined when another holder has it. */
  tryAcquire(): Promise<HeldLock | undefined>;
}

export function createRunLock(redis: RedisClient, key: string, ttlMs: number): RunLock {
  return {
    async tryAcquire() {
      const token = randomUUID();
      if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      const timer = setInterval(() => {
        RENEW.run(redis, [key], [token, ttlMs]).catch(() => undefined);
      }, Math.max(100, Math.floor(ttlMs / 3)));
      timer.unref();
      return {
        async release() {
          clearInterval(timer);
          await RELEASE.run(redis, [key], [token]);
        },
      };
    },
  };
}
