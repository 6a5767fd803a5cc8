import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { basicPassword, verifyDcWebhook } from '../../../../src/desks/jira/datacenter/dc-webhook-auth.ts';

const BODY = Buffer.from('{"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"OPS-1"}}');
const SECRETS = ['new-secret', 'old-secret'];
const signed = (secret: string, body: Buffer = BODY) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const verify = (headers: { signature?: string; authorization?: string }, secrets: string[] = SECRETS) =>
  verifyDcWebhook({ secrets, rawBody: BODY, signature: headers.signature, authorization: headers.authorization });

describe('Jira Data Center webhook: X-Hub-Signature or basic credentials from the webhook URL', () => {
  it('accepts sha256=<hex HMAC of the raw body> under any configured secret (rotation)', () => {
    expect(verify({ signature: signed('new-secret') })).toEqual({ ok: true, via: 'signature' });
    expect(verify({ signature: signed('old-secret') })).toEqual({ ok: true, via: 'signature' });
  });

  it('refuses a bad signature, a wrong secret, a signature of other bytes, and a malformed header', () => {
    expect(verify({ signature: signed('stranger') })).toEqual({ ok: false, reason: 'signature does not match any configured secret' });
    expect(verify({ signature: signed('new-secret', Buffer.from(`${BODY.toString()} `)) })).toMatchObject({ ok: false });
    expect(verify({ signature: `sha256=${'0'.repeat(64)}` })).toMatchObject({ ok: false });
    for (const signature of ['', 'sha1=abc', 'sha256=', createHmac('sha256', 'new-secret').update(BODY).digest('hex')]) {
      expect(verify({ signature })).toEqual({ ok: false, reason: 'signature header is not sha256=<digest>' });
    }
  });

  it('accepts basic credentials whose password is a configured secret, whatever the user name', () => {
    expect(verify({ authorization: basic('jira', 'old-secret') })).toEqual({ ok: true, via: 'basic' });
    expect(verify({ authorization: basic('', 'new-secret') })).toEqual({ ok: true, via: 'basic' });
  });

  it('refuses a wrong basic password, a prefix of a secret, and headers that are not Basic user:password', () => {
    expect(verify({ authorization: basic('jira', 'wrong') })).toEqual({ ok: false, reason: 'basic password does not match any configured secret' });
    expect(verify({ authorization: basic('jira', 'new-secre') })).toMatchObject({ ok: false });
    expect(verify({ authorization: basic('jira', '') })).toMatchObject({ ok: false });
    expect(verify({ authorization: 'Bearer new-secret' })).toEqual({ ok: false, reason: 'Authorization is not Basic <base64>' });
    expect(verify({ authorization: `Basic ${Buffer.from('new-secret').toString('base64')}` })).toEqual({ ok: false, reason: 'basic credentials are not user:password' });
    expect(verify({ authorization: 'Basic !!!' })).toMatchObject({ ok: false });
  });

  it('a signature decides alone: right basic credentials next to a wrong signature do not pass', () => {
    expect(verify({ signature: signed('stranger'), authorization: basic('jira', 'new-secret') })).toMatchObject({ ok: false });
  });

  it('refuses a request with neither header, and everything when no secret is configured', () => {
    expect(verify({})).toEqual({ ok: false, reason: 'neither X-Hub-Signature nor basic credentials were sent' });
    expect(verify({ signature: signed('new-secret') }, [])).toEqual({ ok: false, reason: 'no webhookSecret is configured for this endpoint' });
    expect(verify({ authorization: basic('jira', 'new-secret') }, [])).toMatchObject({ ok: false });
  });

  it('reads a password that itself holds colons', () => {
    expect(basicPassword(basic('jira', 'a:b:c'))).toEqual({ password: 'a:b:c' });
  });
});
