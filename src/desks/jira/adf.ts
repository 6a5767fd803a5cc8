/**
 * Plain text → Atlassian Document Format (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/):
 * blank lines separate paragraphs, single newlines become hard breaks, and http(s) URLs get a link mark. Text is
 * always a `text` node, so nothing in it is ever interpreted as markup.
 */
export interface AdfText {
  type: 'text';
  text: string;
  marks?: Array<{ type: 'link'; attrs: { href: string } }>;
}
export type AdfInline = AdfText | { type: 'hardBreak' };
export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfParagraph[];
}

const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;

function lineNodes(line: string): AdfText[] {
  const nodes: AdfText[] = [];
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    const start = match.index;
    if (start > last) nodes.push({ type: 'text', text: line.slice(last, start) });
    nodes.push({ type: 'text', text: match[0], marks: [{ type: 'link', attrs: { href: match[0] } }] });
    last = start + match[0].length;
  }
  if (last < line.length) nodes.push({ type: 'text', text: line.slice(last) });
  return nodes;
}

export function textToAdf(text: string): AdfDocument {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block): AdfParagraph => {
      const content: AdfInline[] = [];
      block.split('\n').forEach((line, index) => {
        if (index > 0) content.push({ type: 'hardBreak' });
        content.push(...lineNodes(line));
      });
      return { type: 'paragraph', content };
    });
  return { type: 'doc', version: 1, content: paragraphs };
}

/** The text of an ADF document, for logs and comparisons. */
export function adfToText(doc: unknown): string {
  const walk = (node: unknown): string => {
    if (node === null || typeof node !== 'object') return '';
    const n = node as { type?: string; text?: string; content?: unknown[] };
    if (n.type === 'text') return n.text ?? '';
    if (n.type === 'hardBreak') return '\n';
    const inner = (n.content ?? []).map(walk).join('');
    return n.type === 'paragraph' ? `${inner}\n\n` : inner;
  };
  return walk(doc).trim();
}
