import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSharedSecret } from '../../../src/verify/shared-secret.ts';

const BODY = Buffer.from('{"issue":{"key":"OPS-1"}}');
const hmac = (secret: string, encoding: 'hex' | 'base64') => createHmac('sha256', secret).update(BODY).digest(encoding);
const check = (options: { secrets?: string[]; signature?: string; token?: string; acceptBase64?: boolean }) =>
  checkSharedSecret({ secrets: options.secrets ?? ['new-secret', 'old-secret'], rawBody: BODY, signature: options.signature, token: options.token, ...(options.acceptBase64 === undefined ? {} : { acceptBase64: options.acceptBase64 }) });

describe('checkSharedSecret: a service-desk event signed with, or carrying, one of the configured secrets', () => {
  it('accepts sha256=<hex> of the body under any configured secret (rotation), in either case, with spaces around', () => {
    expect(check({ signature: `sha256=${hmac('new-secret', 'hex')}` })).toEqual({ ok: true, via: 'signature' });
    expect(check({ signature: `sha256=${hmac('old-secret', 'hex')}` })).toEqual({ ok: true, via: 'signature' });
    expect(check({ signature: `SHA256=${hmac('new-secret', 'hex').toUpperCase()}` })).toEqual({ ok: true, via: 'signature' });
    expect(check({ signature: `  sha256=${hmac('new-secret', 'hex')}  ` })).toEqual({ ok: true, via: 'signature' });
  });

  it('accepts base64 digests only where the endpoint allows them (ServiceNow), and compares them exactly', () => {
    const base64 = `sha256=${hmac('old-secret', 'base64')}`;
    expect(check({ signature: base64, acceptBase64: true })).toEqual({ ok: true, via: 'signature' });
    expect(check({ signature: base64 })).toEqual({ ok: false, reason: 'signature does not match any configured secret' });
    expect(check({ signature: base64, acceptBase64: false })).toEqual({ ok: false, reason: 'signature does not match any configured secret' });
    const flipped = `sha256=${[...hmac('old-secret', 'base64')].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('')}`;
    expect(check({ signature: flipped, acceptBase64: true })).toMatchObject({ ok: false });
  });

  it('refuses a digest under another secret, of other bytes, or not in sha256=<digest> form, saying which', () => {
    expect(check({ signature: `sha256=${hmac('stranger', 'hex')}` })).toEqual({ ok: false, reason: 'signature does not match any configured secret' });
    expect(check({ signature: `sha256=${createHmac('sha256', 'new-secret').update('other').digest('hex')}` })).toMatchObject({ ok: false });
    for (const signature of [hmac('new-secret', 'hex'), 'sha1=abc', 'sha256=', 'xsha256=abc', '']) {
      expect(check({ signature })).toEqual({ ok: false, reason: 'signature header is not sha256=<digest>' });
    }
  });

  it('a signature, when sent, decides: a right token next to a wrong signature does not pass', () => {
    expect(check({ signature: `sha256=${hmac('stranger', 'hex')}`, token: 'new-secret' })).toMatchObject({ ok: false });
  });

  it('accepts X-Bridge-Token equal to a configured secret, and nothing else', () => {
    expect(check({ token: 'new-secret' })).toEqual({ ok: true, via: 'token' });
    expect(check({ token: 'old-secret' })).toEqual({ ok: true, via: 'token' });
    for (const token of ['new-secre', 'new-secret ', 'NEW-SECRET', '']) {
      expect(check({ token })).toEqual({ ok: false, reason: 'X-Bridge-Token does not match any configured secret' });
    }
  });

  it('refuses an event with neither, and every event when no secret is configured', () => {
    expect(check({})).toEqual({ ok: false, reason: 'neither a signature nor X-Bridge-Token was sent' });
    expect(check({ secrets: [], token: 'anything' })).toEqual({ ok: false, reason: 'no webhookSecret is configured for this endpoint' });
    expect(check({ secrets: [], signature: `sha256=${hmac('', 'hex')}` })).toEqual({ ok: false, reason: 'no webhookSecret is configured for this endpoint' });
  });
});
