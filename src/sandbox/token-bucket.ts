/**
 * Token buckets holding one second's worth of calls and refilled at `perSecond`, one per name (a desk's endpoint, or
 * the whole instance). `take` answers 0 when a call may go through, else the whole seconds until one token is back
 * (what a Retry-After would say).
 */
export function tokenBuckets() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let limit: number | undefined;
  return {
    get limit() {
      return limit;
    },
    set(perSecond: number | undefined) {
      limit = perSecond;
      buckets.clear();
    },
    take(name: string, now: number): number {
      if (limit === undefined) return 0;
      const bucket = buckets.get(name) ?? { tokens: limit, at: now };
      bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * limit);
      bucket.at = now;
      buckets.set(name, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit));
    },
  };
}
