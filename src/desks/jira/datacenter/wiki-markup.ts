/**
 * Plain text → Jira wiki markup (Jira Data Center's description and comment format, REST v2 takes it as a string),
 * with nothing in the text ever read as markup: the same content the Cloud path gives as ADF text nodes (adf.ts).
 * Blank lines separate paragraphs and single newlines break lines, as in ADF; http(s) URLs stay bare so Jira links
 * them, when they hold no character that could start markup.
 *
 * Jira's "Text Formatting Notation Help" (the wiki renderer's help page, linked under every Data Center editor):
 * `\X` escapes a special character X; `*bold*`, `_emphasis_`, `-deleted-`, `+inserted-`, `^sup^`, `~sub~`,
 * `??citation??`, `{{monospace}}`, `[link|url]`, `[~user]` mentions, `!image!`, `{macro}` (`{code}`, `{noformat}`,
 * `{color:red}`, `{panel}`), `|table|`, `#`/`*`/`-` lists, `h1.`…`h6.` and `bq.` at a line's start, `----` rules and
 * `\\` line breaks, and emoticons (`:)`, `(y)`, `(x)`…) drawn as icons. So every such character is escaped with a
 * backslash; the backslash itself (which would pair into `\\`), a period after a line-start `hN`/`bq` (a letter cannot
 * be backslash-escaped) and the first character of an emoticon are written as HTML character references, which the
 * renderer passes through, and so is an `&` that would otherwise start one.
 */

/** Characters that open or close markup anywhere in a line. */
const SPECIAL = new Set(['*', '_', '-', '+', '^', '~', '?', '|', '!', '[', ']', '{', '}', '#']);

/**
 * A URL left bare: only characters that start no markup, with `-` and `_` only between letters or digits (where they
 * cannot open emphasis), and no `??`. No `&` either: the character references written after a link (`&#92;`) must not
 * read as part of it; a URL with a query string is written as escaped text from its first `&` on.
 */
const BARE_URL = /https?:\/\/(?:[A-Za-z0-9.:/?=%@,;]|(?<=[A-Za-z0-9])[-_](?=[A-Za-z0-9]))+/g;

function isBareUrl(url: string): boolean {
  return !url.includes('??');
}

/** Emoticons the renderer turns into icons: `:)` `:(` `:P` `:D` `;)`, and `(y)` `(x)` `(i)` `(/)` `(on)` `(flag)` and the like. */
const EMOTICON_START = /^(?:[:;][()PDpd]|\([a-z/]{1,7}\))/;

function escapeRun(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    const rest = text.slice(i);
    if (char === '\\') out += '&#92;';
    else if (char === '&' && /^&(#|[A-Za-z]+;)/.test(rest)) out += '&amp;';
    else if (SPECIAL.has(char)) out += `\\${char}`;
    else if (EMOTICON_START.test(rest)) out += `&#${char.charCodeAt(0).toString()};`;
    else out += char;
  }
  return out;
}

function escapeLine(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(BARE_URL)) {
    if (!isBareUrl(match[0])) continue;
    out += escapeRun(line.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  out += escapeRun(line.slice(last));
  // `h1.` … `h6.` and `bq.` make the line a heading or a quote; leading blanks do not stop them.
  return out.replace(/^(\s*(?:h[1-6]|bq))\./i, '$1&#46;');
}

/** The text as inert wiki markup, paragraphs and line breaks kept. */
export function textToWiki(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => block.split('\n').map(escapeLine).join('\n'))
    .join('\n\n');
}

/** The text a reader sees in wiki markup written by `textToWiki`: escapes and character references undone. */
export function wikiToText(wiki: string): string {
  return wiki.replace(/\\([^A-Za-z0-9\s])|&#(40|46|58|59|92);|&amp;/g, (_whole, escaped: string | undefined, code: string | undefined) => {
    if (escaped !== undefined) return escaped;
    return code === undefined ? '&' : String.fromCharCode(Number(code));
  });
}
