import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/args.ts';
import { burstLines, memoryLines, pipelineProblems } from '../../bench/pipeline-report.ts';
import { percentiles, type BurstResult } from '../../bench/pipeline.ts';
import { cpuRatioLines, ratioLines, ratios, type Run } from '../../bench/report.ts';
import type { TargetName } from '../../bench/args.ts';

const RESULTS = '/tmp/results.md';

function burst(overrides: Partial<BurstResult> = {}): BurstResult {
  return {
    tasks: 10_000,
    jiraRate: 100,
    drainSeconds: 101,
    idealSeconds: 99,
    ingestSeconds: 18,
    tickets: 10_000,
    duplicates: 0,
    missing: 0,
    jiraCalls: 10_300,
    rateLimited: 200,
    deliveryRetries: 0,
    ...overrides,
  };
}

/** A measured run whose only interesting part is its CPU per request. */
function run(target: TargetName, round: number, cpu: Run['cpu']): Run {
  const load = { requestsPerSecond: 1000, p50: 10, p99: 20, non2xx: 0, statusCodes: { '202': 1000 }, errors: 0, timeouts: 0, accepted: 1000, poolSize: 1500, requested: 1000, exhausted: false, cpuSeconds: 0.1 };
  return { target, round, load, jobs: 1000, coresElsewhere: 0, cpu };
}

describe('bench arguments', () => {
  it('runs every part and every ingest target, floor first, and writes results.md by default', () => {
    const options = parseBenchArgs([], RESULTS);
    expect(options.targets).toEqual(['bare', 'minimal', 'parsed', 'bridge']);
    expect(options.parts).toEqual(['ingest', 'latency', 'burst', 'footprint', 'reconcile', 'two-desks']);
    expect(options).toMatchObject({ burstTasks: 10_000, jiraRate: 100, latencyTasks: 200, footprintSteps: 200, reconcileTickets: 10_000, twoDesksTasks: 5000, resultsFile: RESULTS });
  });

  it('leaves results.md alone for a partial or quick run', () => {
    expect(parseBenchArgs(['--parts', 'burst,latency'], RESULTS)).toMatchObject({ parts: ['latency', 'burst'], resultsFile: undefined });
    expect(parseBenchArgs(['--quick'], RESULTS)).toMatchObject({ burstTasks: 300, latencyTasks: 30, resultsFile: undefined });
    expect(parseBenchArgs(['--parts', 'two-desks,reconcile'], RESULTS)).toMatchObject({ parts: ['reconcile', 'two-desks'], resultsFile: undefined });
  });

  it('refuses unknown parts and sizes that are not whole positive numbers, saying which flag', () => {
    expect(() => parseBenchArgs(['--parts', 'ingest,soak'], RESULTS)).toThrow(/--parts takes a comma-separated list of ingest, latency, burst/);
    expect(() => parseBenchArgs(['--burst-tasks', '2.5'], RESULTS)).toThrow(/--burst-tasks must be a whole number/);
    expect(() => parseBenchArgs(['--jira-rate', '0'], RESULTS)).toThrow(/--jira-rate must be a positive number/);
    expect(() => parseBenchArgs(['--latency-tasks', 'many'], RESULTS)).toThrow(/--latency-tasks must be a positive number/);
    expect(() => parseBenchArgs(['--reconcile-tickets', '0'], RESULTS)).toThrow(/--reconcile-tickets must be a positive number/);
    expect(() => parseBenchArgs(['--two-desks-tasks', '1.5'], RESULTS)).toThrow(/--two-desks-tasks must be a whole number/);
  });
});

