/** Where a person opens a Jira issue (Cloud and Data Center alike): `<baseUrl>/browse/<key>`. */
export const browseUrlOf =
  (baseUrl: string) =>
  (key: string): string =>
    `${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
