import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

// The README's config examples are meant to be copied: each ```yaml block must at least be YAML. (A `${VAR}` inside
// a flow mapping `{ … }` is not: `{` opens a nested mapping there, so such values are quoted.)
const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('the YAML examples in README.md', () => {
  it('are there', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((block) => [block.split('\n')[0] ?? '', block]))('parse without a YAML error: %s', (_first, block) => {
    expect(parseDocument(block).errors.map((error) => error.message)).toEqual([]);
  });
});
