import type { DestinationStream } from 'pino';

export interface LogCapture {
  destination: DestinationStream;
  lines: Array<Record<string, unknown>>;
  find(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined;
  text(): string;
}

/** Collects pino's JSON lines so tests can assert on what operators would read. */
export function captureLogs(): LogCapture {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  return {
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
    lines,
    find: (predicate) => lines.find(predicate),
    text: () => raw.join(''),
  };
}
