/**
 * A small ConductorOne API client: client-credentials token exchange and user search by email, for approvals'
 * reassign (the C1 user id of the person a ticket was assigned to). No SDK is installable here, so this follows what
 * C1's TypeScript SDK does (`conductorone-sdk-typescript` `src/token.ts`; summarised in the project's desks spec §5):
 * - the client secret is `secret-token:conductorone.com:v1:<base64 of a JSON JWK>`, an Ed25519 private key;
 * - the client signs a JWT (EdDSA; `iss` = `sub` = client id, `aud` = [tenant host], `iat` now, `nbf` now − 120 s,
 *   `exp` now + 120 s, a random hex `nonce` in the protected header);
 * - `POST https://<tenant>/auth/v1/token`, form body `client_id`, `grant_type=client_credentials`,
 *   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, `client_assertion`; the answer's
 *   `access_token` is used as `Authorization: Bearer` (the OpenAPI's `securitySchemes`: oauth2 clientCredentials at
 *   `/auth/v1/token`, credentials in the body);
 * - `POST /api/v1/search/users` `{"email": …, "pageSize": 10}` answers `{"list":[{"user":{id, email, emails…}}]}`
 *   (OpenAPI `c1.api.user.v1.SearchUsersRequest` / `SearchUsersResponse`; `email` is an exact match).
 */
import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

export const C1_SECRET_PREFIX = 'secret-token:conductorone.com:v1:';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type C1ApiErrorCode =
  /** The client secret is not `secret-token:conductorone.com:v1:<base64 JWK>` of an Ed25519 private key. */
  | 'c1_secret_format'
  /** The token endpoint refused the credentials (4xx). */
  | 'c1_token_refused'
  /** The API answered an error (a refused token, a bad request). */
  | 'c1_api_refused'
  /** No answer, or a 5xx / 429: trying again may help. */
  | 'c1_unavailable'
  /** An answer that is not what the OpenAPI says. */
  | 'c1_bad_answer';

export class C1ApiError extends Error {
  readonly code: C1ApiErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(code: C1ApiErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'C1ApiError';
    this.code = code;
    this.status = options.status;
    this.retryable = code === 'c1_unavailable';
  }
}

export interface C1ApiClientOptions {
  /** The tenant host, e.g. `acme.conductor.one`: the token's audience. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** Where the API answers; `https://<tenant>` unless given (tests point it at a fake). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** How long a call may take (default 10 s). */
  timeoutMs?: number;
}

export interface C1ApiClient {
  /** A bearer token, from the cache while it has more than a minute left. */
  accessToken(): Promise<string>;
  /** The C1 user id whose email is exactly `email` (case aside), or undefined when C1 has none. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
}

/** The SDK keeps a token an hour and does not read `expires_in`; the bridge reads it when C1 sends it. */
const DEFAULT_TOKEN_SECONDS = 3600;
/** A token is renewed this long before it runs out, so no call carries one that expires on the way. */
const RENEW_BEFORE_MS = 60_000;

/**
 * The Ed25519 private JWK inside a C1 client secret.
 * @throws C1ApiError `c1_secret_format`, saying what is wrong but never echoing the secret.
 */
export function parseClientSecret(secret: string): JWK {
  if (!secret.startsWith(C1_SECRET_PREFIX)) {
    throw new C1ApiError('c1_secret_format', `conductorone.api.clientSecret must start with ${C1_SECRET_PREFIX}`);
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(secret.slice(C1_SECRET_PREFIX.length), 'base64').toString('utf8'));
  } catch {
    throw new C1ApiError('c1_secret_format', 'conductorone.api.clientSecret: after the prefix, expected base64 of a JSON JWK');
  }
  const key = jwk as Partial<Record<string, unknown>> | null;
  if (typeof key !== 'object' || key === null || key['kty'] !== 'OKP' || key['crv'] !== 'Ed25519' || typeof key['d'] !== 'string') {
    throw new C1ApiError('c1_secret_format', 'conductorone.api.clientSecret must hold an Ed25519 private key (JWK kty OKP, crv Ed25519, with d)');
  }
  return key as JWK;
}

/**
 * @example
 *   const c1 = createC1ApiClient({ tenant: 'acme.conductor.one', clientId, clientSecret });
 *   const userId = await c1.findUserIdByEmail('jane.doe@acme.com'); // '2pQdUserJane' | undefined
 */
export function createC1ApiClient(options: C1ApiClientOptions): C1ApiClient {
  const jwk = parseClientSecret(options.clientSecret);
  const base = (options.baseUrl ?? `https://${options.tenant}`).replace(/\/+$/, '');
  // The audience is the tenant's host without a port, as the SDK sends it.
  const audience = options.tenant.replace(/:\d+$/, '');
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function call(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await doFetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new C1ApiError('c1_unavailable', `${what}: no answer from ${base} (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  }

  async function failure(response: Response, what: string, refused: 'c1_token_refused' | 'c1_api_refused'): Promise<C1ApiError> {
    const answer = (await response.text().catch(() => '')).slice(0, 300);
    const code = response.status === 429 || response.status >= 500 ? 'c1_unavailable' : refused;
    return new C1ApiError(code, `${what}: ConductorOne answered ${response.status.toString()}${answer === '' ? '' : `: ${answer}`}`, { status: response.status });
  }

  async function exchange(): Promise<string> {
    const key = await importJWK(jwk, 'EdDSA');
    const seconds = Math.floor(now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', nonce: randomBytes(16).toString('hex') })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience([audience])
      .setIssuedAt(seconds)
      .setNotBefore(seconds - 120)
      .setExpirationTime(seconds + 120)
      .sign(key);
    const form = new URLSearchParams({
      client_id: options.clientId,
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    const response = await call(`${base}/auth/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, 'token exchange');
    if (!response.ok) throw await failure(response, 'token exchange', 'c1_token_refused');
    const body = (await response.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw new C1ApiError('c1_bad_answer', 'token exchange: the answer has no access_token');
    // The SDK strips a leading "bearer" from the token when C1 sends one.
    const token = body.access_token.replace(/^bearer\s+/i, '');
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    cached = { token, renewAt: now() + Math.max(0, lifetime * 1000 - RENEW_BEFORE_MS) };
    return token;
  }

  const client: C1ApiClient = {
    async accessToken() {
      if (cached !== undefined && now() < cached.renewAt) return cached.token;
      // Callers at the same moment share one exchange.
      pending ??= exchange().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    async findUserIdByEmail(email) {
      const token = await client.accessToken();
      const response = await call(
        `${base}/api/v1/search/users`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ email, pageSize: 10 }) },
        'user search',
      );
      if (response.status === 401) cached = undefined;
      if (!response.ok) throw await failure(response, 'user search', 'c1_api_refused');
      const body = (await response.json().catch(() => undefined)) as { list?: unknown } | undefined;
      if (body === undefined || (body.list !== undefined && body.list !== null && !Array.isArray(body.list))) {
        throw new C1ApiError('c1_bad_answer', 'user search: the answer is not a SearchUsersResponse');
      }
      const wanted = email.trim().toLowerCase();
      for (const item of (body.list ?? []) as Array<{ user?: { id?: unknown; email?: unknown; emails?: unknown } | null }>) {
        const user = item.user;
        const emails = [user?.email, ...(Array.isArray(user?.emails) ? user.emails : [])].filter((e): e is string => typeof e === 'string');
        if (typeof user?.id === 'string' && user.id !== '' && emails.some((e) => e.trim().toLowerCase() === wanted)) return user.id;
      }
      return undefined;
    },
  };
  return client;
}
