import { SECRET_KEYS } from '../config/schema.ts';
import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

/**
 * Paths pino blanks out wherever they appear. Callback URLs are credentials (the token is in the URL), and so are
 * the tokens and secrets of every peer.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-bridge-token"]',
  'headers.authorization',
  'authorization',
  ...['callbackUrl', ...SECRET_KEYS].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; tests pass a stream to assert on them. Defaults to stdout. */
  destination?: DestinationStream;
  /** Human-readable lines (for a terminal); JSON otherwise. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'c1-ticket-bridge' },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    },
    options.destination ?? (options.pretty === true ? pino.transport({ target: 'pino-pretty', options: { colorize: true } }) : undefined),
  );
}

export type { Logger };