describe('bench ingest report', () => {
  it('splits the bridge\'s extra CPU at the parsed reference, from the medians over rounds', () => {
    const runs = [
      run('minimal', 1, { server: 300, redis: 60, load: 40 }),
      run('parsed', 1, { server: 340, redis: 60, load: 40 }),
      run('bridge', 1, { server: 400, redis: 90, load: 50 }),
      run('minimal', 2, { server: 320, redis: 60, load: 40 }),
      run('parsed', 2, { server: 360, redis: 60, load: 40 }),
      run('bridge', 2, { server: 420, redis: 90, load: 50 }),
    ];
    const lines = cpuRatioLines(runs);
    expect(lines[0]).toBe('bridge/parsed CPU per request, target process: 1.17; all processes: 1.22 (aim ≤ 1.15, all processes): NOT MET');
    expect(lines[1]).toBe(
      "where the bridge's 140 µs/req over minimal go (all processes): 40 to parsing, checking and mapping the payload (parsed − minimal), " +
        "100 to the delivery record with the token's answer, request logging and metrics (bridge − parsed); parsed/minimal alone: 1.10",
    );
  });

  it('holds the CPU aim against parsed alone, and says nothing without parsed or bridge', () => {
    const parsed = run('parsed', 1, { server: 400, redis: 60, load: 40 });
    const bridge = run('bridge', 1, { server: 440, redis: 70, load: 40 });
    expect(cpuRatioLines([parsed, bridge])).toEqual(['bridge/parsed CPU per request, target process: 1.10; all processes: 1.10 (aim ≤ 1.15, all processes): MET']);
    expect(cpuRatioLines([run('minimal', 1, { server: 300, redis: 60, load: 40 }), bridge])).toEqual([]);
  });

  it('holds throughput and p99 to parsed in the same round (≥ 0.85, ≤ 1.20), and keeps bridge/minimal for the record', () => {
    const withLoad = (target: TargetName, requestsPerSecond: number, p99: number): Run => {
      const base = run(target, 1, { server: 1, redis: 1, load: 1 });
      return { ...base, load: { ...base.load, requestsPerSecond, p99 } };
    };
    const met = ratios([withLoad('minimal', 3000, 20), withLoad('parsed', 2600, 24), withLoad('bridge', 2300, 28)]);
    expect(met).toMatchObject({ throughputMet: true, p99Met: true });
    expect(ratioLines(met)).toEqual([
      'bridge/parsed throughput: 0.88 (aim ≥ 0.85): MET',
      'bridge/parsed p99:        1.17 (aim ≤ 1.20): MET',
      'bridge/minimal (no aim): throughput 0.77, p99 1.40',
    ]);
    const missed = ratios([withLoad('parsed', 2600, 24), withLoad('bridge', 2000, 30)]);
    expect(missed).toMatchObject({ throughputMet: false, p99Met: false, minimal: undefined });
    expect(ratioLines(ratios([withLoad('minimal', 3000, 20), withLoad('bridge', 2300, 28)]))).toEqual(['Ratios need both the parsed and the bridge targets in the run.']);
  });
});

describe('bench pipeline report', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7 });
  });

  it('holds the drain time to 1.10 × the ideal and reports it', () => {
    expect(burstLines(burst()).join('\n')).toMatch(/: 1\.020 \(aim ≤ 1\.10\): MET/);
    expect(burstLines(burst({ drainSeconds: 120 })).join('\n')).toMatch(/: 1\.212 \(aim ≤ 1\.10\): NOT MET/);
  });

  it('fails the run on a duplicate or a missing ticket, whatever the timings', () => {
    expect(pipelineProblems({ latency: undefined, burst: burst(), peakRssMiB: { api: 150, worker: 150 } })).toEqual([]);
    expect(pipelineProblems({ latency: undefined, burst: burst({ duplicates: 2, missing: 1 }), peakRssMiB: { api: 150, worker: 150 } })).toEqual([
      'burst: 2 duplicate tickets',
      'burst: 1 tasks without a ticket',
    ]);
  });

  it('says when peak memory could not be read instead of calling the aim met', () => {
    expect(memoryLines({ api: 150, worker: 199 })[0]).toMatch(/: MET$/);
    expect(memoryLines({ api: 150, worker: 230 })[0]).toMatch(/: NOT MET$/);
    expect(memoryLines({ api: undefined, worker: 150 })[0]).toMatch(/unknown \(no \/proc\).*not measured$/);
  });
});
