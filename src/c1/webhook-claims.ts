import { createHash, randomUUID } from 'node:crypto';

/**
 * The claims ConductorOne puts in a webhook's bearer token (https://conductorone.com/docs/product/admin/webhooks,
 * "Webhook authentication"): bound to the request (`htm`, `htu`) and to the exact body (`htb_s256`, standard base64
 * of its SHA-256), living 120 s (`nbf` 60 s before `iat`). For the bridge's own signers: the sandbox and
 * `sign-test-webhook`.
 */
export function webhookClaims(who: { iss: string; aud: string; htu: string }, body: Buffer | string, iat: number): Record<string, unknown> {
  return {
    ...who,
    htm: 'POST',
    c1typ: 'wh',
    iat,
    nbf: iat - 60,
    exp: iat + 120,
    jti: randomUUID(),
    htb_s256: createHash('sha256').update(body).digest('base64'),
  };
}
