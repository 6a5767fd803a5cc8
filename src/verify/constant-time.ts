import { timingSafeEqual } from 'node:crypto';

/** Compares two strings without leaking where they differ; a length mismatch is answered without comparing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
