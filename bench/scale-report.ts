import { verdict } from './pipeline-report.ts';
import type { DeskDrain, FootprintResult, ReconcileBenchResult, ScaleResult } from './scale.ts';

/** What the scale parts are held to. */
export const SCALE_AIMS = { runWithin: 1.1, webhookP50Within: 2, drainWithin: 1.1 } as const;

export function footprintLines(result: FootprintResult): string[] {
  const total = Object.values(result.perStep).reduce((sum, bytes) => sum + bytes, 0);
  const kinds = Object.entries(result.perStep).sort(([, a], [, b]) => b - a);
  return [
    `Redis bytes per finished step (MEMORY USAGE of every key, ${String(result.steps)} steps through ticket, callback and comment):`,
    '',
    '| kind | bytes per step |',
    '| --- | ---: |',
    ...kinds.map(([kind, bytes]) => `| ${kind} | ${bytes.toFixed(0)} |`),
    `| total | ${total.toFixed(0)} |`,
  ];
}

export function reconcileLines(result: ReconcileBenchResult): string[] {
  const ratio = result.runSeconds / result.idealSeconds;
  const latency = result.duringP50 / result.idleP50;
  return [
    `${result.tickets.toLocaleString('en-US')} open Jira issues, Jira limited to ${String(result.rate)} calls/s per endpoint: one run took ${result.runSeconds.toFixed(2)} s in ${String(result.searches)} searches (checked ${result.checked.toLocaleString('en-US')}, errors ${String(result.errors)})`,
    `run / ideal (${String(Math.ceil(result.checked / 100))} searches of 100 at ${String(result.rate)}/s = ${result.idealSeconds.toFixed(2)} s): ${ratio.toFixed(3)} (aim ≤ ${SCALE_AIMS.runWithin.toFixed(2)}): ${verdict(ratio <= SCALE_AIMS.runWithin)}`,
    `${String(result.webhooks)} webhooks during the run reached Jira at p50 ${result.duringP50.toFixed(1)} ms against ${result.idleP50.toFixed(1)} ms idle: ×${latency.toFixed(2)} (aim < ×${String(SCALE_AIMS.webhookP50Within)}): ${verdict(latency < SCALE_AIMS.webhookP50Within)}`,
    `Jira calls answered 429: ${String(result.rateLimited)}`,
  ];
}

export function twoDesksLines(desks: readonly DeskDrain[]): string[] {
  return desks.flatMap((desk) => {
    const ratio = desk.drainSeconds / desk.idealSeconds;
    return [
      `${desk.desk}: ${desk.tasks.toLocaleString('en-US')} tasks at ${String(desk.rate)} calls/s drained in ${desk.drainSeconds.toFixed(1)} s (ideal ${desk.idealSeconds.toFixed(1)} s): ×${ratio.toFixed(3)} (aim ≤ ${SCALE_AIMS.drainWithin.toFixed(2)}): ${verdict(ratio <= SCALE_AIMS.drainWithin)}`,
      `${desk.desk}: tickets ${desk.tickets.toLocaleString('en-US')}, duplicates ${String(desk.duplicates)}, missing ${String(desk.missing)} (aim: none of either): ${verdict(desk.duplicates === 0 && desk.missing === 0)}`,
    ];
  });
}

export function scaleLines(result: ScaleResult): string[] {
  const lines: string[] = [];
  if (result.footprint !== undefined) lines.push(...footprintLines(result.footprint), '');
  if (result.reconcile !== undefined) lines.push(...reconcileLines(result.reconcile), '');
  if (result.twoDesks !== undefined) lines.push(...twoDesksLines(result.twoDesks), '');
  return lines;
}

/** A duplicate or missing ticket fails the run, as in the burst. */
export function scaleProblems(result: ScaleResult): string[] {
  return (result.twoDesks ?? []).flatMap((desk) => [
    ...(desk.duplicates > 0 ? [`two-desks: ${String(desk.duplicates)} duplicate ${desk.desk} tickets`] : []),
    ...(desk.missing > 0 ? [`two-desks: ${String(desk.missing)} ${desk.desk} tasks without a ticket`] : []),
  ]);
}

export function scaleMarkdown(result: ScaleResult): string[] {
  const lines: string[] = [];
  if (result.footprint !== undefined) lines.push('## Footprint', '', ...footprintLines(result.footprint), '');
  if (result.reconcile !== undefined) lines.push('## Reconciliation against a rate-limited Jira', '', ...reconcileLines(result.reconcile).map((l) => `- ${l}`), '');
  if (result.twoDesks !== undefined) lines.push('## Two desks, each at its own rate', '', ...twoDesksLines(result.twoDesks).map((l) => `- ${l}`), '');
  return lines;
}
