/**
 * A JQL string literal holding exactly `value`. Inside double quotes JQL reads `\"` as a quote and `\\` as a backslash
 * (Atlassian, "Use advanced search with Jira Query Language (JQL)": reserved characters and quotes in a value are
 * escaped with a backslash inside a quoted string), so a value with quotes or backslashes cannot end the literal early
 * and add terms of its own. Line breaks are written as JQL's `\n` / `\r` escapes, never raw.
 */
export function jqlString(value: string): string {
  const escaped = value.replace(/[\\"]/g, (char) => `\\${char}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `"${escaped}"`;
}
