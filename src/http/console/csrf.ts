import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../verify/constant-time.ts';

/**
 * CSRF tokens for the console's forms: `<expiry>.<HMAC-SHA256(admin password, username + expiry)>`. A browser sends
 * basic-auth credentials with any request to the bridge, even one another site makes it send; only a page the bridge
 * served holds a token, and no one without the password can make one. Every API process computes the same tokens, so
 * they work behind a load balancer too.
 */
const LIFETIME_MS = 12 * 60 * 60 * 1000;

function mac(secret: { username: string; password: string }, expiry: string): string {
  return createHmac('sha256', secret.password).update(`c1tb-console-csrf\n${secret.username}\n${expiry}`).digest('base64url');
}

export function csrfToken(secret: { username: string; password: string }, now: number): string {
  const expiry = String(now + LIFETIME_MS);
  return `${expiry}.${mac(secret, expiry)}`;
}

export function csrfTokenValid(secret: { username: string; password: string }, token: string | undefined, now: number): boolean {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (match?.[1] === undefined || match[2] === undefined) return false;
  if (Number(match[1]) < now) return false;
  return constantTimeEqual(match[2], mac(secret, match[1]));
}
