import { SECRET_KEYS } from '../config/schema.ts';
import { pino, type Bindings, type ChildLoggerOptions, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';
import { redactDeep } from './redact-deep.ts';

/**
 * Keys whose values are blanked out wherever they appear, at any depth (compared without case, as HTTP header names
 * are). Callback URLs are credentials (the token is in the URL), and so are the tokens and secrets of every peer.
 */
export const REDACTED_KEYS: readonly string[] = ['callbackUrl', 'authorization', 'x-bridge-token', ...SECRET_KEYS];

export const CENSOR = '[redacted]';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; tests pass a stream to assert on them. Defaults to stdout. */
  destination?: DestinationStream;
  /** Human-readable lines (for a terminal); JSON otherwise. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const keys = new Set(REDACTED_KEYS.map((key) => key.toLowerCase()));
  const redact = <T extends Record<string, unknown>>(object: T): T => redactDeep(object, keys, CENSOR);
  const root = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'c1-ticket-bridge' },
      formatters: { log: redact },
      // An Error becomes a plain object only in its serializer, after the formatter ran: its fields (an HTTP client's
      // `config.headers.authorization`, say) are redacted there.
      serializers: { err: (error: unknown) => (error instanceof Error ? redactDeep({ ...pino.stdSerializers.err(error) }, keys, CENSOR) : error) },
    },
    options.destination ?? (options.pretty === true ? pino.transport({ target: 'pino-pretty', options: { colorize: true } }) : undefined),
  );
  // pino applies a bindings formatter to the root's bindings only, never to a child's (`logger.child({ request })`),
  // so the bindings are redacted on their way in. Children are made from their parent, so they inherit this too.
  const pinoChild = (Object.getPrototypeOf(root) as { child: (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger }).child;
  root.child = function redactingChild(this: Logger, bindings: Bindings, childOptions?: ChildLoggerOptions) {
    return pinoChild.call(this, redact(bindings), childOptions);
  } as unknown as Logger['child'];
  return root;
}

export type { Logger };
