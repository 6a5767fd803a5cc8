/** The ServiceNow record (or catalog order) a route would open, for `preview`: the exact request body, without I/O. */
import type { DeskTicketPreview } from '../desk-module.ts';
import { APPROVAL_DESCRIPTION, APPROVAL_SUMMARY } from '../../domain/approval-ticket-text.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { catalogOrderBody, requestedItemFields } from './catalog-body.ts';
import { serviceNowRecordBody, type ServiceNowTarget } from './record-body.ts';

export interface ServiceNowPreview extends DeskTicketPreview {
  readonly system: 'servicenow';
  readonly table: string;
  readonly fields: Readonly<Record<string, string>>;
  /** `POST /api/now/table/<table>`, exactly; for a catalog route the `order_now` body (its user is looked up then). */
  readonly body: Readonly<Record<string, unknown>>;
  /** A catalog route's item (name or sys_id), ordered through the Service Catalog API. */
  readonly catalogItem?: string;
}

/** An approval record's target: the route's templates, else the approval defaults (as approval-records.ts opens it). */
export function approvalRecordTarget(target: ServiceNowTarget): ServiceNowTarget {
  return { ...target, shortDescription: target.shortDescription ?? APPROVAL_SUMMARY, description: target.description ?? APPROVAL_DESCRIPTION };
}

const SERVICENOW_OWN = new Set(['short_description', 'description', 'correlation_id', 'correlation_display']);

const ownFields = (body: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(body).filter(([name]) => !SERVICENOW_OWN.has(name)));

export function serviceNowPreview(target: ServiceNowTarget, request: TicketRequest, options: ScopeOptions): ServiceNowPreview {
  const common = { system: 'servicenow', table: target.table, container: `servicenow ${target.table}`, labels: [] } as const;
  if (target.catalogItem !== undefined) {
    const marks = requestedItemFields(target, request, options);
    return {
      ...common,
      where: `ServiceNow, catalog item "${target.catalogItem}", tracked as ${target.table}`,
      endpoint: `POST /api/sn_sc/servicecatalog/items/<${target.catalogItem}>/order_now`,
      catalogItem: target.catalogItem,
      summary: `order of catalog item "${target.catalogItem}"`,
      description: marks['description'] ?? '',
      fields: ownFields(marks),
      body: { ...catalogOrderBody(target, request, options) },
    };
  }
  const body = serviceNowRecordBody(target, request, options);
  return {
    ...common,
    where: `ServiceNow, table ${target.table}`,
    endpoint: `POST /api/now/table/${target.table}`,
    summary: body['short_description'] ?? '',
    description: body['description'] ?? '',
    fields: ownFields(body),
    body,
  };
}
