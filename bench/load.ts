/**
 * The load process: reads a signed pool and drives one target with autocannon, each request taking the next pool
 * entry, then sends its numbers to the parent over IPC. Started by `runLoad`; not meant to be run by hand.
 */
import { parseArgs } from 'node:util';
import { autocannon, type RequestParams } from './autocannon.ts';
import { percentile } from './percentile.ts';
import { bodyFor, readPool } from './pool.ts';
import type { LoadResult } from './run-load.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      url: { type: 'string' },
      pool: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      reuse: { type: 'boolean', default: false },
    },
  });
  if (values.url === undefined || values.pool === undefined) throw new Error('load.ts needs --url and --pool');
  const duration = Number(values.duration ?? 10);
  const warmup = Number(values.warmup ?? 0);
  const connections = Number(values.connections ?? 50);

  const { header, tokens } = await readPool(values.pool);
  if (tokens.length === 0) throw new Error('the pool holds no tokens');
  let next = 0;
  let exhausted = false;

  // Called once per request sent (and once per connection at start-up), so every request gets an entry of its own.
  const setupRequest = (request: RequestParams): RequestParams => {
    let n = next++;
    if (n >= tokens.length) {
      if (!values.reuse) exhausted = true;
      n %= tokens.length;
    }
    return {
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${tokens[n] ?? ''}` },
      body: bodyFor(header, n),
    };
  };

  const latencies: number[] = [];
  const run = autocannon({
    url: values.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
    timeout: 10,
    ...(warmup > 0 ? { warmup: { connections, duration: warmup } } : {}),
    requests: [{ setupRequest }],
  });
  run.on('response', (_client: unknown, _status: number, _bytes: number, milliseconds: number) => {
    latencies.push(milliseconds);
  });
  const result = await run;

  const sorted = Float64Array.from(latencies).sort();
  const statusCodes: Record<string, number> = {};
  for (const part of [result, result.warmup]) {
    for (const [code, { count }] of Object.entries(part?.statusCodeStats ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  const cpu = process.cpuUsage();
  const message: LoadResult = {
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    non2xx: result.non2xx + (result.warmup?.non2xx ?? 0),
    statusCodes,
    errors: result.errors + (result.warmup?.errors ?? 0),
    timeouts: result.timeouts + (result.warmup?.timeouts ?? 0),
    accepted: result['2xx'] + (result.warmup?.['2xx'] ?? 0),
    poolSize: tokens.length,
    requested: next,
    exhausted,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.send?.(message, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
