import type { BackoffStrategy } from 'bullmq';

/** The job option type that selects `retryAfterBackoff`. */
export const BRIDGE_BACKOFF = 'bridge';

/**
 * Exponential from `baseMs`, with up to half of each delay taken off at random so that retries after an outage do not
 * arrive together; when the failure carried the peer's own advice (`retryAfterMs`, from Retry-After), that advice wins.
 */
export function retryAfterBackoff(baseMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    const advised = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    if (typeof advised === 'number' && Number.isFinite(advised) && advised >= 0) return advised;
    const ceiling = baseMs * 2 ** Math.max(0, attemptsMade - 1);
    return Math.round(ceiling * (0.5 + random() / 2));
  };
}
