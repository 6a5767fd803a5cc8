/**
 * Opens a JSM customer request for a task step: `POST /rest/servicedeskapi/request` with the service desk and
 * request type ids (resolved from the route's names), the route's rendered requestFields, and `raiseOnBehalfOf` (Cloud:
 * the user's accountId; Data Center: the username) when the route says `raiseOnBehalfOf: subject` and the user was
 * found. The answer's `issueId`/`issueKey` and `_links.web` (the customer portal) make the TicketRef; then the
 * correlation label and property are added as on a plain issue.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import type { TicketRequest } from '../../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../../domain/template-scope.ts';
import type { TicketRef } from '../../../domain/ticket.ts';
import { DEFAULT_DESCRIPTION, DEFAULT_SUMMARY, renderTemplate } from '../../../domain/templates.ts';
import { capWithMarker, JIRA_DESCRIPTION_MAX, JIRA_SUMMARY_MAX, oneLine } from '../../../domain/text-limits.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import { JIRA_PROPERTY_KEY, taskLabel } from '../issue-body.ts';
import type { CorrelationWriter } from './correlation-writer.ts';
import type { CreateRequestBody, JsmApi } from './jsm-api.ts';
import type { JsmTarget } from './jsm-target.ts';
import type { FieldsReader } from './request-type-fields.ts';
import type { ServiceDeskResolver } from './resolve-service-desk.ts';
import type { RequestTypeResolver } from './resolve-request-type.ts';

/**
 * The route's requestFields rendered, with the plain issue's default summary and description where the route names
 * none and the request type has the field (`typeFields`; JSM takes only the type's own fields). Summary on one line
 * within 255 characters; description capped at Jira's 32,767.
 */
export function renderRequestFields(target: Pick<JsmTarget, 'requestFields'>, request: TicketRequest, options: ScopeOptions, typeFields: readonly string[]): Record<string, string> {
  const defaults = Object.entries({ summary: DEFAULT_SUMMARY, description: DEFAULT_DESCRIPTION }).filter(([field]) => typeFields.includes(field));
  const templates = { ...Object.fromEntries(defaults), ...target.requestFields };
  const rendered = Object.fromEntries(Object.entries(templates).map(([field, template]) => [field, renderTemplate(template, request, options)]));
  if (rendered['summary'] !== undefined) rendered['summary'] = oneLine(rendered['summary'], JIRA_SUMMARY_MAX);
  if (rendered['description'] !== undefined) rendered['description'] = capWithMarker(rendered['description'], JIRA_DESCRIPTION_MAX);
  return rendered;
}

export interface JsmRequestDeps {
  api: JsmApi;
  resolveServiceDesk: ServiceDeskResolver;
  resolveRequestType: RequestTypeResolver;
  fieldsOf: FieldsReader;
  correlation: CorrelationWriter;
  /** Where a person opens an issue when JSM's answer has no portal link: `<baseUrl>/browse/<key>`. */
  browseUrl: (key: string) => string;
}

export interface JsmRequestInput {
  target: JsmTarget;
  request: TicketRequest;
  scope: ScopeOptions;
  /** The task's user in the desk (accountId / username); undefined raises the request as the bridge's account. */
  raiseOnBehalfOf?: string | undefined;
  /** Why the route's `raiseOnBehalfOf: subject` could not be honoured (the user lookup's reason): said in the description. */
  notRaisedForUser?: string | undefined;
}

/** The line a request raised as the bridge's account carries instead of the user as reporter. */
export function notRaisedLine(reason: string): string {
  return `Raised by the bridge's account, not on behalf of the user: ${reason}.`;
}

export async function createJsmRequest(deps: JsmRequestDeps, input: JsmRequestInput): Promise<TicketRef> {
  const desk = await deps.resolveServiceDesk(input.target.serviceDesk);
  const type = await deps.resolveRequestType(desk.id, input.target.requestType);
  const { fields } = await deps.fieldsOf(desk.id, type.id);
  const values = renderRequestFields(input.target, input.request, input.scope, fields.map((field) => field.fieldId));
  if (input.raiseOnBehalfOf === undefined && input.notRaisedForUser !== undefined && values['description'] !== undefined) {
    values['description'] = capWithMarker(`${notRaisedLine(input.notRaisedForUser)}\n\n${values['description']}`, JIRA_DESCRIPTION_MAX);
  }
  const body: CreateRequestBody = {
    serviceDeskId: desk.id,
    requestTypeId: type.id,
    requestFieldValues: values,
    ...(input.raiseOnBehalfOf === undefined ? {} : { raiseOnBehalfOf: input.raiseOnBehalfOf }),
  };
  const created = await deps.api.createRequest(body);
  if (created.issueId === undefined || created.issueKey === undefined) {
    throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: 'Jira create customer request: the answer has no issueId or issueKey' });
  }
  await deps.correlation.addLabel(created.issueId, taskLabel(input.request.taskId));
  await deps.correlation.setProperty(created.issueId, JIRA_PROPERTY_KEY, { taskId: input.request.taskId, stepId: input.request.stepId, kind: input.request.kind });
  return {
    system: 'jira',
    key: created.issueKey,
    id: created.issueId,
    url: created._links?.web ?? deps.browseUrl(created.issueKey),
    container: desk.projectKey,
  };
}
