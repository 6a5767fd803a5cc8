import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitWiki } from '../../../../src/desks/jira/datacenter/dc-tickets.ts';
import { textToWiki, wikiToText } from '../../../../src/desks/jira/datacenter/wiki-markup.ts';
import { propertySeed } from '../../../helpers/property-seed.ts';
import { liveMarkup } from '../../../helpers/wiki-markup-check.ts';

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
  'Jane :) (y) (x) (on) (flag) ;) :P',
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
    expect(textToWiki('[~admin]')).toBe('\\[\\~admin\\]');
    expect(textToWiki('ok :) (y)')).toBe('ok &#58;) &#40;y)');
  });

  it('keeps a plain link bare, so Jira links it, and escapes one holding markup characters', () => {
    expect(textToWiki('Task in ConductorOne: https://acme.conductor.one/task/1042?tab=a_b')).toBe('Task in ConductorOne: https://acme.conductor.one/task/1042?tab=a_b');
    expect(textToWiki('see http://evil.example/|x]')).toBe('see http://evil.example/\\|x\\]');
    expect(textToWiki('http://x.example/_a_')).toBe('http://x.example/\\_a\\_');
  });

  it('fits Jira\'s 32,767 characters after escaping, ending in the truncation marker', () => {
    const wiki = fitWiki('*'.repeat(40_000));
    expect([...wiki].length).toBeLessThanOrEqual(32_767);
    expect(wiki.endsWith('(truncated)')).toBe(true);
    expect(liveMarkup(wiki)).toBeUndefined();
    expect(fitWiki('short *text*')).toBe('short \\*text\\*');
  });

  it('keeps paragraphs and line breaks as the Cloud path does', () => {
    expect(textToWiki('one\r\ntwo\n\n\n\nthree  ')).toBe('one\ntwo\n\nthree');
  });

  it('property: any text renders with no live markup and reads back as itself', () => {
    const seed = propertySeed('wiki markup');
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('[', ']', '|', '{', '}', '*', '_', '-', '+', '^', '~', '?', '!', '#', '\\', '&', '&#', '&amp;', '\n', 'h1.', 'bq.', 'http://', 'https://a.example/', ' ', ';', ':', '(', ')', '(y)', 'P', 'x'),
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
