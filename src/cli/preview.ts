import type { BridgeConfig } from '../config/schema.ts';
import { previewTask } from '../preview/preview-task.ts';
import { renderPreview, renderPreviewTable } from '../preview/render-preview.ts';
import { fixtureBody, fixtureNames } from '../c1/sample-payloads.ts';
import type { CliIo } from './io.ts';

function readPayload(source: string): unknown {
  return JSON.parse(fixtureBody(source).toString('utf8')) as unknown;
}

/**
 * `preview`: the route one payload takes and the ticket its desk would receive, or with `all` a table over every
 * shipped sample; `json` prints the structured result instead of text. Creates nothing and calls nothing.
 *
 * @returns 0 when the task (each task, with `all`: a table is always printed) is previewed and routed, 1 when it
 *   would not be accepted or no route takes it, 2 when the payload cannot be read.
 */
export function previewCommand(options: { config: BridgeConfig; source: string | undefined; all: boolean; json: boolean; io: CliIo }): number {
  const { config, io } = options;
  if (options.all) {
    const rows = fixtureNames().map((name) => ({ name, result: previewTask(config, readPayload(name)) }));
    if (options.json) io.out(JSON.stringify(rows));
    else for (const line of renderPreviewTable(rows)) io.out(line);
    return 0;
  }
  const source = options.source ?? 'provision-grant';
  let payload: unknown;
  try {
    payload = readPayload(source);
  } catch (error) {
    const reason = error instanceof SyntaxError ? `not JSON: ${error.message}` : 'no such file';
    io.err(`cannot read ${JSON.stringify(source)} (${reason}): give a sample name (${fixtureNames().join(', ')}) or a JSON file`);
    return 2;
  }
  const result = previewTask(config, payload);
  if (options.json) io.out(JSON.stringify(result));
  else for (const line of renderPreview(result)) io.out(line);
  return result.kind === 'routed' ? 0 : 1;
}
