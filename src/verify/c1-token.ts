import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { BridgeError } from '../errors.ts';
import { constantTimeEqual } from './constant-time.ts';
import { JwksUnavailableError } from './jwks.ts';

/** The only algorithms ConductorOne signs webhooks with (contract §4); `none` and HMAC can never pass. */
export const C1_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** C1 tokens live 120 s; anything issued longer ago than this is refused whatever its `exp` says. */
const MAX_TOKEN_AGE_SECONDS = 300;

export interface C1TokenVerifierOptions {
  /** Expected `iss`: the tenant host, e.g. `acme.conductor.one`. */
  tenant: string;
  audience: string;
  /** Expected `htu`: the public URL of the webhook endpoint. */
  endpointUrl: string;
  clockToleranceSeconds: number;
  getKey: JWTVerifyGetKey;
  now?: () => Date;
}

export interface VerifiedC1Token {
  jti: string;
  /** Epoch seconds after which the token can no longer be accepted (tolerance included). */
  acceptableUntil: number;
  claims: JWTPayload;
}

export type C1TokenVerifier = (authorization: string | undefined, rawBody: Buffer) => Promise<VerifiedC1Token>;

const REFUSAL_MESSAGE = 'missing or invalid ConductorOne token';

function refuse(reason: string, cause?: unknown): BridgeError {
  return new BridgeError('unauthorized', REFUSAL_MESSAGE, { reason, cause });
}

export function bodyHash(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('base64');
}

/**
 * A URL as `htu` is compared: scheme and host in lower case, no default port (what `URL` makes of them), the path
 * as given, no query or fragment. Undefined when it is no URL at all.
 */
export function comparableUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') throw refuse('no Authorization header');
  const match = /^bearer +(\S+)\s*$/i.exec(authorization);
  if (match?.[1] === undefined) throw refuse('Authorization is not a Bearer token');
  return match[1];
}

function joseReason(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Verifies the `Authorization: Bearer <JWT>` of a ConductorOne webhook against the raw request body (contract §4).
 *
 * @example
 *   const verify = createC1TokenVerifier({ tenant, audience, endpointUrl, clockToleranceSeconds: 30, getKey });
 *   const { jti } = await verify(request.headers.authorization, rawBody);
 */
export function createC1TokenVerifier(options: C1TokenVerifierOptions): C1TokenVerifier {
  const now = options.now ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds;
  const expectedHtu = comparableUrl(options.endpointUrl);
  if (expectedHtu === undefined) throw new TypeError(`endpointUrl is not a URL: ${options.endpointUrl}`);
  const issuers = [options.tenant, `https://${options.tenant}`];

  return async (authorization, rawBody) => {
    const token = bearerToken(authorization);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, options.getKey, {
        algorithms: [...C1_ALGORITHMS],
        issuer: issuers,
        audience: options.audience,
        clockTolerance: tolerance,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        requiredClaims: ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'htu', 'htm', 'c1typ', 'htb_s256'],
        currentDate: now(),
      }));
    } catch (error) {
      if (error instanceof JwksUnavailableError) {
        throw new BridgeError('jwks_unavailable', 'the signing keys of ConductorOne cannot be fetched; retry later', {
          reason: joseReason(error.cause),
          cause: error,
        });
      }
      throw refuse(joseReason(error), error);
    }

    if (claims['c1typ'] !== 'wh') throw refuse(`c1typ is ${JSON.stringify(claims['c1typ'])}, not "wh"`);
    if (claims['htm'] !== 'POST') throw refuse(`htm is ${JSON.stringify(claims['htm'])}, not "POST"`);
    const htu = claims['htu'];
    if (typeof htu !== 'string' || comparableUrl(htu) !== expectedHtu) {
      throw refuse(`htu is ${JSON.stringify(htu)}, expected ${JSON.stringify(expectedHtu)}`);
    }
    const htb = claims['htb_s256'];
    if (typeof htb !== 'string' || !constantTimeEqual(htb, bodyHash(rawBody))) {
      throw refuse('htb_s256 does not match the SHA-256 of the body');
    }
    const jti = claims.jti;
    if (typeof jti !== 'string' || jti === '') throw refuse('jti is empty');

    const iat = claims.iat ?? 0;
    const exp = claims.exp ?? 0;
    return { jti, claims, acceptableUntil: Math.min(exp, iat + MAX_TOKEN_AGE_SECONDS) + tolerance };
  };
}
