import { BridgeError } from '../errors.ts';
import { isRedisUnavailable } from '../store/redis-unavailable.ts';

/**
 * What to throw when a Redis call on the request path fails: a connection or timeout error becomes 503
 * `redis_unavailable` (the sender retries later); anything else is thrown as it is, so the error handler answers
 * 500 `internal_error` and logs it with its stack.
 */
export function redisDown(cause: unknown): unknown {
  if (!isRedisUnavailable(cause)) return cause;
  return new BridgeError('redis_unavailable', 'the queue is unavailable; retry later', {
    reason: cause instanceof Error ? cause.message : String(cause),
    cause,
  });
}
