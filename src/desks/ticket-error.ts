import type { DeskId } from './desk-module.ts';

/**
 * A service desk call that failed. `retryable` says whether trying again can help; `retryAfterMs` carries the desk's
 * own advice (Retry-After), which wins over the configured backoff.
 */
export class TicketSystemError extends Error {
  readonly code: 'ticket_system_unavailable' | 'ticket_system_rate_limited' | 'ticket_system_rejected' | 'ticket_system_invalid_answer';
  /** The desk that failed: its name (pace and metrics are kept per desk) and its kind. */
  readonly system: DeskId;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    system: DeskId;
    code: TicketSystemError['code'];
    message: string;
    status?: number;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TicketSystemError';
    this.system = options.system;
    this.code = options.code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.code !== 'ticket_system_rejected';
  }

  /** The same failure, named as the desk it came from (an adapter knows its kind; the desk's name is the config's). */
  forDesk(desk: DeskId): TicketSystemError {
    if (desk.name === this.system.name && desk.kind === this.system.kind) return this;
    return new TicketSystemError({
      system: desk,
      code: this.code,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
    });
  }
}

/** Seconds or an HTTP date, as RFC 9110 §10.2.3 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
