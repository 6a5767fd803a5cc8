import { BridgeError, isBridgeError } from '../errors.ts';

/** Any failure of a Redis call on the request path: answer 503 so the sender retries later. */
export function redisDown(cause: unknown): BridgeError {
  if (isBridgeError(cause)) return cause;
  return new BridgeError('redis_unavailable', 'the queue is unavailable; retry later', {
    reason: cause instanceof Error ? cause.message : String(cause),
    cause,
  });
}
