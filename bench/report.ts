import { cpus, release, totalmem, type as osType } from 'node:os';
import { createRequire } from 'node:module';
import type { TargetName } from './args.ts';
import { pipelineMarkdown, verdict } from './pipeline-report.ts';
import type { PipelineResult } from './pipeline.ts';
import type { LoadResult } from './run-load.ts';

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  redis: string;
  autocannon: string;
}

/** One target's measured run in one round. */
export interface Run {
  target: TargetName;
  round: number;
  load: LoadResult;
  /** Jobs the target enqueued during the run, when it enqueues any. */
  jobs: number | undefined;
  /** Cores busy with other work on the machine during the run. */
  coresElsewhere: number;
  /** CPU microseconds per answered request (warm-up included) in the target's process, in Redis and in the load process. */
  cpu: { server: number; redis: number; load: number };
}

export interface Summary {
  target: TargetName;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

export interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
}

/**
 * The aims the bridge is held to, relative to the `parsed` reference on the same machine and run: the minimal pipeline
 * plus the parsing, schema checks and mapping the contract requires before the 202. `minimal` stays in the table.
 */
export const AIMS = { reference: 'parsed', throughputAtLeast: 0.85, p99AtMost: 1.2, cpuAtMost: 1.15 } as const;

export function describeMachine(redisVersion: string): Machine {
  const cores = cpus();
  const require = createRequire(import.meta.url);
  const autocannonPackage = require('autocannon/package.json') as { version: string };
  return {
    node: process.version,
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    redis: redisVersion,
    autocannon: autocannonPackage.version,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export function summarize(runs: readonly Run[]): Summary[] {
  const targets = [...new Set(runs.map((run) => run.target))];
  return targets.map((target) => {
    const loads = runs.filter((run) => run.target === target).map((run) => run.load);
    return {
      target,
      requestsPerSecond: median(loads.map((load) => load.requestsPerSecond)),
      p50: median(loads.map((load) => load.p50)),
      p99: median(loads.map((load) => load.p99)),
      non2xx: loads.reduce((sum, load) => sum + load.non2xx, 0),
    };
  });
}

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function table(runs: readonly Run[]): string {
  const rows = summarize(runs).map((s) => `| ${s.target} | ${fixed(s.requestsPerSecond, 0)} | ${fixed(s.p50, 2)} | ${fixed(s.p99, 2)} | ${s.non2xx} |`);
  return ['| target | requests/s | p50 ms | p99 ms | non-2xx |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

/**
 * CPU per request moves far less than throughput when other work shares the machine, so it backs the ratios up: with
 * the target's event loop saturated, throughput goes as one over its CPU per request.
 */
export function cpuTable(runs: readonly Run[]): string {
  const targets = [...new Set(runs.map((run) => run.target))];
  const rows = targets.map((target) => {
    const own = runs.filter((run) => run.target === target);
    const pick = (f: (run: Run) => number): string => fixed(median(own.map(f)), 0);
    return `| ${target} | ${pick((run) => run.cpu.server)} | ${pick((run) => run.cpu.redis)} | ${pick((run) => run.cpu.load)} |`;
  });
  return ['| target | server µs/req | Redis µs/req | load µs/req |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}

const cpuOf = (runs: readonly Run[], target: TargetName, f: (cpu: Run['cpu']) => number): number => median(runs.filter((run) => run.target === target).map((run) => f(run.cpu)));
const serverCpu = (cpu: Run['cpu']): number => cpu.server;
const allCpu = (cpu: Run['cpu']): number => cpu.server + cpu.redis + cpu.load;

/**
 * Bridge over the parsed reference in CPU per request, held to `AIMS.cpuAtMost`; then, with minimal in the run, where
 * the bridge's CPU over minimal goes. The server's share decides throughput while the target's event loop is the
 * bottleneck; the whole (server, Redis and load together) decides it once the machine's cores are all busy.
 */
export function cpuRatioLines(runs: readonly Run[]): string[] {
  const ran = (target: TargetName): boolean => runs.some((run) => run.target === target);
  const lines: string[] = [];
  if (ran('parsed') && ran('bridge')) {
    const all = cpuOf(runs, 'bridge', allCpu) / cpuOf(runs, 'parsed', allCpu);
    lines.push(
      `bridge/parsed CPU per request, target process: ${fixed(cpuOf(runs, 'bridge', serverCpu) / cpuOf(runs, 'parsed', serverCpu), 2)}; all processes: ${fixed(all, 2)} (aim ≤ ${fixed(AIMS.cpuAtMost, 2)}, all processes): ${verdict(all <= AIMS.cpuAtMost)}`,
    );
  }
  if (ran('minimal') && ran('parsed') && ran('bridge')) {
    const minimal = cpuOf(runs, 'minimal', allCpu);
    const parsed = cpuOf(runs, 'parsed', allCpu);
    const bridge = cpuOf(runs, 'bridge', allCpu);
    lines.push(
      `where the bridge's ${fixed(bridge - minimal, 0)} µs/req over minimal go (all processes): ${fixed(parsed - minimal, 0)} to parsing, checking ` +
        `and mapping the payload (parsed − minimal), ${fixed(bridge - parsed, 0)} to the delivery record with the token's answer, ` +
        `request logging and metrics (bridge − parsed); parsed/minimal alone: ${fixed(parsed / minimal, 2)}`,
    );
  }
  return lines;
}

export interface Ratios {
  /** Bridge over parsed: what the aims hold. */
  throughput: number;
  p99: number;
  throughputMet: boolean;
  p99Met: boolean;
  /** Bridge over minimal, for the record (no aim). */
  minimal: { throughput: number; p99: number } | undefined;
  /** Per round, when there were several: the spread says how far to trust the medians. */
  perRound: Array<{ throughput: number; p99: number }>;
}

/** Bridge over `reference`, paired within each round (the two ran seconds apart), then the median over rounds. */
function pairedRatios(runs: readonly Run[], reference: TargetName): Array<{ throughput: number; p99: number }> {
  const perRound: Array<{ throughput: number; p99: number }> = [];
  for (const round of new Set(runs.map((run) => run.round))) {
    const base = runs.find((run) => run.round === round && run.target === reference)?.load;
    const bridge = runs.find((run) => run.round === round && run.target === 'bridge')?.load;
    if (base === undefined || bridge === undefined) continue;
    perRound.push({ throughput: bridge.requestsPerSecond / base.requestsPerSecond, p99: bridge.p99 / base.p99 });
  }
  return perRound;
}

export function ratios(runs: readonly Run[]): Ratios | undefined {
  const perRound = pairedRatios(runs, AIMS.reference);
  if (perRound.length === 0) return undefined;
  const throughput = median(perRound.map((r) => r.throughput));
  const p99 = median(perRound.map((r) => r.p99));
  const againstMinimal = pairedRatios(runs, 'minimal');
  const minimal = againstMinimal.length === 0 ? undefined : { throughput: median(againstMinimal.map((r) => r.throughput)), p99: median(againstMinimal.map((r) => r.p99)) };
  return { throughput, p99, throughputMet: throughput >= AIMS.throughputAtLeast, p99Met: p99 <= AIMS.p99AtMost, minimal, perRound };
}

export function ratioLines(result: Ratios | undefined): string[] {
  if (result === undefined) return ['Ratios need both the parsed and the bridge targets in the run.'];
  const lines = [
    `bridge/parsed throughput: ${fixed(result.throughput, 2)} (aim ≥ ${fixed(AIMS.throughputAtLeast, 2)}): ${verdict(result.throughputMet)}`,
    `bridge/parsed p99:        ${fixed(result.p99, 2)} (aim ≤ ${fixed(AIMS.p99AtMost, 2)}): ${verdict(result.p99Met)}`,
  ];
  if (result.minimal !== undefined) lines.push(`bridge/minimal (no aim): throughput ${fixed(result.minimal.throughput, 2)}, p99 ${fixed(result.minimal.p99, 2)}`);
  if (result.perRound.length > 1) {
    const list = (pick: (r: { throughput: number; p99: number }) => number): string => result.perRound.map((r) => fixed(pick(r), 2)).join(', ');
    lines.push(`per round (bridge/parsed): throughput ${list((r) => r.throughput)}; p99 ${list((r) => r.p99)}`);
  }
  return lines;
}

/** Above this, other work on the machine was large enough to move the numbers. */
export const DISTURBED_CORES = 0.2;

export function disturbanceLines(runs: readonly Run[]): string[] {
  const severalRounds = new Set(runs.map((run) => run.round)).size > 1;
  const name = (run: Run): string => (severalRounds ? `${run.target}#${run.round}` : run.target);
  const list = runs.map((run) => `${name(run)} ${fixed(run.coresElsewhere, 2)}`).join(', ');
  const disturbed = runs.filter((run) => run.coresElsewhere > DISTURBED_CORES);
  const lines = [`cores busy with other work during each run: ${list}`];
  if (disturbed.length > 0) {
    lines.push(`WARNING: other processes used more than ${DISTURBED_CORES} of a core during ${disturbed.map(name).join(', ')}; run again on a quiet machine before trusting the ratios`);
  }
  return lines;
}

export function machineLines(machine: Machine): string[] {
  return [
    `node ${machine.node}, autocannon ${machine.autocannon}, Redis ${machine.redis}`,
    `CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`,
  ];
}

export function settingsLine(settings: Settings): string {
  const rounds = settings.rounds > 1 ? `; medians of ${settings.rounds} rounds` : '';
  return `${settings.connections} connections, ${settings.warmup} s warm-up then ${settings.duration} s measured per target${rounds}; load from a second process on the same machine`;
}

export function resultsMarkdown(
  machine: Machine,
  settings: Settings,
  runs: readonly Run[],
  pipeline: PipelineResult,
  pipelineSettings: { latencyTasks: number },
  date: Date,
): string {
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (see bench/README.md); each full run replaces this file.',
    '',
    `Date: ${date.toISOString()}`,
    '',
    ...machineLines(machine).map((line) => `- ${line}`),
    '',
    '## Ingest: the real route against the references',
    '',
    `- ${settingsLine(settings)}`,
    '',
    table(runs),
    '',
    ...ratioLines(ratios(runs)).map((line) => `- ${line.replace(/ {2,}/g, ' ')}`),
    ...disturbanceLines(runs).map((line) => `- ${line}`),
    '',
    'CPU per answered request (less sensitive than throughput to other work on the machine):',
    '',
    cpuTable(runs),
    '',
    ...cpuRatioLines(runs).map((line) => `- ${line}`),
    '',
    'Every request carried its own ES256 token and its own task id; non-2xx counts the warm-ups too.',
    '',
    ...pipelineMarkdown(pipeline, pipelineSettings),
  ].join('\n');
}
