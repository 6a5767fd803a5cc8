import type { Logger } from 'pino';

export interface KeptTrying {
  /** Settles after the first attempt, whether it succeeded or not. */
  firstTry: Promise<void>;
  /** No further attempt is made after this. */
  stop(): void;
}

/**
 * Runs `task` now and, while it fails, again every `retryMs` until it succeeds or `stop()` is called, logging
 * `${what} ${done}` once it has, and a warning after each failure.
 *
 * @example
 *   const schedule = keepTrying('reconcile schedule', 'set', () => queue.upsertJobScheduler(…), logger, 5_000);
 *   await schedule.firstTry; // …later: schedule.stop()
 */
export function keepTrying(what: string, done: string, task: () => Promise<unknown>, logger: Logger, retryMs: number): KeptTrying {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    try {
      await task();
      logger.info(`${what} ${done}`);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: retryMs }, `${what} not ${done} yet; trying again`);
      if (!stopped) timer = setTimeout(() => void attempt(), retryMs);
    }
  };
  return {
    firstTry: attempt(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
