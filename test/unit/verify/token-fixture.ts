import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { bodyHash } from '../../../src/verify/c1-token.ts';

export const TENANT = 'acme.conductor.one';
export const AUDIENCE = 'bridge.acme.example';
export const ENDPOINT = 'https://bridge.acme.example/webhooks/conductorone';
export const NOW = 1_790_000_000;
export const BODY = Buffer.from('{"version":"v1"}');

export interface TokenSigner {
  /** The tenant's key set, as a local JWKS. */
  getKey: JWTVerifyGetKey;
  /** A token as C1 signs it for BODY at NOW; `claims` override, `undefined` removes a claim. */
  token(claims?: Record<string, unknown>): Promise<string>;
}

/** An ES256 key of a fake tenant that signs C1 webhook tokens, for unit tests of the verifier. */
export async function tokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const getKey = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
  return {
    getKey,
    async token(claims = {}) {
      const base = { iss: TENANT, aud: AUDIENCE, htu: ENDPOINT, htm: 'POST', c1typ: 'wh', iat: NOW, nbf: NOW - 60, exp: NOW + 120, jti: 'jti-1', htb_s256: bodyHash(BODY), ...claims };
      const defined = Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
      return new SignJWT(defined).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    },
  };
}
