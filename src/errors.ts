/**
 * Typed errors with stable string codes. Every error the bridge raises on purpose is a BridgeError: its `code` is
 * what callers see in `{error, message}` and what operators grep for, its `status` is the HTTP answer, and
 * `retryable` says whether trying again can help (for jobs: transient vs. permanent).
 */
export const ERROR_CODES = {
  // ConductorOne front door
  unauthorized: { status: 401, retryable: false },
  jwks_unavailable: { status: 503, retryable: true },
  invalid_json: { status: 400, retryable: false },
  unsupported_content_type: { status: 400, retryable: false },
  invalid_payload: { status: 400, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_event: { status: 422, retryable: false },
  /** A policy approval step that no `for: approval` route takes: refused, never answered with a deny. */
  no_approval_route: { status: 422, retryable: false },
  redis_unavailable: { status: 503, retryable: true },
  // pages (sandbox, operator console)
  invalid_form: { status: 400, retryable: false },
  csrf_rejected: { status: 403, retryable: false },
  // step outcomes
  /** A provisioning outcome for an approval step, or an approval outcome for a provisioning step. */
  step_kind_mismatch: { status: 409, retryable: false },
  /** An approval answer C1 would refuse: a reassign to no one, to more than 32 users, or to an empty id. */
  invalid_approval_answer: { status: 400, retryable: false },
  // generic
  not_found: { status: 404, retryable: false },
  /** A failed job that replaying cannot help (a callback refused for good, a step already reported). */
  not_replayable: { status: 409, retryable: false },
  internal_error: { status: 500, retryable: true },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** Detail for the log only; never sent to the caller. */
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, options: { reason?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridgeError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.retryable = ERROR_CODES[code].retryable;
    this.reason = options.reason;
  }
}

export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError;
}
