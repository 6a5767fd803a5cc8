/**
 * The tenant's key set when its JWKS endpoint is down: the cache past its age is refetched, and if that fails the
 * last keys keep verifying (for `staleIfErrorMs`), while an unknown kid is still refused. A real HTTP JWKS (the
 * fake ConductorOne) is fetched by jose; only the clock that ages the stale keys is the test's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/errors.ts';
import { createC1TokenVerifier, type C1TokenVerifier } from '../../../src/verify/c1-token.ts';
import { createJwksKeyResolver, JwksUnavailableError } from '../../../src/verify/jwks.ts';
import { startFakeConductorOne, type FakeConductorOne, type SignOptions } from '../../../src/sandbox/conductorone.ts';
import { AUDIENCE, C1_ENDPOINT } from '../../helpers/test-bridge.ts';

const BODY = Buffer.from('{"event":"c1.webhooks.v1.PayloadTest","payload":{}}');
const HOUR = 60 * 60_000;

let c1: FakeConductorOne;
let clock: number;
let verify: C1TokenVerifier;

beforeEach(async () => {
  c1 = await startFakeConductorOne();
  clock = Date.now();
  const getKey = createJwksKeyResolver({ url: c1.jwksUrl, cacheMaxAgeMs: 20, cooldownMs: 0, staleIfErrorMs: 24 * HOUR, now: () => clock });
  verify = createC1TokenVerifier({ tenant: c1.tenant, audience: AUDIENCE, endpointUrl: C1_ENDPOINT, clockToleranceSeconds: 30, getKey });
});
afterEach(async () => {
  await c1.close();
});

/** "verified", or the error code the verifier raised. */
async function outcome(options: SignOptions = {}): Promise<string> {
  const token = await c1.sign(BODY, AUDIENCE, C1_ENDPOINT, options);
  return verify(`Bearer ${token}`, BODY).then(
    () => 'verified',
    (error: unknown) => (error instanceof BridgeError ? error.code : String(error)),
  );
}

describe('a stale JWKS', () => {
  it('with the endpoint down and the cache past its age, still verifies with the last keys', async () => {
    expect(await outcome()).toBe('verified');
    const fetched = c1.jwksRequests;
    c1.failJwks(1_000, 503);
    await sleep(60); // the cached set is now older than cacheMaxAgeMs
    expect(await outcome()).toBe('verified');
    // It did try to refresh (so the cache really was past its age) and fell back when that failed.
    expect(c1.jwksRequests).toBeGreaterThan(fetched);
    clock += 23 * HOUR;
    await sleep(30);
    expect(await outcome({ alg: 'RS256' })).toBe('verified');
  });

  it('with the endpoint unreachable (closed), still verifies with the last keys', async () => {
    expect(await outcome()).toBe('verified');
    await c1.close();
    await sleep(60);
    expect(await outcome({ alg: 'EdDSA' })).toBe('verified');
  });

  it('while the endpoint is down, a token whose kid is in no key set is refused 401, not let through', async () => {
    expect(await outcome()).toBe('verified');
    c1.failJwks(1_000, 500);
    await sleep(60);
    expect(await outcome({ unknownKey: true })).toBe('unauthorized');
  });

  it('gives up on the last keys once they are older than staleIfErrorMs: 503 jwks_unavailable, so C1 retries', async () => {
    expect(await outcome()).toBe('verified');
    c1.failJwks(1_000, 503);
    clock += 24 * HOUR + 1;
    await sleep(60);
    expect(await outcome()).toBe('jwks_unavailable');
  });

  it('with no key set ever fetched and the endpoint down, answers jwks_unavailable', async () => {
    c1.failJwks(1_000, 503);
    expect(await outcome()).toBe('jwks_unavailable');
  });

  it('a fresh key set after the outage is used again: a rotated key verifies once the endpoint is back', async () => {
    expect(await outcome()).toBe('verified');
    c1.failJwks(1_000, 503);
    await sleep(60);
    expect(await outcome()).toBe('verified');
    c1.failJwks(0, 200);
    await c1.rotateKey('ES256');
    await sleep(60);
    expect(await outcome()).toBe('verified');
    clock += 25 * HOUR; // by this clock the last good fetch is now too old to fall back on
    c1.failJwks(1_000, 503);
    await sleep(60);
    expect(await outcome()).toBe('jwks_unavailable');
  });
});

describe('the JWKS fetch', () => {
  it('goes through the fetch the composition root passes in, when it passes one', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const getKey = createJwksKeyResolver({ url: c1.jwksUrl, fetch: recording });
    const through = createC1TokenVerifier({ tenant: c1.tenant, audience: AUDIENCE, endpointUrl: C1_ENDPOINT, clockToleranceSeconds: 30, getKey });
    await expect(through(`Bearer ${await c1.sign(BODY, AUDIENCE, C1_ENDPOINT)}`, BODY)).resolves.toMatchObject({ claims: { iss: c1.tenant } });
    expect(seen).toEqual([c1.jwksUrl]);
  });

  it('refetches on an unknown kid only after the cooldown', async () => {
    const getKey = createJwksKeyResolver({ url: c1.jwksUrl, cooldownMs: 60_000 });
    const slow = createC1TokenVerifier({ tenant: c1.tenant, audience: AUDIENCE, endpointUrl: C1_ENDPOINT, clockToleranceSeconds: 30, getKey });
    await slow(`Bearer ${await c1.sign(BODY, AUDIENCE, C1_ENDPOINT)}`, BODY);
    const fetched = c1.jwksRequests;
    const kid = await c1.rotateKey('ES256');
    const rotated = await c1.sign(BODY, AUDIENCE, C1_ENDPOINT, { kid });
    await expect(slow(`Bearer ${rotated}`, BODY)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(c1.jwksRequests).toBe(fetched);
  });
});

describe('the stale keys by default', () => {
  it('serve for 24 h after the last good fetch, to the millisecond, and not after', async () => {
    const getKey = createJwksKeyResolver({ url: c1.jwksUrl, cacheMaxAgeMs: 20, cooldownMs: 0, now: () => clock });
    const withDefaults = createC1TokenVerifier({ tenant: c1.tenant, audience: AUDIENCE, endpointUrl: C1_ENDPOINT, clockToleranceSeconds: 30, getKey });
    const check = async () =>
      withDefaults(`Bearer ${await c1.sign(BODY, AUDIENCE, C1_ENDPOINT)}`, BODY).then(
        () => 'verified',
        (error: unknown) => (error instanceof BridgeError ? error.code : String(error)),
      );
    expect(await check()).toBe('verified');
    c1.failJwks(1_000, 503);
    clock += 24 * HOUR;
    await sleep(60);
    expect(await check()).toBe('verified');
    clock += 1;
    await sleep(60);
    expect(await check()).toBe('jwks_unavailable');
  });

  it('an outage is raised as JwksUnavailableError, carrying its cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const error = new JwksUnavailableError(cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('JwksUnavailableError');
    expect(error.message).toBe('the JWKS endpoint could not be reached');
    expect(error.cause).toBe(cause);
  });
});
