import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';

export interface JwksOptions {
  url: string;
  /** How long a fetched key set is trusted before it is fetched again. */
  cacheMaxAgeMs?: number;
  /** Unknown `kid`: refetch at most once per this interval, so forged kids cannot make us hammer the tenant. */
  cooldownMs?: number;
  timeoutMs?: number;
  /** While the JWKS endpoint is down, keep using the last key set for this long. */
  staleIfErrorMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Raised when no key set can be had: the caller should answer 503 so that ConductorOne retries. */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the JWKS endpoint could not be reached', { cause });
    this.name = 'JwksUnavailableError';
  }
}

const KEY_SELECTION_ERRORS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys];

/**
 * The tenant's key set, cached and refetched on an unknown `kid` (rate-limited by jose's cooldown). If a refresh
 * fails, the last good set keeps working for a bounded time, so a short JWKS outage does not refuse every webhook.
 */
export function createJwksKeyResolver(options: JwksOptions): JWTVerifyGetKey {
  const now = options.now ?? Date.now;
  const remote = createRemoteJWKSet(new URL(options.url), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
    ...(options.fetch === undefined ? {} : { [customFetch]: options.fetch }),
  });
  const staleIfErrorMs = options.staleIfErrorMs ?? 24 * 60 * 60_000;
  let lastGoodAt = Number.NEGATIVE_INFINITY;

  return async (protectedHeader, token) => {
    try {
      const key = await remote(protectedHeader, token);
      lastGoodAt = now();
      return key;
    } catch (error) {
      if (KEY_SELECTION_ERRORS.some((kind) => error instanceof kind)) throw error;
      const lastSet = remote.jwks();
      if (lastSet !== undefined && now() - lastGoodAt <= staleIfErrorMs) {
        return createLocalJWKSet(lastSet)(protectedHeader, token);
      }
      throw new JwksUnavailableError(error);
    }
  };
}
