import { isScalar, Scalar, type Document, type LineCounter } from 'yaml';

export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Where in the file a place inside a string value is (1-based line and column), when the value is written so that
 * the mapping is exact: a plain or quoted scalar on one line without escapes, or a literal block (`|`). Anywhere
 * else (escapes, folding, a `${VAR}` that changed the text) there is no exact place, and undefined is returned.
 */
export function positionInValue(
  document: Document,
  lineCounter: LineCounter,
  text: string,
  path: ReadonlyArray<string | number>,
  value: string,
  at: { readonly line: number; readonly column: number },
): FilePosition | undefined {
  const node = document.getIn(path, true);
  if (!isScalar(node) || node.range == null) return undefined;
  const [start, end] = node.range;
  const raw = text.slice(start, end);
  if (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) {
    const inner = node.type === Scalar.PLAIN ? raw : raw.slice(1, -1);
    if (inner !== value || value.includes('\n') || at.line !== 1) return undefined;
    const origin = lineCounter.linePos(start + (node.type === Scalar.PLAIN ? 0 : 1));
    return { line: origin.line, column: origin.col + at.column - 1 };
  }
  if (node.type === Scalar.BLOCK_LITERAL) {
    // The header (`|`, `|-`) is on the first line; the value's lines follow, each with the block's indentation.
    const lines = raw.split('\n').slice(1);
    const indent = /^ */.exec(lines.find((line) => line.trim() !== '') ?? '')?.[0].length ?? 0;
    const valueLines = value.split('\n');
    const line = lines[at.line - 1];
    if (line === undefined || line.slice(indent) !== valueLines[at.line - 1]) return undefined;
    const header = lineCounter.linePos(start);
    return { line: header.line + at.line, column: indent + at.column };
  }
  return undefined;
}
