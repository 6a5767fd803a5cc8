/**
 * The dry run behind `c1-ticket-bridge preview` (and the operator console): which route takes a ConductorOne task,
 * why each earlier route did not, and the ticket exactly as its desk would receive it. Pure: nothing is created,
 * nothing is sent, no clock or environment is read.
 */
import { C1_EVENT, webhookEnvelopeSchema } from '../c1/schemas.ts';
import type { BridgeConfig } from '../config/schema.ts';
import { noRouteComment } from '../domain/outcome-comment.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../domain/provisioning-request.ts';
import { decideRoute, type RouteVerdict } from '../domain/routing.ts';
import { adfToText } from '../desks/jira/adf.ts';
import { jiraIssueBody, type JiraIssueBody } from '../desks/jira/issue-body.ts';
import { catalogOrderBody, requestedItemFields } from '../desks/servicenow/catalog-body.ts';
import { serviceNowRecordBody } from '../desks/servicenow/record-body.ts';

export type PreviewConfig = Pick<BridgeConfig, 'routes' | 'defaultRoute' | 'conductorone' | 'templates'>;

export interface JiraPreview {
  readonly system: 'jira';
  readonly project: string;
  readonly issueType: string;
  readonly summary: string;
  /** The description as text (it is sent as ADF, in `body`). */
  readonly description: string;
  readonly labels: readonly string[];
  /** The route's extra fields, rendered. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** `POST /rest/api/3/issue`, exactly. */
  readonly body: JiraIssueBody;
}

export interface ServiceNowPreview {
  readonly system: 'servicenow';
  readonly table: string;
  readonly summary: string;
  readonly description: string;
  readonly labels: readonly string[];
  /** The route's extra fields, rendered. */
  readonly fields: Readonly<Record<string, string>>;
  /** `POST /api/now/table/<table>`, exactly; for a catalog route the `order_now` body (its user is looked up then). */
  readonly body: Readonly<Record<string, unknown>>;
  /** A catalog route's item (name or sys_id), ordered through the Service Catalog API. */
  readonly catalogItem?: string;
}

export type TicketPreview = JiraPreview | ServiceNowPreview;

export type PreviewResult =
  /** The payload is not a provisioning step the bridge would accept. */
  | { readonly kind: 'refused'; readonly problems: readonly string[] }
  | {
      readonly kind: 'routed';
      readonly request: ProvisioningRequest;
      readonly verdicts: readonly RouteVerdict[];
      readonly route: string;
      /** Who the access is for: the task's user. */
      readonly requestedFor: string;
      readonly ticket: TicketPreview;
    }
  | {
      readonly kind: 'unrouted';
      readonly request: ProvisioningRequest;
      readonly verdicts: readonly RouteVerdict[];
      readonly requestedFor: string;
      /** The errored callback's comment ConductorOne would receive. */
      readonly comment: string;
    };

const BRIDGE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels']);
const SERVICENOW_OWN = new Set(['short_description', 'description', 'correlation_id', 'correlation_display']);

function personLine(request: ProvisioningRequest): string {
  const { name, email, id } = request.subject;
  return [name ?? id ?? 'unknown', email === undefined ? '' : `<${email}>`].filter((part) => part !== '').join(' ');
}

/**
 * @example
 *   const result = previewTask(config, JSON.parse(readFileSync('provision-grant.json', 'utf8')));
 *   if (result.kind === 'routed') console.log(result.route, result.ticket.summary);
 */
export function previewTask(config: PreviewConfig, payload: unknown): PreviewResult {
  const envelope = webhookEnvelopeSchema.safeParse(payload);
  if (!envelope.success) return { kind: 'refused', problems: envelope.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`) };
  if (envelope.data.event === C1_EVENT.test) return { kind: 'refused', problems: ['a test webhook (PayloadTest): the bridge answers it at once and opens no ticket'] };
  const built = toProvisioningRequest(envelope.data, { tenant: config.conductorone.tenant });
  if (!built.ok) return { kind: 'refused', problems: built.problems };
  const request = built.request;
  const { chosen, verdicts } = decideRoute(config, request);
  const requestedFor = personLine(request);
  if (chosen === undefined) {
    const comment = noRouteComment(request.app.name ?? request.app.id, request.entitlement.name ?? request.entitlement.id, request.kind);
    return { kind: 'unrouted', request, verdicts, requestedFor, comment };
  }
  const options = { timeZone: config.templates.timeZone };
  const { jira, servicenow } = chosen.target;
  let ticket: TicketPreview;
  if (jira !== undefined) {
    const body = jiraIssueBody(jira, request, options);
    ticket = {
      system: 'jira',
      project: jira.project ?? jira.serviceDesk ?? '',
      issueType: jira.issueType,
      summary: body.fields.summary,
      description: adfToText(body.fields.description),
      labels: body.fields.labels,
      fields: Object.fromEntries(Object.entries(body.fields).filter(([name]) => !BRIDGE_FIELDS.has(name))),
      body,
    };
  } else if (servicenow?.catalogItem !== undefined) {
    const marks = requestedItemFields(servicenow, request, options);
    ticket = {
      system: 'servicenow',
      table: servicenow.table,
      catalogItem: servicenow.catalogItem,
      summary: `order of catalog item "${servicenow.catalogItem}"`,
      description: marks['description'] ?? '',
      labels: [],
      fields: Object.fromEntries(Object.entries(marks).filter(([name]) => !SERVICENOW_OWN.has(name))),
      body: { ...catalogOrderBody(servicenow, request, options) },
    };
  } else if (servicenow !== undefined) {
    const body = serviceNowRecordBody(servicenow, request, options);
    ticket = {
      system: 'servicenow',
      table: servicenow.table,
      summary: body['short_description'] ?? '',
      description: body['description'] ?? '',
      labels: [],
      fields: Object.fromEntries(Object.entries(body).filter(([name]) => !SERVICENOW_OWN.has(name))),
      body,
    };
  } else {
    throw new Error(`route ${chosen.name} has no target`);
  }
  return { kind: 'routed', request, verdicts, route: chosen.name, requestedFor, ticket };
}
