import type * as NodeCrypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Records the byte lengths handed to the constant-time comparison, so the test sees what is compared.
const compared = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof NodeCrypto>();
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return crypto.timingSafeEqual(a, b);
    },
  };
});

const { constantTimeEqual } = await import('../../../src/verify/constant-time.ts');
const { basicAuthMatches } = await import('../../../src/http/admin.ts');
const { checkSharedSecret } = await import('../../../src/verify/shared-secret.ts');

afterEach(() => {
  compared.length = 0;
});

describe('constant-time comparison', () => {
  it('is true for equal strings and false for any difference', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('s3cret', 's3creT')).toBe(false);
    expect(constantTimeEqual('s3cret', 's3cret ')).toBe(false);
    expect(constantTimeEqual('s3cret', '')).toBe(false);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });

  it('compares fixed-length digests, so a guess of another length takes the same path as one of the right length', () => {
    for (const guess of ['', 'x', 'a much longer guess than the secret itself', 's3creX', 's3cret']) constantTimeEqual(guess, 's3cret');
    expect(compared).toHaveLength(5);
    expect(compared.every(([a, b]) => a === 32 && b === 32)).toBe(true);
  });

  it('is what the shared-secret check and the admin login use, for guesses of any length', () => {
    checkSharedSecret({ secrets: ['jira-secret'], rawBody: Buffer.from('{}'), signature: undefined, token: 'short' });
    checkSharedSecret({ secrets: ['jira-secret'], rawBody: Buffer.from('{}'), signature: 'sha256=abc', token: undefined, acceptBase64: true });
    basicAuthMatches(`Basic ${Buffer.from('o:p').toString('base64')}`, 'operator', 'a-long-admin-password');
    expect(compared.length).toBeGreaterThanOrEqual(5);
    expect(compared.every(([a, b]) => a === 32 && b === 32)).toBe(true);
  });
});
