import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textToWiki, wikiToText } from '../../../../src/desks/jira/datacenter/wiki-markup.ts';
import { propertySeed } from '../../../helpers/property-seed.ts';

const MARKUP = /[*_\-+^~?|![\]{}#\\]/;
const BARE_URL = /https?:\/\/(?:[A-Za-z0-9.:/?=%@,;]|(?<=[A-Za-z0-9])[-_](?=[A-Za-z0-9]))+/g;

/**
 * What is left of wiki markup once its escapes (`\X`), its character references and its bare links are taken out:
 * each replaced by a blank so that no new sequence forms across it; any markup character still there, or a line starting `hN.` / `bq.`, is markup Jira would render.
 */
function liveMarkup(wiki: string): string | undefined {
  for (const line of wiki.split('\n')) {
    if (/^\s*(h[1-6]|bq)\./i.test(line)) return `line starts a heading or quote: ${line}`;
    const rest = line.replace(BARE_URL, (url) => (url.includes('??') ? url : ' ')).replace(/\\[^A-Za-z0-9\s]|&#92;|&#46;|&amp;/g, ' ');
    const found = MARKUP.exec(rest);
    if (found !== null) return `unescaped ${found[0]} in: ${line}`;
    if (/&(#|[A-Za-z]+;)/.test(rest)) return `a character reference the text did not hold: ${line}`;
  }
  return undefined;
}

/** The text as textToWiki keeps it: line endings unified, paragraphs trimmed, runs of blank lines one. */
const normalised = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .join('\n\n');

const HOSTILE = [
  '[Click here|http://evil.example/login]',
  '{code}rm -rf /{code}',
  '{noformat}raw{noformat}',
  '*bold* _italic_ -deleted- +inserted+ ^sup^ ~sub~ ??citation??',
  'a | table | row',
  '||heading||cells||',
  '!http://evil.example/pixel.png!',
  '[~admin] please approve',
  '{color:red}URGENT{color}',
  'h1. Approved by security',
  'bq. quoted',
  '----',
  'line\\\\break',
  '{{monospace}}',
  '# item\n* item\n- item',
  'Jane\nh2. Injected heading',
  'back\\slash and &#91;entity&#93; and &amp;',
  'mailto:[x|mailto:a@b]',
  '{panel:title=x}p{panel}',
  '[http://a.example|http://b.example]',
];

describe('wiki markup for Jira Data Center: C1 text is never read as markup', () => {
  it.each(HOSTILE)('renders %j inert and reads back as the same text', (name) => {
    const wiki = textToWiki(`User: ${name}`);
    expect(liveMarkup(wiki)).toBeUndefined();
    expect(wikiToText(wiki)).toBe(normalised(`User: ${name}`));
  });

  it('escapes each markup character with a backslash, the backslash as a character reference', () => {
    expect(textToWiki('[x|http://evil]')).toBe('\\[x\\|http://evil\\]');
    expect(textToWiki('{code}')).toBe('\\{code\\}');
    expect(textToWiki('a\\\\b')).toBe('a&#92;&#92;b');
    expect(textToWiki('h1. Title')).toBe('h1&#46; Title');
    expect(textToWiki('----')).toBe('\\-\\-\\-\\-');
    expect(textToWiki('!img.png!')).toBe('\\!img.png\\!');
    expect(textToWiki('[~admin]')).toBe('\\[~admin\\]'.replace('~', '\\~'));
  });

  it('keeps a plain link bare, so Jira links it, and escapes one holding markup characters', () => {
    expect(textToWiki('Task in ConductorOne: https://acme.conductor.one/task/1042?tab=a_b')).toBe('Task in ConductorOne: https://acme.conductor.one/task/1042?tab=a_b');
    expect(textToWiki('see http://evil.example/|x]')).toBe('see http://evil.example/\\|x\\]');
    expect(textToWiki('http://x.example/_a_')).toBe('http://x.example/\\_a\\_');
  });

  it('keeps paragraphs and line breaks as the Cloud path does', () => {
    expect(textToWiki('one\r\ntwo\n\n\n\nthree  ')).toBe('one\ntwo\n\nthree');
  });

  it('property: any text renders with no live markup and reads back as itself', () => {
    const seed = propertySeed('wiki markup');
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('[', ']', '|', '{', '}', '*', '_', '-', '+', '^', '~', '?', '!', '#', '\\', '&', '&#', '&amp;', '\n', 'h1.', 'bq.', 'http://', 'https://a.example/', ' ', ';'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const wiki = textToWiki(text);
        expect(liveMarkup(wiki)).toBeUndefined();
        expect(wikiToText(wiki)).toBe(normalised(text));
      }),
      { seed, numRuns: 500 },
    );
  });
});
