import { parseArgs } from 'node:util';

export const TARGET_NAMES = ['bare', 'minimal', 'parsed', 'bridge'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const PART_NAMES = ['ingest', 'latency', 'burst', 'footprint', 'reconcile', 'two-desks'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface BenchOptions {
  /** Seconds of the measured run, per target. */
  duration: number;
  /** Seconds of load before measuring, so the JIT, the JWKS cache and the connections are warm. */
  warmup: number;
  connections: number;
  /** Each round runs every target once; medians over rounds damp a machine whose load changes under the run. */
  rounds: number;
  targets: TargetName[];
  /** Which measurements to run: ingest against the references, end-to-end latency, the rate-limited burst. */
  parts: PartName[];
  /** Tasks measured one at a time for the end-to-end latency. */
  latencyTasks: number;
  burstTasks: number;
  /** Calls per second the fake Jira allows per endpoint during the burst. */
  jiraRate: number;
  footprintSteps: number;
  reconcileTickets: number;
  twoDesksTasks: number;
  quick: boolean;
  /** Where the table goes; undefined when it should not be written (a smoke run must not replace real numbers). */
  resultsFile: string | undefined;
}

export const USAGE = `npm run bench -- [--quick] [--parts ingest,latency,burst,footprint,reconcile,two-desks] [--duration S] [--warmup S]
                       [--connections N] [--rounds N] [--targets bare,minimal,parsed,bridge] [--latency-tasks N]
                       [--burst-tasks N] [--jira-rate N] [--footprint-steps N] [--reconcile-tickets N] [--two-desks-tasks N]

  --quick        smoke check: 2 s runs after a 1 s warm-up, 10 connections, 30 latency tasks, a burst of 300;
                 bench/results.md is left alone
  --parts        which measurements to run (default all six; results.md is written only when all ran)
  --duration     seconds measured per target (default 10)
  --warmup       seconds of load before measuring (default 2)
  --connections  concurrent connections (default 50)
  --rounds       run the targets in turn this many times and report medians (default 1)
  --targets      which ingest targets to run (default all four; ratios need minimal and bridge)
  --latency-tasks  tasks sent one at a time for the end-to-end latency (default 200)
  --burst-tasks  tasks sent at once for the drain time (default 10000)
  --jira-rate    calls per second the fake Jira allows per endpoint during the burst (default 100)
  --footprint-steps    finished steps whose Redis keys are measured (default 200)
  --reconcile-tickets  open Jira issues one reconciliation run reads, Jira at 100 calls/s (default 10000)
  --two-desks-tasks    tasks per desk in two-desks, Jira at 50 calls/s and ServiceNow at 200 (default 5000)`;

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  const value = positive(name, raw, fallback);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return value;
}

/** A comma-separated subset of `names`, always in the order of `names`, whatever order was asked. */
function subset<T extends string>(flag: string, names: readonly T[], raw: string | undefined): T[] {
  if (raw === undefined) return [...names];
  const asked = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = asked.filter((name) => !(names as readonly string[]).includes(name));
  if (unknown.length > 0 || asked.length === 0) {
    throw new Error(`--${flag} takes a comma-separated list of ${names.join(', ')}; got ${JSON.stringify(raw)}`);
  }
  return names.filter((name) => asked.includes(name));
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
      parts: { type: 'string' },
      'latency-tasks': { type: 'string' },
      'burst-tasks': { type: 'string' },
      'jira-rate': { type: 'string' },
      'footprint-steps': { type: 'string' },
      'reconcile-tickets': { type: 'string' },
      'two-desks-tasks': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const connections = wholeNumber('connections', values.connections, quick ? 10 : 50);
  const rounds = wholeNumber('rounds', values.rounds, 1);
  const parts = subset('parts', PART_NAMES, values.parts);
  return {
    quick,
    duration: positive('duration', values.duration, quick ? 2 : 10),
    warmup: positive('warmup', values.warmup, quick ? 1 : 2, true),
    connections,
    rounds,
    // Bare → minimal → parsed → bridge: the table then reads from the floor up.
    targets: subset('targets', TARGET_NAMES, values.targets),
    parts,
    latencyTasks: wholeNumber('latency-tasks', values['latency-tasks'], quick ? 30 : 200),
    burstTasks: wholeNumber('burst-tasks', values['burst-tasks'], quick ? 300 : 10_000),
    jiraRate: positive('jira-rate', values['jira-rate'], 100),
    footprintSteps: wholeNumber('footprint-steps', values['footprint-steps'], quick ? 20 : 200),
    reconcileTickets: wholeNumber('reconcile-tickets', values['reconcile-tickets'], quick ? 1000 : 10_000),
    twoDesksTasks: wholeNumber('two-desks-tasks', values['two-desks-tasks'], quick ? 300 : 5000),
    // A partial or smoke run must not replace the numbers of a full one.
    resultsFile: quick || parts.length < PART_NAMES.length ? undefined : resultsFile,
  };
}
