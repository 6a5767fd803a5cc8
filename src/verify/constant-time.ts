import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares two strings without leaking where they differ or how long the expected one is: their SHA-256 digests,
 * always 32 bytes, are what is compared in constant time, whatever the lengths of the strings.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
