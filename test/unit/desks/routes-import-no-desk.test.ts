import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 15 "routes never import a desk's client": the HTTP routes and the ingest steps reach desks only through
// the registry and the desk-module interface (src/desks/*.ts), never a kind's folder (src/desks/<kind>/), so adding
// or changing a desk kind touches no route.
const ROOT = resolve(import.meta.dirname, '../../..');
const SCANNED = ['src/http', 'src/ingest', 'src/app.ts'];
const KIND_FOLDER = /^src\/desks\/[^/]+\//;

function filesUnder(path: string): string[] {
  const absolute = join(ROOT, path);
  if (path.endsWith('.ts')) return [absolute];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every module `source` (the text of `file`) imports or re-exports, statically or with import(), from the repository root. */
function importsIn(source: string, file: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1] ?? '');
  return specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => relative(ROOT, resolve(dirname(file), specifier)).replaceAll('\\', '/'));
}

const importsOf = (file: string) => importsIn(readFileSync(file, 'utf8'), file);

describe("routes never import a desk's own folder; the domain none of src/desks", () => {
  const files = SCANNED.flatMap(filesUnder);

  it('finds the route files and reads their imports', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(importsOf)).toContain('src/desks/registry.ts');
  });

  it('no file in src/http, src/ingest or src/app.ts imports from src/desks/<kind>/', () => {
    const offending = files.flatMap((file) => importsOf(file).filter((target) => KIND_FOLDER.test(target)).map((target) => `${relative(ROOT, file)} imports ${target}`));
    expect(offending).toEqual([]);
  });

  it('the domain (ticket refs, outcomes, mapping) imports nothing from src/desks', () => {
    const offending = filesUnder('src/domain').flatMap((file) => importsOf(file).filter((target) => target.startsWith('src/desks/')).map((target) => `${relative(ROOT, file)} imports ${target}`));
    expect(offending).toEqual([]);
  });

  it('outside src/desks no code imports a kind folder or names a kind: everything else goes through the registry', () => {
    // The sandbox and preview are not on the registry yet (they start and show each kind's fakes by name).
    const others = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => !['desks', 'sandbox', 'preview'].includes(entry.name))
      .flatMap((entry) => filesUnder(`src/${entry.name}`))
      .filter((file) => file.endsWith('.ts'));
    expect(others.length).toBeGreaterThan(50);
    const code = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const offending = others.flatMap((file) => [
      ...importsOf(file).filter((target) => KIND_FOLDER.test(target)).map((target) => `${relative(ROOT, file)} imports ${target}`),
      ...[...code(file).matchAll(/['"`](jira|servicenow)['"`]/g)].map((match) => `${relative(ROOT, file)} names ${match[0]}`),
    ]);
    expect(offending).toEqual([]);
  });

  it('the scan sees a static, a type-only, a re-export and a dynamic import of a kind folder', () => {
    const sample = join(ROOT, 'src/http/sample.ts');
    const source = [
      "import { a } from '../desks/jira/jira-tickets.ts';",
      "import type { B } from '../desks/servicenow/servicenow-client.ts';",
      "export { c } from '../desks/jira/cloud-client.ts';",
      "const d = await import('../desks/jira/adf.ts');",
    ].join('\n');
    expect(importsIn(source, sample).filter((target) => KIND_FOLDER.test(target))).toHaveLength(4);
  });
});
