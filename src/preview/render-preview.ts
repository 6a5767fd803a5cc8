/** Text for a person reading a preview: the routing decision, then the ticket as the desk would receive it. */
import type { PreviewResult } from './preview-task.ts';

function indented(text: string, prefix = '    '): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`.trimEnd());
}

/** The preview of one task as lines of text. */
export function renderPreview(result: PreviewResult): string[] {
  if (result.kind === 'refused') return ['the bridge would not accept this payload (no ticket, no callback):', ...result.problems.map((problem) => `  ${problem}`)];
  const { request } = result;
  const lines = [
    `task ${request.taskId} (step ${request.stepId}): ${request.kind} ${request.app.name ?? request.app.id} / ${request.entitlement.name ?? request.entitlement.id} for ${result.requestedFor}`,
    '',
    'routing (first match wins):',
    ...result.verdicts.map((verdict) => (verdict.matched ? `  take  ${verdict.route}` : `  skip  ${verdict.route}: ${verdict.reason}`)),
  ];
  if (result.verdicts.length === 0) lines.push('  (no routes configured)');
  if (result.kind === 'unrouted') {
    if (result.step === 'approval') return [...lines, `  ${result.comment}`];
    return [...lines, '  no route matches and there is no defaultRoute: no ticket; ConductorOne gets an errored callback:', ...indented(result.comment)];
  }
  if (result.route === 'defaultRoute') lines.push('  take  defaultRoute (no route matched)');
  const { ticket, approval } = result;
  const fields = Object.keys(ticket.fields).length === 0 ? 'none' : JSON.stringify(ticket.fields);
  if (approval !== undefined) {
    lines.push(
      '',
      `approval route ${result.route}: the ticket asks a person to approve or deny; their decision is ConductorOne's answer:`,
      `  asked:         ${approval.asked}`,
      `  for:           ${approval.requestedFor}`,
      `  by:            ${approval.requestedBy}`,
      `  justification: ${approval.justification ?? 'none given'}`,
      `  duration:      ${approval.duration ?? 'not limited'}`,
      `  in C1:         ${approval.taskUrl}`,
    );
  }
  return [
    ...lines,
    '',
    `${approval === undefined ? 'ticket' : 'approval ticket'} (${ticket.where}); preview only, nothing was created:`,
    `  summary:       ${ticket.summary}`,
    `  labels:        ${ticket.labels.length === 0 ? 'none' : ticket.labels.join(', ')}`,
    `  fields:        ${fields}`,
    `  requested for: ${result.requestedFor}`,
    '  description:',
    ...indented(ticket.description, '    | '),
    // One line of JSON: exactly the request body, ready to compare or to replay by hand.
    `  body (${ticket.endpoint}):`,
    `    ${JSON.stringify(ticket.body)}`,
  ];
}

export interface PreviewRow {
  readonly name: string;
  readonly result: PreviewResult;
}

/** One line per payload: where it goes and with what summary. */
export function renderPreviewTable(rows: readonly PreviewRow[]): string[] {
  const cells = rows.map(({ name, result }) => {
    if (result.kind === 'refused') return [name, '-', '(not accepted)', '-', result.problems[0] ?? ''];
    const task = result.request.taskId;
    if (result.kind === 'unrouted') return [name, task, '(no route)', '-', result.step === 'approval' ? 'no approval route: 422 no_approval_route' : 'errored callback: no route matches'];
    return [name, task, result.route, result.ticket.container, result.ticket.summary];
  });
  const header = ['payload', 'task', 'route', 'desk', 'summary'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), ...cells.map(line)];
}
