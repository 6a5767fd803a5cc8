/**
 * Proves a Jira Data Center webhook came from Jira. Data Center offers two ways (Atlassian, "Managing webhooks",
 * confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html):
 * - a webhook with a **secret** signs its body: `X-Hub-Signature: sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`;
 * - a webhook without one can carry **HTTP basic credentials in its URL** (`https://jira:<secret>@bridge/webhooks/jira`),
 *   which arrive as `Authorization: Basic …`; the password is one of the configured secrets, the user name is free.
 * Several secrets may be configured (rotation). Every comparison is constant-time. Nothing here relies on
 * `X-Atlassian-Webhook-Identifier`: whether Data Center sends it is not documented.
 */
import { constantTimeEqual } from '../../../verify/constant-time.ts';
import { basicCredentials } from '../../../verify/basic-credentials.ts';
import { checkSharedSecret } from '../../../verify/shared-secret.ts';

export type DcWebhookCheck = { ok: true; via: 'signature' | 'basic' } | { ok: false; reason: string };

export interface DcWebhookRequest {
  secrets: readonly string[];
  rawBody: Buffer;
  /** The `X-Hub-Signature` header, if sent. */
  signature: string | undefined;
  /** The `Authorization` header, if sent. */
  authorization: string | undefined;
}

/** The password of an `Authorization: Basic` header (the user name is free), or why there is none. */
export function basicPassword(header: string): { password: string } | { reason: string } {
  const credentials = basicCredentials(header);
  return 'reason' in credentials ? credentials : { password: credentials.password };
}

export function verifyDcWebhook(request: DcWebhookRequest): DcWebhookCheck {
  const { secrets, rawBody, signature, authorization } = request;
  if (secrets.length === 0) return { ok: false, reason: 'no webhookSecret is configured for this endpoint' };
  // A signature, when sent, decides alone: a wrong one is not rescued by credentials beside it.
  if (signature !== undefined) {
    const check = checkSharedSecret({ secrets, rawBody, signature, token: undefined });
    return check.ok ? { ok: true, via: 'signature' } : check;
  }
  if (authorization !== undefined) {
    const basic = basicPassword(authorization);
    if ('reason' in basic) return { ok: false, reason: basic.reason };
    // Every secret is compared, so the time taken does not say which one matched.
    const matched = secrets.map((secret) => constantTimeEqual(basic.password, secret)).includes(true);
    return matched ? { ok: true, via: 'basic' } : { ok: false, reason: 'basic password does not match any configured secret' };
  }
  return { ok: false, reason: 'neither X-Hub-Signature nor basic credentials were sent' };
}
