import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';

/**
 * A Lua script sent once and then called by its SHA (EVALSHA): only the first call on a fresh Redis, or after a
 * SCRIPT FLUSH or a restart, carries the source.
 */
export class LuaScript {
  private readonly source: string;
  private readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
