import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time.ts';

export type SecretCheck = { ok: true; via: 'signature' | 'token' } | { ok: false; reason: string };

/**
 * Checks a service-desk event against the configured secrets (several, for rotation): an HMAC-SHA256 of the raw body
 * in `signatureHeader` (`sha256=<hex>`, or base64 where `acceptBase64`), or the secret itself in X-Bridge-Token for
 * senders that cannot sign (Jira Automation, ServiceNow without a key). Every comparison is constant-time.
 */
export function checkSharedSecret(options: {
  secrets: readonly string[];
  rawBody: Buffer;
  signature: string | undefined;
  token: string | undefined;
  acceptBase64?: boolean;
}): SecretCheck {
  const { secrets, rawBody, signature, token } = options;
  if (secrets.length === 0) return { ok: false, reason: 'no webhookSecret is configured for this endpoint' };
  if (signature !== undefined) {
    const match = /^sha256=(.+)$/i.exec(signature.trim());
    if (match?.[1] === undefined) return { ok: false, reason: 'signature header is not sha256=<digest>' };
    const given = match[1];
    for (const secret of secrets) {
      const digest = createHmac('sha256', secret).update(rawBody).digest();
      if (constantTimeEqual(given.toLowerCase(), digest.toString('hex'))) return { ok: true, via: 'signature' };
      if (options.acceptBase64 === true && constantTimeEqual(given, digest.toString('base64'))) return { ok: true, via: 'signature' };
    }
    return { ok: false, reason: 'signature does not match any configured secret' };
  }
  if (token !== undefined) {
    return secrets.some((secret) => constantTimeEqual(token, secret)) ? { ok: true, via: 'token' } : { ok: false, reason: 'X-Bridge-Token does not match any configured secret' };
  }
  return { ok: false, reason: 'neither a signature nor X-Bridge-Token was sent' };
}
