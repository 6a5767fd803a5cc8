import type { BurstResult, LatencyResult, Percentiles, PipelineResult } from './pipeline.ts';

/** What the whole path is held to (zero-latency fakes, so all of the time measured is the bridge's). */
export const PIPELINE_AIMS = { overheadP50Ms: 20, drainWithin: 1.1, peakRssMiB: 200 } as const;

export const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');
const ms = (value: number): string => value.toFixed(1);

function row(name: string, p: Percentiles): string {
  return `| ${name} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} | ${ms(p.max)} |`;
}

export function latencyTable(latency: LatencyResult): string {
  return [
    '| leg | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('webhook → answered 202', latency.answer),
    row('webhook → Jira create issue', latency.webhookToTicket),
    row('resolution webhook → C1 callback', latency.resolutionToCallback),
  ].join('\n');
}

export function latencyLines(latency: LatencyResult): string[] {
  const worst = Math.max(latency.webhookToTicket.p50, latency.resolutionToCallback.p50);
  return [`end-to-end overhead p50: ${ms(latency.webhookToTicket.p50)} ms to the ticket, ${ms(latency.resolutionToCallback.p50)} ms to the callback (aim < ${String(PIPELINE_AIMS.overheadP50Ms)} ms): ${verdict(worst < PIPELINE_AIMS.overheadP50Ms)}`];
}

export function burstLines(burst: BurstResult): string[] {
  const ratio = burst.drainSeconds / burst.idealSeconds;
  const rate = burst.tickets / burst.drainSeconds;
  return [
    `${burst.tasks.toLocaleString('en-US')} tasks, Jira limited to ${String(burst.jiraRate)} calls/s per endpoint: every webhook answered after ${burst.ingestSeconds.toFixed(1)} s, every ticket created after ${burst.drainSeconds.toFixed(1)} s (${rate.toFixed(1)} tickets/s)`,
    `drain time / ideal at the configured rate (${burst.idealSeconds.toFixed(1)} s): ${ratio.toFixed(3)} (aim ≤ ${PIPELINE_AIMS.drainWithin.toFixed(2)}): ${verdict(ratio <= PIPELINE_AIMS.drainWithin)}`,
    `tickets ${burst.tickets.toLocaleString('en-US')}, duplicates ${String(burst.duplicates)}, missing ${String(burst.missing)} (aim: none of either): ${verdict(burst.duplicates === 0 && burst.missing === 0)}`,
    `Jira calls ${burst.jiraCalls.toLocaleString('en-US')}, of them answered 429 ${burst.rateLimited.toLocaleString('en-US')}; webhooks retried ${String(burst.deliveryRetries)}`,
  ];
}

export function memoryLines(peak: PipelineResult['peakRssMiB']): string[] {
  const show = (value: number | undefined): string => (value === undefined ? 'unknown (no /proc)' : `${value.toFixed(0)} MiB`);
  const known = [peak.api, peak.worker].filter((value): value is number => value !== undefined);
  const met = known.length === 2 && known.every((value) => value < PIPELINE_AIMS.peakRssMiB);
  return [`peak RSS: API process ${show(peak.api)}, worker process ${show(peak.worker)} (aim < ${String(PIPELINE_AIMS.peakRssMiB)} MiB each): ${known.length === 2 ? verdict(met) : 'not measured'}`];
}

/** Everything printed about the pipeline, in the order it is shown. */
export function pipelineLines(result: PipelineResult): string[] {
  const lines: string[] = [];
  if (result.latency !== undefined) lines.push(latencyTable(result.latency), '', ...latencyLines(result.latency), '');
  if (result.burst !== undefined) lines.push(...burstLines(result.burst), '');
  lines.push(...memoryLines(result.peakRssMiB));
  return lines;
}

/** Problems that fail the run: a task without a ticket, or with two, is a bug whatever the timings say. */
export function pipelineProblems(result: PipelineResult): string[] {
  const burst = result.burst;
  if (burst === undefined) return [];
  const problems: string[] = [];
  if (burst.duplicates > 0) problems.push(`burst: ${String(burst.duplicates)} duplicate tickets`);
  if (burst.missing > 0) problems.push(`burst: ${String(burst.missing)} tasks without a ticket`);
  return problems;
}

export function pipelineMarkdown(result: PipelineResult, settings: { latencyTasks: number }): string[] {
  const lines: string[] = [];
  if (result.latency !== undefined) {
    lines.push(
      '## End-to-end latency',
      '',
      `${String(settings.latencyTasks)} tasks one at a time (after 20 to warm up), bridge as two processes (API, worker), fakes answering at once:`,
      '',
      latencyTable(result.latency),
      '',
      ...latencyLines(result.latency).map((line) => `- ${line}`),
      '',
    );
  }
  if (result.burst !== undefined) lines.push('## Burst against a rate-limited Jira', '', ...burstLines(result.burst).map((line) => `- ${line}`), '');
  lines.push('## Memory', '', ...memoryLines(result.peakRssMiB).map((line) => `- ${line}`), '');
  return lines;
}
