/**
 * What the bridge sends ServiceNow to open a record (Table API `POST /api/now/table/{table}`), built without I/O so
 * that `preview` shows exactly what a create would send.
 */
import type { BridgeConfig } from '../../config/schema.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { DEFAULT_DESCRIPTION, DEFAULT_SUMMARY, renderTemplate } from '../../domain/templates.ts';
import { oneLine, SERVICENOW_SHORT_DESCRIPTION_MAX } from '../../domain/text-limits.ts';

export type ServiceNowTarget = NonNullable<BridgeConfig['routes'][number]['servicenow']>;

/** `correlation_id` of a step's record (contract §5): the task id, plus the step when C1 named one. */
export function serviceNowCorrelationId(taskId: string, stepId: string): string {
  return stepId === taskId ? taskId : `${taskId}:${stepId}`;
}

/** The record's fields: the route's own (rendered), then short description, description and the correlation. */
export function serviceNowRecordBody(target: ServiceNowTarget, request: TicketRequest, options: ScopeOptions): Record<string, string> {
  const fields = Object.fromEntries(Object.entries(target.fields).map(([name, source]) => [name, renderTemplate(source, request, options)]));
  return {
    ...fields,
    short_description: oneLine(renderTemplate(target.shortDescription ?? DEFAULT_SUMMARY, request, options), SERVICENOW_SHORT_DESCRIPTION_MAX),
    description: renderTemplate(target.description ?? DEFAULT_DESCRIPTION, request, options),
    correlation_id: serviceNowCorrelationId(request.taskId, request.stepId),
    correlation_display: 'ConductorOne',
  };
}
