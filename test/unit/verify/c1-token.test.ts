import { createHash } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/errors.ts';
import { bodyHash, createC1TokenVerifier, type C1TokenVerifier } from '../../../src/verify/c1-token.ts';

const TENANT = 'acme.conductor.one';
const AUDIENCE = 'bridge.acme.example';
const ENDPOINT = 'https://bridge.acme.example/webhooks/conductorone';
const NOW = 1_790_000_000;
const BODY = Buffer.from('{"version":"v1"}');

let privateKey: CryptoKey;
let verify: C1TokenVerifier;

async function token(claims: Record<string, unknown> = {}): Promise<string> {
  const base = {
    iss: TENANT,
    aud: AUDIENCE,
    htu: ENDPOINT,
    htm: 'POST',
    c1typ: 'wh',
    iat: NOW,
    nbf: NOW - 60,
    exp: NOW + 120,
    jti: 'jti-1',
    htb_s256: bodyHash(BODY),
    ...claims,
  };
  return new SignJWT(base).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
}


async function refusalReason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BridgeError);
  expect((error as BridgeError).code).toBe('unauthorized');
  return (error as BridgeError).reason ?? '';
}

describe('createC1TokenVerifier', () => {
  let at = NOW;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
    verify = createC1TokenVerifier({
      tenant: TENANT,
      audience: AUDIENCE,
      endpointUrl: ENDPOINT,
      clockToleranceSeconds: 30,
      getKey: createLocalJWKSet(jwks),
      now: () => new Date(at * 1000),
    });
  });

  it('computes htb_s256 as standard base64 of SHA-256', () => {
    expect(bodyHash(BODY)).toBe(createHash('sha256').update(BODY).digest('base64'));
    expect(bodyHash(BODY)).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('returns the jti and how long it must be remembered', async () => {
    at = NOW;
    const verified = await verify(`Bearer ${await token()}`, BODY);
    expect(verified.jti).toBe('jti-1');
    expect(verified.acceptableUntil).toBe(NOW + 120 + 30);
  });

  it('accepts a token expired by less than the tolerance and refuses one expired by more', async () => {
    at = NOW + 120 + 29;
    await expect(verify(`Bearer ${await token()}`, BODY)).resolves.toMatchObject({ jti: 'jti-1' });
    at = NOW + 120 + 31;
    expect(await refusalReason(verify(`Bearer ${await token()}`, BODY))).toContain('ERR_JWT_EXPIRED');
  });

  it('accepts nbf a little in the future (clock skew) and refuses it beyond the tolerance', async () => {
    at = NOW;
    await expect(verify(`Bearer ${await token({ nbf: NOW + 29 })}`, BODY)).resolves.toBeDefined();
    expect(await refusalReason(verify(`Bearer ${await token({ nbf: NOW + 31 })}`, BODY))).toContain('"nbf"');
  });

  it('refuses a token issued long ago even when its exp is far away', async () => {
    at = NOW + 400;
    expect(await refusalReason(verify(`Bearer ${await token({ exp: NOW + 10_000 })}`, BODY))).toContain('"iat"');
  });

  it('accepts the tenant as iss with or without https://, nothing else', async () => {
    at = NOW;
    await expect(verify(`Bearer ${await token({ iss: `https://${TENANT}` })}`, BODY)).resolves.toBeDefined();
    expect(await refusalReason(verify(`Bearer ${await token({ iss: `${TENANT}.evil.example` })}`, BODY))).toContain('"iss"');
  });

  it('refuses a missing htb_s256 and one computed over other bytes', async () => {
    at = NOW;
    expect(await refusalReason(verify(`Bearer ${await token({ htb_s256: undefined })}`, BODY))).toContain('htb_s256');
    expect(await refusalReason(verify(`Bearer ${await token()}`, Buffer.from('{"version":"v1"} ')))).toContain('htb_s256');
  });

  it('refuses an htu on another host or path, but ignores its query string', async () => {
    at = NOW;
    await expect(verify(`Bearer ${await token({ htu: `${ENDPOINT}?a=1` })}`, BODY)).resolves.toBeDefined();
    expect(await refusalReason(verify(`Bearer ${await token({ htu: 'https://evil.example/webhooks/conductorone' })}`, BODY))).toContain('htu');
    expect(await refusalReason(verify(`Bearer ${await token({ htu: `${ENDPOINT}/x` })}`, BODY))).toContain('htu');
  });

  it('refuses an empty jti and a token with trailing garbage', async () => {
    at = NOW;
    expect(await refusalReason(verify(`Bearer ${await token({ jti: '' })}`, BODY))).toContain('jti');
    expect(await refusalReason(verify(`Bearer ${await token()} extra`, BODY))).toContain('Bearer');
  });
});
