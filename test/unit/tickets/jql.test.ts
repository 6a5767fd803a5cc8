import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jqlString } from '../../../src/desks/jira/jql.ts';
import { taskLabel } from '../../../src/desks/jira/jira-tickets.ts';

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/**
 * Reads one JQL double-quoted string literal at the start of `text` as Jira's parser does: a backslash escapes the
 * next character (`\n`, `\r`, `\t` stand for line breaks and tabs), an unescaped quote ends the literal.
 */
function readLiteral(text: string): { value: string; rest: string } {
  if (!text.startsWith('"')) throw new Error(`not a literal: ${text}`);
  let value = '';
  for (let i = 1; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (char === '\\') {
      i += 1;
      const next = text.charAt(i);
      value += ESCAPES[next] ?? next;
    } else if (char === '"') {
      return { value, rest: text.slice(i + 1) };
    } else {
      value += char;
    }
  }
  throw new Error(`unterminated literal: ${text}`);
}

describe('JQL string literals', () => {
  it('hold exactly the value, whatever quotes, backslashes or JQL words it contains', () => {
    const seed = Date.now();
    console.error(`jql literal property seed: ${seed.toString()}`);
    const hostile = fc.oneof(fc.string(), fc.stringMatching(/^[a-z"\\ =ORANDorder()\n\r]{0,30}$/));
    fc.assert(
      fc.property(hostile, (value) => {
        expect(readLiteral(jqlString(value))).toEqual({ value, rest: '' });
      }),
      { seed, numRuns: 500 },
    );
  });

  it('keep a task id with quotes from adding terms to the search', () => {
    const taskId = 'x" OR project = SECRET OR labels = "y\\';
    const jql = `labels = ${jqlString(taskLabel(taskId))} ORDER BY created ASC`;
    const literal = readLiteral(jql.slice('labels = '.length));
    expect(literal).toEqual({ value: `c1-task-x"_OR_project_=_SECRET_OR_labels_=_"y\\`, rest: ' ORDER BY created ASC' });
    expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
