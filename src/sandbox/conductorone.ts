/**
 * A fake ConductorOne tenant: serves the tenant JWKS, signs webhooks the way C1 does, and receives task callbacks.
 *
 * Wire format, from C1's public material:
 * - Webhook authentication (https://conductorone.com/docs/product/admin/webhooks, "Webhook authentication"):
 *   `Authorization: Bearer <JWT>` verifiable with the JWKS at `https://<tenant>/auth/v1/jwks`; claims
 *   `aud` (the receiver's host), `c1typ: "wh"`, `exp`, `htb_s256` (standard base64 SHA-256 of the body), `htm: "POST"`,
 *   `htu` (the webhook URL), `iat`, `iss` (the tenant host, e.g. `example.conductor.one`), `jti`, `nbf`.
 *   Tokens live 120 s: `exp = iat + 120`, `nbf = iat - 60` (contract §7).
 * - Callbacks: POST `{"version":"v1","complete":{…}}` or `{"version":"v1","errored":{…}}` to the `callbackUrl` of the
 *   payload, no auth (the token is in the URL); 200 on success, 400 once used or expired (contract §7; body schemas
 *   `c1.webhooks.v1.ResponseProvisionStep` and its `…Complete` / `…Errored` in C1's public OpenAPI, copied unchanged
 *   into shared/spec/conductorone-openapi-subset.json).
 * - Approval callbacks (policy approval steps): `{"version":"v1"}` plus exactly one of `approve`, `deny`, `reassign`,
 *   `replacePolicy` (`c1.webhooks.v1.ResponsePolicyApprovalStep`); a body that does not match is answered 400 and
 *   recorded in `refusedCallbacks`, and the URL stays usable (see approval-response-check.ts).
 * - The API's token endpoint and user search: see conductorone-api.ts.
 * - A callback C1 has processed but whose answer never reaches the caller (a dropped connection, an answer slower than
 *   the caller waits) leaves the URL used all the same: the next POST to it gets the 400 above.
 */
import { webhookClaims } from '../c1/webhook-claims.ts';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { listen, sendJson, type Listening, type RecordedRequest, type TlsOptions } from './listen.ts';
import { approvalResponseProblems } from './approval-response-check.ts';
import { createFakeC1Api, type FakeC1Api } from './conductorone-api.ts';

export type C1Algorithm = 'RS256' | 'ES256' | 'EdDSA';

