import { randomUUID } from 'node:crypto';

export { deleteUnder, keysUnder } from '../../src/store/keys-under.ts';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses, so test files can share one real Redis in parallel. */
export function uniquePrefix(label = 't'): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}
