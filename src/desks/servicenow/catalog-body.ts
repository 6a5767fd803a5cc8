/**
 * What a catalog route sends ServiceNow, built without I/O so that `preview` shows it: the Service Catalog order
 * (`POST /api/sn_sc/servicecatalog/items/{sys_id}/order_now`, the body ConductorOne's own connector sends:
 * `{sysparm_quantity, sysparm_requested_for, variables}`) and the fields then written on the requested item.
 */
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { DEFAULT_DESCRIPTION, renderTemplate } from '../../domain/templates.ts';
import { serviceNowCorrelationId, type ServiceNowTarget } from './record-body.ts';

export interface CatalogOrderBody {
  sysparm_quantity: number;
  sysparm_requested_for?: string;
  variables: Record<string, string>;
}

export function catalogOrderBody(target: ServiceNowTarget, request: TicketRequest, options: ScopeOptions, requestedFor?: string): CatalogOrderBody {
  const variables = Object.fromEntries(Object.entries(target.variables).map(([name, source]) => [name, renderTemplate(source, request, options)]));
  return { sysparm_quantity: 1, ...(requestedFor === undefined ? {} : { sysparm_requested_for: requestedFor }), variables };
}

/** The fields put on each requested item once ordered: the correlation, the description and the route's fields. */
export function requestedItemFields(target: ServiceNowTarget, request: TicketRequest, options: ScopeOptions, note?: string): Record<string, string> {
  const fields = Object.fromEntries(Object.entries(target.fields).map(([name, source]) => [name, renderTemplate(source, request, options)]));
  const description = renderTemplate(target.description ?? DEFAULT_DESCRIPTION, request, options);
  return {
    ...fields,
    description: note === undefined ? description : `${description}\n\n${note}`,
    correlation_id: serviceNowCorrelationId(request.taskId, request.stepId),
    correlation_display: 'ConductorOne',
  };
}

/** Written into the description when the task's user is not in sys_user, so an agent knows whom the access is for. */
export function requestedForNote(request: TicketRequest, reason: string): string {
  const who = [request.subject.name, request.subject.email === undefined ? undefined : `<${request.subject.email}>`].filter(Boolean).join(' ') || request.subject.id || 'the task\'s user';
  return `Requested for ${who}: ${reason}, so this record is requested for the bridge's account.`;
}