interface SigningKey {
  alg: C1Algorithm;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface SignOptions {
  alg?: C1Algorithm;
  /** Claims to set or override; `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Header `kid` to send (defaults to the key's). */
  kid?: string;
  /** Sign with a key the JWKS does not publish. */
  unknownKey?: boolean;
  /** Seconds since the epoch used as `iat`. */
  iat?: number;
}

export interface FakeConductorOne {
  /** Tenant host used as `iss`. */
  tenant: string;
  jwksUrl: string;
  url: string;
  jwksRequests: number;
  callbacks: RecordedRequest[];
  /** Approval callbacks answered 400 because their body does not match ResponsePolicyApprovalStep, with why. */
  refusedCallbacks: Array<{ request: RecordedRequest; problems: string[] }>;
  /** The API: token endpoint and user search. */
  api: FakeC1Api;
  /** Answers the next N JWKS requests with this status instead of the key set. */
  failJwks(times: number, status: number): void;
  /** Answers the next N callbacks with this status (and does not use the URL up). */
  failCallbacks(times: number, status: number): void;
  /**
   * Queues what the next callbacks meet, in order, before any `failCallbacks`: `drop` processes the callback (its URL
   * is used up) and drops the connection without an answer; `{ lateMs }` processes it and answers 200 only after
   * that long; `{ status }` answers that status without processing it.
   */
  planCallbacks(plan: ReadonlyArray<'drop' | { lateMs: number } | { status: number }>): void;
  /** A callback URL on this fake, as C1 would put in a payload. */
  callbackUrl(token: string): string;
  /** A callback URL of a policy approval step: what is posted to it is checked as an approval answer. */
  approvalCallbackUrl(token: string): string;
  sign(body: Buffer | string, audience: string, htu: string, options?: SignOptions): Promise<string>;
  signHs256WithPublicKey(body: Buffer | string, audience: string, htu: string): Promise<string>;
  unsecuredToken(body: Buffer | string, audience: string, htu: string): string;
  rotateKey(alg: C1Algorithm): Promise<string>;
  close(): Promise<void>;
}

async function makeKey(alg: C1Algorithm, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicKey, publicJwk };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startFakeConductorOne(tenant = 'acme.conductor.one', options: { tls?: TlsOptions } = {}): Promise<FakeConductorOne> {
  const keys = new Map<C1Algorithm, SigningKey>();
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) keys.set(alg, await makeKey(alg, `${alg.toLowerCase()}-1`));
  const strangers = new Map<C1Algorithm, SigningKey>();
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) strangers.set(alg, await makeKey(alg, `${alg.toLowerCase()}-stranger`));
  const usedCallbacks = new Set<string>();
  const approvalCallbacks = new Set<string>();
  let jwksFailures: { times: number; status: number } = { times: 0, status: 200 };
  let callbackFailures: { times: number; status: number } = { times: 0, status: 200 };
  const plan: Array<'drop' | { lateMs: number } | { status: number }> = [];

  const claimsFor = (body: Buffer | string, audience: string, htu: string, iat: number) => webhookClaims({ iss: tenant, aud: audience, htu }, body, iat);

  const fake: FakeConductorOne = {
    tenant,
    jwksUrl: '',
    url: '',
    jwksRequests: 0,
    callbacks: [],
    refusedCallbacks: [],
    api: createFakeC1Api(tenant),
    failJwks(times, status) {
      jwksFailures = { times, status };
    },
    failCallbacks(times, status) {
      callbackFailures = { times, status };
    },
    planCallbacks(steps) {
      plan.push(...steps);
    },
    callbackUrl(token) {
      return `${fake.url}/api/v1/webhooks/callback/${token}`;
    },
    approvalCallbackUrl(token) {
      approvalCallbacks.add(token);
      return fake.callbackUrl(token);
    },
    async sign(body, audience, htu, options = {}) {
      const alg = options.alg ?? 'ES256';
      const key = (options.unknownKey === true ? strangers : keys).get(alg);
      if (key === undefined) throw new Error(`no key for ${alg}`);
      const merged = { ...claimsFor(body, audience, htu, options.iat ?? Math.floor(Date.now() / 1000)), ...options.claims };
      const claims = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
      return new SignJWT(claims).setProtectedHeader({ alg, kid: options.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
    },
    async signHs256WithPublicKey(body, audience, htu) {
      const rsa = keys.get('RS256');
      if (rsa === undefined) throw new Error('no RSA key');
      const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
      const claims = claimsFor(body, audience, htu, Math.floor(Date.now() / 1000));
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' }).sign(secret);
    },
    unsecuredToken(body, audience, htu) {
      const claims = claimsFor(body, audience, htu, Math.floor(Date.now() / 1000));
      return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    },
    async rotateKey(alg) {
      const next = await makeKey(alg, `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`);
      keys.set(alg, next);
      return next.kid;
    },
    close: async () => undefined,
  };

  const server: Listening = await listen(async (request, response) => {
    if (await fake.api.handle(request, response)) return;
    if (request.method === 'GET' && request.path === '/auth/v1/jwks') {
      fake.jwksRequests += 1;
      if (jwksFailures.times > 0) {
        jwksFailures.times -= 1;
        sendJson(response, jwksFailures.status, { error: 'unavailable' });
        return;
      }
      sendJson(response, 200, { keys: [...keys.values()].map((key) => key.publicJwk) });
      return;
    }
    const callback = /^\/api\/v1\/webhooks\/callback\/([^/?]+)$/.exec(request.path);
    if (request.method === 'POST' && callback?.[1] !== undefined) {
      fake.callbacks.push(request);
      const next = plan.shift();
      if (next !== undefined && next !== 'drop' && 'status' in next) {
        sendJson(response, next.status, { code: 14, message: 'unavailable' });
        return;
      }
      if (next !== undefined) {
        usedCallbacks.add(callback[1]);
        if (next === 'drop') response.destroy();
        else setTimeout(() => sendJson(response, 200, {}), next.lateMs);
        return;
      }
      if (callbackFailures.times > 0) {
        callbackFailures.times -= 1;
        sendJson(response, callbackFailures.status, { code: 14, message: 'unavailable' });
        return;
      }
      if (usedCallbacks.has(callback[1])) {
        sendJson(response, 400, { code: 3, message: 'callback already used or expired' });
        return;
      }
      if (approvalCallbacks.has(callback[1])) {
        const problems = approvalBodyProblems(request.body);
        if (problems.length > 0) {
          fake.refusedCallbacks.push({ request, problems });
          sendJson(response, 400, { code: 3, message: `invalid ResponsePolicyApprovalStep: ${problems.join('; ')}` });
          return;
        }
      }
      usedCallbacks.add(callback[1]);
      sendJson(response, 200, {});
      return;
    }
    sendJson(response, 404, { code: 5, message: 'not found' });
  }, options.tls);

  fake.url = server.url;
  fake.jwksUrl = `${server.url}/auth/v1/jwks`;
  fake.close = () => server.close();
  return fake;
}

function approvalBodyProblems(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ['the body is not JSON'];
  }
  return approvalResponseProblems(parsed);
}
