/**
 * What the bridge sends Jira to open an issue (REST v3 `POST /rest/api/3/issue`: `fields` and `properties`), built
 * without I/O so that `preview` shows exactly what a create would send.
 */
import type { JiraTarget } from './jira-config.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { DEFAULT_DESCRIPTION, DEFAULT_SUMMARY, renderTemplate } from '../../domain/templates.ts';
import { capWithMarker, JIRA_DESCRIPTION_MAX, JIRA_SUMMARY_MAX, oneLine } from '../../domain/text-limits.ts';
import { textToAdf, type AdfDocument } from './adf.ts';

export type { JiraTarget };

/** The issue property that ties an issue to its C1 task step (contract §5). */
export const JIRA_PROPERTY_KEY = 'c1-ticket-bridge';

export function taskLabel(taskId: string): string {
  // Jira labels may not contain spaces.
  return `c1-task-${taskId.replace(/\s+/g, '_')}`;
}

export interface JiraIssueBody {
  fields: Record<string, unknown> & {
    project: { key: string };
    issuetype: { name: string };
    summary: string;
    description: AdfDocument;
    labels: string[];
  };
  properties: Array<{ key: string; value: { taskId: string; stepId: string; kind: string } }>;
}

/** What an issue says, before it is written in a desk's rich-text format (ADF on Cloud, wiki markup on Data Center). */
export interface JiraIssueParts {
  summary: string;
  /** Plain text, capped at Jira's text field limit. */
  description: string;
  labels: string[];
  extra: Record<string, unknown>;
  property: JiraIssueBody['properties'][number];
}

/**
 * The summary on one line and cut to Jira's 255 characters, the description capped at Jira's 32,767 (ending in
 * "(truncated)" when cut), the route's labels plus the task's, the extra fields rendered.
 */
export function jiraIssueParts(target: JiraTarget, request: TicketRequest, options: ScopeOptions): JiraIssueParts {
  const summary = oneLine(renderTemplate(target.summary ?? DEFAULT_SUMMARY, request, options), JIRA_SUMMARY_MAX);
  const description = capWithMarker(renderTemplate(target.description ?? DEFAULT_DESCRIPTION, request, options), JIRA_DESCRIPTION_MAX);
  const labels = [...new Set([...target.labels, taskLabel(request.taskId)])];
  // Extra fields are passed as configured; string values are templates like the summary.
  const extra = Object.fromEntries(
    Object.entries(target.fields).map(([name, value]) => [name, typeof value === 'string' ? renderTemplate(value, request, options) : value]),
  );
  return { summary, description, labels, extra, property: { key: JIRA_PROPERTY_KEY, value: { taskId: request.taskId, stepId: request.stepId, kind: request.kind } } };
}

/** The create-issue body (Cloud): the parts with the description in ADF, after `note` when one is given. */
export function jiraIssueBody(target: JiraTarget, request: TicketRequest, options: ScopeOptions, note?: string): JiraIssueBody {
  const parts = jiraIssueParts(target, request, options);
  const { summary, labels, extra, property } = parts;
  const description = note === undefined ? parts.description : capWithMarker(`${note}\n\n${parts.description}`, JIRA_DESCRIPTION_MAX);
  return {
    fields: {
      ...extra,
      // A JSM request target (no project) is opened by service-desk/jsm-tickets.ts and never reaches this body.
      project: { key: target.project ?? '' },
      issuetype: { name: target.issueType },
      summary,
      description: textToAdf(description),
      labels,
    },
    properties: [property],
  };
}
