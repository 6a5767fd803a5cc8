/**
 * The Jira issue a route would open, for `preview`: the exact create body of the desk's deployment (Cloud: REST v3
 * with an ADF description; Data Center: REST v2 with a wiki-markup description), without I/O.
 */
import type { DeskTicketPreview } from '../desk-module.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { adfToText } from './adf.ts';
import { fitWiki } from './datacenter/dc-tickets.ts';
import { jiraIssueBody, jiraIssueParts, type JiraIssueBody } from './issue-body.ts';
import type { JiraConfig, JiraTarget } from './jira-config.ts';

export type JiraDeployment = 'cloud' | 'datacenter';

/** The create-issue body on Data Center: as on Cloud, with the description in wiki markup (C1's values escaped). */
export interface JiraDataCenterIssueBody {
  fields: Record<string, unknown> & { project: { key: string }; issuetype: { name: string }; summary: string; description: string; labels: string[] };
  properties: JiraIssueBody['properties'];
}

export interface JiraPreview extends DeskTicketPreview {
  readonly system: 'jira';
  readonly deployment: JiraDeployment;
  readonly project: string;
  readonly issueType: string;
  readonly body: JiraIssueBody | JiraDataCenterIssueBody;
}

const BRIDGE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels']);

/**
 * The desk's deployment as its section says it (`deployment: datacenter`); unset or unknown is previewed as Cloud,
 * which is what the bridge opens there until it detects otherwise.
 */
export function previewDeployment(config: JiraConfig | undefined): JiraDeployment {
  return (config as { readonly deployment?: unknown } | undefined)?.deployment === 'datacenter' ? 'datacenter' : 'cloud';
}

function dataCenterBody(target: JiraTarget, request: TicketRequest, options: ScopeOptions): JiraDataCenterIssueBody {
  const parts = jiraIssueParts(target, request, options);
  return {
    fields: { ...parts.extra, project: { key: target.project }, issuetype: { name: target.issueType }, summary: parts.summary, description: fitWiki(parts.description), labels: parts.labels },
    properties: [parts.property],
  };
}

/**
 * @example
 *   jiraPreview({ project: 'OPS', issueType: 'Task', labels: [], fields: {} }, request, { timeZone: 'UTC' }, 'datacenter').body.fields.description
 *   // the wiki markup Jira Data Center would receive
 */
export function jiraPreview(target: JiraTarget, request: TicketRequest, options: ScopeOptions, deployment: JiraDeployment = 'cloud'): JiraPreview {
  const dataCenter = deployment === 'datacenter';
  const body = dataCenter ? dataCenterBody(target, request, options) : jiraIssueBody(target, request, options);
  const { fields } = body;
  return {
    system: 'jira',
    deployment,
    where: `${dataCenter ? 'Jira Data Center' : 'Jira'}, project ${target.project}, issue type ${target.issueType}${dataCenter ? ', description in wiki markup' : ''}`,
    container: `jira ${target.project}`,
    endpoint: dataCenter ? 'POST /rest/api/2/issue' : 'POST /rest/api/3/issue',
    project: target.project,
    issueType: target.issueType,
    summary: fields.summary,
    description: typeof fields.description === 'string' ? fields.description : adfToText(fields.description),
    labels: fields.labels,
    fields: Object.fromEntries(Object.entries(fields).filter(([name]) => !BRIDGE_FIELDS.has(name))),
    body,
  };
}
