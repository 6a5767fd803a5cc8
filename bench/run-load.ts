import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadSettings {
  url: string;
  poolFile: string;
  duration: number;
  warmup: number;
  connections: number;
  /** Cycle through the pool when it runs out (only for sizing probes, whose answers are not measured). */
  reuse: boolean;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Milliseconds, from every response of the measured run (autocannon's own percentiles are whole milliseconds). */
  p50: number;
  p99: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** 2xx answers in the warm-up and the measured run together: each one should have left new work behind. */
  accepted: number;
  poolSize: number;
  /** Entries taken, counting those taken again after the pool ran out. */
  requested: number;
  /** The run asked for more entries than the pool had, so some requests repeated a token. */
  exhausted: boolean;
  /** CPU the load process used in its whole life, so the parent can tell what else ran on the machine. */
  cpuSeconds: number;
}

const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));

/**
 * Drives the target from a second process, so the load generator does not share the target's event loop. The child
 * gets no exec arguments: a `--cpu-prof` on the parent must profile the target, not the load.
 */
export function runLoad(settings: LoadSettings): Promise<LoadResult> {
  const args = [
    '--url', settings.url,
    '--pool', settings.poolFile,
    '--duration', String(settings.duration),
    '--warmup', String(settings.warmup),
    '--connections', String(settings.connections),
    ...(settings.reuse ? ['--reuse'] : []),
  ];
  const child = fork(LOAD_SCRIPT, args, { execPath: process.execPath, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  return new Promise<LoadResult>((resolve, reject) => {
    let result: LoadResult | undefined;
    child.once('message', (message) => {
      result = message as LoadResult;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', stop);
      if (result !== undefined) resolve(result);
      else reject(new Error(`the load process ended without a result (exit code ${code ?? 'none'}, signal ${signal ?? 'none'})`));
    });
  });
}
