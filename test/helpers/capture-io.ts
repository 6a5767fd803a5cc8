import type { CliIo } from '../../src/cli/io.ts';

/** A CLI output that keeps the lines, for tests to assert on. */
export function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line) }, out, err };
}
