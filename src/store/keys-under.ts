import type { Redis } from 'ioredis';

type Scanning = Pick<Redis, 'scan' | 'del'>;

/** Every key under `prefix:` on one Redis server, found with SCAN (never KEYS, which blocks the server). */
export async function keysUnder(redis: Scanning, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** Removes every key under `prefix:`, and nothing else: a shared Redis is left as it was found. */
export async function deleteUnder(redis: Scanning, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}
