/**
 * JSM's create request takes only the request type's own fields (desks.md §2), so the correlation label and issue
 * property (contract §5; names in issue-body.ts) are added after the create, through the platform API:
 * `PUT /rest/api/3/issue/{id}` with `{"update":{"labels":[{"add":…}]}}` and `PUT /rest/api/3/issue/{id}/properties/{key}`
 * (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put,
 * …/api-group-issue-properties/). Data Center does the same over REST v2 with its own client.
 */
import type { Client } from 'jira.js/core';
import { classifyJiraError } from '../classify-error.ts';
import type { DcClient } from '../datacenter/dc-client.ts';

export interface CorrelationWriter {
  addLabel(issueId: string, label: string): Promise<void>;
  setProperty(issueId: string, key: string, value: Record<string, unknown>): Promise<void>;
}

/** jira.js's flat Cloud functions, loaded on first use (the whole Cloud API group is large; see jira-tickets.ts). */
const loadCloudApi = () => import('jira.js/cloud');

export function cloudCorrelationWriter(client: Client): CorrelationWriter {
  return {
    async addLabel(issueId, label) {
      const { editIssue } = await loadCloudApi();
      try {
        await editIssue(client, { issueIdOrKey: issueId, update: { labels: [{ add: label }] } });
      } catch (error) {
        throw classifyJiraError(error, `label issue ${issueId}`);
      }
    },
    async setProperty(issueId, key, value) {
      const { setIssueProperty } = await loadCloudApi();
      try {
        await setIssueProperty(client, { issueIdOrKey: issueId, propertyKey: key, body: value });
      } catch (error) {
        throw classifyJiraError(error, `set property ${key} on issue ${issueId}`);
      }
    },
  };
}

/**
 * The same over Data Center's REST v2: `PUT /rest/api/2/issue/{id}` with `{"update":{"labels":[{"add":…}]}}` and
 * `PUT /rest/api/2/issue/{id}/properties/{key}` (desks.md §1.2 and §2; jira.js v6.3 `src/server/api/issues.ts` and
 * `issueProperties.ts`, generated from Atlassian's DC OpenAPI), through the Data Center client (its errors already
 * classified).
 */
export function dataCenterCorrelationWriter(client: DcClient): CorrelationWriter {
  const issuePath = (issueId: string) => `/issue/${encodeURIComponent(issueId)}`;
  return {
    async addLabel(issueId, label) {
      await client.call(`label issue ${issueId}`, 'PUT', issuePath(issueId), { body: { update: { labels: [{ add: label }] } } });
    },
    async setProperty(issueId, key, value) {
      await client.call(`set property ${key} on issue ${issueId}`, 'PUT', `${issuePath(issueId)}/properties/${encodeURIComponent(key)}`, { body: value });
    },
  };
}
