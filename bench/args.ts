import { parseArgs } from 'node:util';

export const TARGET_NAMES = ['bare', 'minimal', 'bridge'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface BenchOptions {
  /** Seconds of the measured run, per target. */
  duration: number;
  /** Seconds of load before measuring, so the JIT, the JWKS cache and the connections are warm. */
  warmup: number;
  connections: number;
  /** Each round runs every target once; medians over rounds damp a machine whose load changes under the run. */
  rounds: number;
  targets: TargetName[];
  quick: boolean;
  /** Where the table goes; undefined when it should not be written (a smoke run must not replace real numbers). */
  resultsFile: string | undefined;
}

export const USAGE = `npm run bench -- [--quick] [--duration S] [--warmup S] [--connections N] [--rounds N] [--targets bare,minimal,bridge]

  --quick        smoke check: 2 s runs after a 1 s warm-up, 10 connections; bench/results.md is left alone
  --duration     seconds measured per target (default 10)
  --warmup       seconds of load before measuring (default 2)
  --connections  concurrent connections (default 50)
  --rounds       run the targets in turn this many times and report medians (default 1)
  --targets      which targets to run, in this order (default all three; ratios need minimal and bridge)`;

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function targetList(raw: string | undefined): TargetName[] {
  if (raw === undefined) return [...TARGET_NAMES];
  const asked = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = asked.filter((name) => !(TARGET_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || asked.length === 0) {
    throw new Error(`--targets takes a comma-separated list of ${TARGET_NAMES.join(', ')}; got ${JSON.stringify(raw)}`);
  }
  // Always bare → minimal → bridge, whatever order was asked: the table then reads from the floor up.
  return TARGET_NAMES.filter((name) => asked.includes(name));
}

export function parseBenchArgs(argv: string[], resultsFile: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      targets: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const connections = positive('connections', values.connections, quick ? 10 : 50);
  if (!Number.isInteger(connections)) throw new Error(`--connections must be a whole number, got ${values.connections}`);
  const rounds = positive('rounds', values.rounds, 1);
  if (!Number.isInteger(rounds)) throw new Error(`--rounds must be a whole number, got ${values.rounds}`);
  return {
    quick,
    duration: positive('duration', values.duration, quick ? 2 : 10),
    warmup: positive('warmup', values.warmup, quick ? 1 : 2, true),
    connections,
    rounds,
    targets: targetList(values.targets),
    resultsFile: quick ? undefined : resultsFile,
  };
}
