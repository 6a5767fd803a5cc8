const MARKUP = /[*_\-+^~?|![\]{}#\\]/;
const BARE_URL = /https?:\/\/(?:[A-Za-z0-9.:/?=%@,;]|(?<=[A-Za-z0-9])[-_](?=[A-Za-z0-9]))+/g;

/**
 * What is left of Jira wiki markup once its escapes (`\X`), its character references and its bare links are taken
 * out, each replaced by a blank so that no new sequence forms across it: any markup character still there, or a line
 * starting `hN.` / `bq.`, or an emoticon, is markup Jira would render. Answers what it found, or undefined when the text is inert.
 */
export function liveMarkup(wiki: string): string | undefined {
  for (const line of wiki.split('\n')) {
    if (/^\s*(h[1-6]|bq)\./i.test(line)) return `line starts a heading or quote: ${line}`;
    const rest = line.replace(BARE_URL, (url) => (url.includes('??') ? url : ' ')).replace(/\\[^A-Za-z0-9\s]|&#(40|46|58|59|92);|&amp;/g, ' ');
    const found = MARKUP.exec(rest);
    if (found !== null) return `unescaped ${found[0]} in: ${line}`;
    const emoticon = /[:;][()PDpd]|\([a-z/]{1,7}\)/.exec(rest);
    if (emoticon !== null) return `emoticon ${emoticon[0]} in: ${line}`;
    if (/&(#|[A-Za-z]+;)/.test(rest)) return `a character reference the text did not hold: ${line}`;
  }
  return undefined;
}
