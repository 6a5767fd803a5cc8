import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/args.ts';
import { burstLines, memoryLines, pipelineProblems } from '../../bench/pipeline-report.ts';
import { percentiles, type BurstResult } from '../../bench/pipeline.ts';

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

describe('bench arguments', () => {
  it('runs every part and writes results.md by default', () => {
    const options = parseBenchArgs([], RESULTS);
    expect(options.parts).toEqual(['ingest', 'latency', 'burst']);
    expect(options).toMatchObject({ burstTasks: 10_000, jiraRate: 100, latencyTasks: 200, resultsFile: RESULTS });
  });

  it('leaves results.md alone for a partial or quick run', () => {
    expect(parseBenchArgs(['--parts', 'burst,latency'], RESULTS)).toMatchObject({ parts: ['latency', 'burst'], resultsFile: undefined });
    expect(parseBenchArgs(['--quick'], RESULTS)).toMatchObject({ burstTasks: 300, latencyTasks: 30, resultsFile: undefined });
  });

  it('refuses unknown parts and sizes that are not whole positive numbers, saying which flag', () => {
    expect(() => parseBenchArgs(['--parts', 'ingest,soak'], RESULTS)).toThrow(/--parts takes a comma-separated list of ingest, latency, burst/);
    expect(() => parseBenchArgs(['--burst-tasks', '2.5'], RESULTS)).toThrow(/--burst-tasks must be a whole number/);
    expect(() => parseBenchArgs(['--jira-rate', '0'], RESULTS)).toThrow(/--jira-rate must be a positive number/);
    expect(() => parseBenchArgs(['--latency-tasks', 'many'], RESULTS)).toThrow(/--latency-tasks must be a positive number/);
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
