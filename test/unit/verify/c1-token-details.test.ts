import { generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/errors.ts';
import { bodyHash, createC1TokenVerifier } from '../../../src/verify/c1-token.ts';
import { JwksUnavailableError } from '../../../src/verify/jwks.ts';
import { AUDIENCE, BODY, ENDPOINT, NOW, TENANT, tokenSigner, type TokenSigner } from './token-fixture.ts';

let signer: TokenSigner;
let localKeys: JWTVerifyGetKey;
const token = (claims?: Record<string, unknown>) => signer.token(claims);

beforeAll(async () => {
  signer = await tokenSigner();
  localKeys = signer.getKey;
});

function verifier(getKey: JWTVerifyGetKey = localKeys, at = NOW) {
  return createC1TokenVerifier({ tenant: TENANT, audience: AUDIENCE, endpointUrl: ENDPOINT, clockToleranceSeconds: 30, getKey, now: () => new Date(at * 1000) });
}

/** The BridgeError a verification raised (code, reason and the message the caller would see). */
async function refusal(authorization: string | undefined, getKey?: JWTVerifyGetKey, at?: number): Promise<{ code: string; reason: string | undefined; message: string }> {
  const error = await verifier(getKey, at)(authorization, BODY).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BridgeError)) throw new Error(`expected a BridgeError, got ${String(error)}`);
  return { code: error.code, reason: error.reason, message: error.message };
}

describe('C1 token verification: what each refusal says (in the log, never to the caller)', () => {
  it.each([
    [{ c1typ: 'api' }, 'c1typ is "api", not "wh"'],
    [{ htm: 'GET' }, 'htm is "GET", not "POST"'],
    [{ htu: 'https://bridge.acme.example/webhooks/jira' }, 'htu is "https://bridge.acme.example/webhooks/jira", expected "https://bridge.acme.example/webhooks/conductorone"'],
    [{ htu: 42 }, 'htu is 42, expected "https://bridge.acme.example/webhooks/conductorone"'],
    [{ htb_s256: bodyHash(Buffer.from('other')) }, 'htb_s256 does not match the SHA-256 of the body'],
    [{ htb_s256: 7 }, 'htb_s256 does not match the SHA-256 of the body'],
    [{ jti: '' }, 'jti is empty'],
  ])('a token with %j is refused: %s', async (claims, reason) => {
    expect(await refusal(`Bearer ${await token(claims)}`)).toEqual({ code: 'unauthorized', reason, message: 'missing or invalid ConductorOne token' });
  });

  it.each([
    [undefined, 'no Authorization header'],
    ['', 'no Authorization header'],
    ['Bearer', 'Authorization is not a Bearer token'],
    ['Bearer ', 'Authorization is not a Bearer token'],
    ['Basic abc', 'Authorization is not a Bearer token'],
    ['xBearer abc', 'Authorization is not a Bearer token'],
    ['Bearer a b', 'Authorization is not a Bearer token'],
  ])('an Authorization header %j is refused: %s', async (authorization, reason) => {
    expect(await refusal(authorization)).toMatchObject({ code: 'unauthorized', reason });
  });

  it('takes the Bearer scheme in any case, with several spaces before and trailing white space after the token', async () => {
    const jwt = await token();
    for (const authorization of [`bearer ${jwt}`, `BEARER   ${jwt}`, `Bearer ${jwt}  `, `Bearer ${jwt}\t`]) {
      await expect(verifier()(authorization, BODY)).resolves.toMatchObject({ jti: 'jti-1' });
    }
  });

  it('names the jose error code and message of a failed signature check', async () => {
    const other = await generateKeyPair('ES256', { extractable: true });
    const forged = await new SignJWT({ iss: TENANT }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(other.privateKey);
    expect((await refusal(`Bearer ${forged}`)).reason).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed');
  });

  it('names a key look-up failure that is not jose\'s by its message', async () => {
    const broken: JWTVerifyGetKey = () => {
      throw new Error('key store exploded');
    };
    expect(await refusal(`Bearer ${await token()}`, broken)).toMatchObject({ code: 'unauthorized', reason: 'key store exploded' });
  });

  it('turns keys that cannot be had into 503 jwks_unavailable, with the cause of the outage as its reason', async () => {
    const down: JWTVerifyGetKey = () => {
      throw new JwksUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    };
    expect(await refusal(`Bearer ${await token()}`, down)).toEqual({
      code: 'jwks_unavailable',
      reason: 'connect ECONNREFUSED 127.0.0.1:1',
      message: 'the signing keys of ConductorOne cannot be fetched; retry later',
    });
  });

  it('remembers a token until the earlier of its exp and iat + 300 s, plus the tolerance', async () => {
    expect((await verifier()(`Bearer ${await token()}`, BODY)).acceptableUntil).toBe(NOW + 120 + 30);
    const longLived = await token({ exp: NOW + 10_000 });
    expect((await verifier()(`Bearer ${longLived}`, BODY)).acceptableUntil).toBe(NOW + 300 + 30);
  });

  it.each(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'htu', 'htm', 'c1typ', 'htb_s256'])('refuses a token without %s', async (claim) => {
    expect(await refusal(`Bearer ${await token({ [claim]: undefined })}`)).toMatchObject({ code: 'unauthorized', reason: expect.stringContaining(claim) });
  });

  it('says which endpoint URL could not be read when it is built wrong', () => {
    expect(() => createC1TokenVerifier({ tenant: TENANT, audience: AUDIENCE, endpointUrl: 'webhooks', clockToleranceSeconds: 30, getKey: localKeys })).toThrow('endpointUrl is not a URL: webhooks');
  });

  it('accepts iss as the tenant host or its https URL, and no other form', async () => {
    await expect(verifier()(`Bearer ${await token({ iss: `https://${TENANT}` })}`, BODY)).resolves.toBeDefined();
    await expect(verifier()(`Bearer ${await token({ iss: TENANT })}`, BODY)).resolves.toBeDefined();
    for (const iss of ['', `http://${TENANT}`, `https://${TENANT}/`, 'https://']) {
      expect((await refusal(`Bearer ${await token({ iss })}`)).reason).toContain('"iss"');
    }
  });

  it('returns the verified claims', async () => {
    const verified = await verifier()(`Bearer ${await token()}`, BODY);
    expect(verified.claims).toMatchObject({ iss: TENANT, aud: AUDIENCE, c1typ: 'wh', htm: 'POST', jti: 'jti-1' });
  });
});
