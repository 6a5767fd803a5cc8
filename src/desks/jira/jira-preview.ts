/**
 * The Jira issue a route would open, for `preview`: the exact create body of the desk's deployment (Cloud: REST v3
 * with an ADF description; Data Center: REST v2 with a wiki-markup description), or the JSM customer request, without
 * I/O.
 */
import type { DeskTicketPreview } from '../desk-module.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { adfToText } from './adf.ts';
import { fitWiki, wikiTextFields } from './datacenter/dc-tickets.ts';
import { jiraIssueBody, jiraIssueParts, taskLabel, type JiraIssueBody } from './issue-body.ts';
import type { JiraConfig, JiraTarget } from './jira-config.ts';
import { approvalTarget } from './jira-approvals.ts';
import { APPROVAL_DESCRIPTION, APPROVAL_SUMMARY } from '../../domain/approval-ticket-text.ts';
import { renderRequestFields } from './service-desk/create-request.ts';
import { isJsmTarget, type JsmTarget } from './service-desk/jsm-target.ts';

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
  readonly body: JiraIssueBody | JiraDataCenterIssueBody | JsmRequestPreviewBody;
}

/** `POST /rest/servicedeskapi/request` as previewed: the ids and the user's account are looked up when it is sent. */
export interface JsmRequestPreviewBody {
  /** Absent: a request is not an issue body (the label and property are added after the create). */
  fields?: undefined;
  properties?: undefined;
  serviceDeskId: string;
  requestTypeId: string;
  requestFieldValues: Record<string, string>;
  raiseOnBehalfOf?: string;
}

const BRIDGE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels']);

/**
 * The desk's deployment as its section says it (`deployment: datacenter`); unset or unknown is previewed as Cloud,
 * which is what the bridge opens there until it detects otherwise.
 */
export function previewDeployment(config: JiraConfig | undefined): JiraDeployment {
  return config?.deployment === 'datacenter' ? 'datacenter' : 'cloud';
}

/** An approval ticket's target: the route's templates, else the approval defaults (as the desks open them). */
export function approvalPreviewTarget(target: JiraTarget): JiraTarget {
  if (isJsmTarget(target)) return { ...target, requestFields: { summary: APPROVAL_SUMMARY, description: APPROVAL_DESCRIPTION, ...target.requestFields } };
  return approvalTarget(target);
}

/**
 * A JSM request: the request type's fields are read from JSM when it is sent, so the preview assumes a summary and
 * a description besides the route's requestFields (what the default "Request access"-style types have).
 */
function jsmPreview(target: JsmTarget, request: TicketRequest, options: ScopeOptions, deployment: JiraDeployment): JiraPreview {
  const values = renderRequestFields(target, request, options, ['summary', 'description', ...Object.keys(target.requestFields ?? {})]);
  const dataCenter = deployment === 'datacenter';
  if (dataCenter && values['description'] !== undefined) values['description'] = fitWiki(values['description']);
  const body: JsmRequestPreviewBody = {
    serviceDeskId: `<${target.serviceDesk}>`,
    requestTypeId: `<${target.requestType}>`,
    requestFieldValues: values,
    ...(target.raiseOnBehalfOf === 'subject' ? { raiseOnBehalfOf: `<${request.subject.email ?? request.subject.id ?? 'the task user'}>` } : {}),
  };
  return {
    system: 'jira',
    deployment,
    where: `${dataCenter ? 'Jira Service Management (Data Center)' : 'Jira Service Management'}, service desk ${target.serviceDesk}, request type "${target.requestType}"; label and property added after the create`,
    container: `jsm ${target.serviceDesk}`,
    endpoint: 'POST /rest/servicedeskapi/request',
    project: target.serviceDesk,
    issueType: target.requestType,
    summary: values['summary'] ?? '',
    description: values['description'] ?? '',
    labels: [taskLabel(request.taskId)],
    fields: Object.fromEntries(Object.entries(values).filter(([name]) => name !== 'summary' && name !== 'description')),
    body,
  };
}

function dataCenterBody(target: JiraTarget & { project: string }, request: TicketRequest, options: ScopeOptions): JiraDataCenterIssueBody {
  const parts = jiraIssueParts(target, request, options);
  return {
    fields: { ...wikiTextFields(parts.extra), project: { key: target.project }, issuetype: { name: target.issueType }, summary: parts.summary, description: fitWiki(parts.description), labels: parts.labels },
    properties: [parts.property],
  };
}

/**
 * @example
 *   jiraPreview({ project: 'OPS', issueType: 'Task', labels: [], fields: {} }, request, { timeZone: 'UTC' }, 'datacenter').body.fields.description
 *   // the wiki markup Jira Data Center would receive
 */
export function jiraPreview(target: JiraTarget, request: TicketRequest, options: ScopeOptions, deployment: JiraDeployment = 'cloud'): JiraPreview {
  if (isJsmTarget(target)) return jsmPreview(target, request, options, deployment);
  const project = target.project ?? '';
  return issuePreview({ ...target, project }, request, options, deployment);
}

function issuePreview(target: JiraTarget & { project: string }, request: TicketRequest, options: ScopeOptions, deployment: JiraDeployment): JiraPreview {
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
