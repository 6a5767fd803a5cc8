/**
 * What the bridge sends ServiceNow to open a record (Table API `POST /api/now/table/{table}`), built without I/O so
 * that `preview` shows exactly what a create would send.
 */
import type { ServiceNowTarget } from './servicenow-config.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import { DEFAULT_DESCRIPTION, DEFAULT_SUMMARY, renderTemplate } from '../../domain/templates.ts';
import { oneLine, SERVICENOW_SHORT_DESCRIPTION_MAX } from '../../domain/text-limits.ts';

export type { ServiceNowTarget };

/** `correlation_id` of a step's record (contract §5): the task id, plus the step when C1 named one. */
export function serviceNowCorrelationId(taskId: string, stepId: string): string {
  return stepId === taskId ? taskId : `${taskId}:${stepId}`;
}

const REQUESTED_FOR_FIELD = { incident: 'caller_id', sc_req_item: 'requested_for', sc_task: 'opened_for' } as const;

/** The field that names the task's user on a Table API record: the route's `requestedForField`, else by table. */
export function requestedForField(target: ServiceNowTarget): string {
  return target.requestedForField ?? REQUESTED_FOR_FIELD[target.table];
}

/** Who a record is for, once looked up: the user's sys_id, or a note that says why there is none. */
export interface RequestedFor {
  sysId?: string;
  note?: string;
}

/**
 * The record's fields: the route's own (rendered), then short description, description and the correlation; with
 * `requestedFor: subject`, the user's sys_id in the requested-for field (or the note in the description).
 */
export function serviceNowRecordBody(target: ServiceNowTarget, request: TicketRequest, options: ScopeOptions, requestedFor?: RequestedFor): Record<string, string> {
  const fields = Object.fromEntries(Object.entries(target.fields).map(([name, source]) => [name, renderTemplate(source, request, options)]));
  const description = renderTemplate(target.description ?? DEFAULT_DESCRIPTION, request, options);
  return {
    ...fields,
    ...(requestedFor?.sysId === undefined ? {} : { [requestedForField(target)]: requestedFor.sysId }),
    short_description: oneLine(renderTemplate(target.shortDescription ?? DEFAULT_SUMMARY, request, options), SERVICENOW_SHORT_DESCRIPTION_MAX),
    description: requestedFor?.note === undefined ? description : `${description}\n\n${requestedFor.note}`,
    correlation_id: serviceNowCorrelationId(request.taskId, request.stepId),
    correlation_display: 'ConductorOne',
  };
}
