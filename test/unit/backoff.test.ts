import { describe, expect, it } from 'vitest';
import { retryAfterBackoff } from '../../src/queue/backoff.ts';

describe('retryAfterBackoff', () => {
  it('doubles from the base, taking up to half off at random', () => {
    const top = retryAfterBackoff(1000, () => 1);
    const bottom = retryAfterBackoff(1000, () => 0);
    expect([1, 2, 3, 4].map((n) => top(n))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => bottom(n))).toEqual([500, 1000, 2000, 4000]);
  });

  it("uses the peer's Retry-After advice when the error carries it", () => {
    const backoff = retryAfterBackoff(1000, () => 1);
    expect(backoff(5, 'bridge', Object.assign(new Error('429'), { retryAfterMs: 7000 }))).toBe(7000);
    expect(backoff(1, 'bridge', Object.assign(new Error('x'), { retryAfterMs: Number.NaN }))).toBe(1000);
  });
});
