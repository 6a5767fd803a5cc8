/**
 * Desk field limits, counted in characters (Unicode code points), never in UTF-16 units: a cut never leaves half of
 * a surrogate pair, and it never splits a grapheme (an emoji with its modifiers, a letter with its accents).
 */

/** Jira's longest summary. */
export const JIRA_SUMMARY_MAX = 255;
/** Jira's longest text field value, which a description is (Jira refuses a create with a longer one). */
export const JIRA_DESCRIPTION_MAX = 32_767;
/** ServiceNow's `short_description` length on the task tables. */
export const SERVICENOW_SHORT_DESCRIPTION_MAX = 160;

/** What ends a description that was cut to fit. */
export const TRUNCATED_MARKER = '\n\n(truncated)';

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Length in characters (code points). */
export function characterCount(text: string): number {
  return text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
}

/** The longest prefix of whole graphemes that holds at most `max` characters. */
export function cutCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const size = characterCount(segment);
    if (kept + size > max) return text.slice(0, index);
    kept += size;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** A one-line summary: runs of white space folded to one space, then cut to `max` characters. */
export function oneLine(text: string, max: number): string {
  return cutCharacters(text.replace(/\s+/g, ' ').trim(), max);
}

/** The text whole when it fits in `max` characters; otherwise cut so that it still fits with the visible marker. */
export function capWithMarker(text: string, max: number): string {
  if (characterCount(text) <= max) return text;
  return `${cutCharacters(text, max - characterCount(TRUNCATED_MARKER)).trimEnd()}${TRUNCATED_MARKER}`;
}
