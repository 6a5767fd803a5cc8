import type { RedisClient } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** The answer given to the first delivery of a token, replayed to any resend of the same token. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type ClaimResult = { kind: 'first' } | { kind: 'answered'; answer: StoredAnswer } | { kind: 'in_progress' };

const PENDING = 'pending';

/**
 * Remembers each accepted token (`jti`) until it expires: the first request claims it, and a resent token gets the
 * first answer back instead of acting again.
 */
export class ReplayStore {
  private readonly redis: RedisClient;
  private readonly keys: RedisKeys;

  constructor(redis: RedisClient, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  async claim(jti: string, ttlSeconds: number): Promise<ClaimResult> {
    const key = this.keys.replay(jti);
    const set = await this.redis.set(key, PENDING, 'EX', ttlSeconds, 'NX');
    if (set === 'OK') return { kind: 'first' };
    const value = await this.redis.get(key);
    if (value === null) return this.claim(jti, ttlSeconds);
    if (value === PENDING) return { kind: 'in_progress' };
    return { kind: 'answered', answer: JSON.parse(value) as StoredAnswer };
  }

  async remember(jti: string, answer: StoredAnswer): Promise<void> {
    await this.redis.set(this.keys.replay(jti), JSON.stringify(answer), 'KEEPTTL', 'XX');
  }

  /** Forgets a claim whose work failed transiently, so that the sender's retry is handled afresh. */
  async release(jti: string): Promise<void> {
    await this.redis.del(this.keys.replay(jti));
  }
}
