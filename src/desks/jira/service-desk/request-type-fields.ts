/**
 * A request type's fields (`GET /rest/servicedeskapi/servicedesk/{id}/requesttype/{id}/field` →
 * `{canRaiseOnBehalfOf, requestTypeFields[{fieldId, name, required, visible}]}`, desks.md §2), and what
 * `check-config --online` says about a route: the required fields it leaves empty, the fields it fills that the type
 * does not have, and whether the bridge may raise on behalf of others.
 */
import type { JsmApi } from './jsm-api.ts';
import { isJsmTarget, type JsmTargetFields } from './jsm-target.ts';
import type { ServiceDeskResolver } from './resolve-service-desk.ts';
import type { RequestTypeResolver } from './resolve-request-type.ts';

export interface RequestTypeField {
  fieldId: string;
  name: string;
  required: boolean;
}

export interface RequestTypeFields {
  canRaiseOnBehalfOf: boolean;
  fields: RequestTypeField[];
}

export async function readRequestTypeFields(api: JsmApi, serviceDeskId: string, requestTypeId: string): Promise<RequestTypeFields> {
  const meta = await api.requestTypeFields(serviceDeskId, requestTypeId);
  return {
    canRaiseOnBehalfOf: meta.canRaiseOnBehalfOf === true,
    fields: (meta.requestTypeFields ?? [])
      .filter((field) => typeof field.fieldId === 'string')
      .map((field) => ({ fieldId: field.fieldId ?? '', name: field.name ?? field.fieldId ?? '', required: field.required === true })),
  };
}

/** The fields of each request type, read once per process (they are configuration, like the type itself). */
export function createFieldsReader(api: JsmApi) {
  const cache = new Map<string, Promise<RequestTypeFields>>();
  return function fieldsOf(serviceDeskId: string, requestTypeId: string): Promise<RequestTypeFields> {
    const key = `${serviceDeskId}/${requestTypeId}`;
    let fields = cache.get(key);
    if (fields === undefined) {
      fields = readRequestTypeFields(api, serviceDeskId, requestTypeId);
      cache.set(key, fields);
      fields.catch(() => cache.delete(key));
    }
    return fields;
  };
}

export type FieldsReader = ReturnType<typeof createFieldsReader>;

/** The route fills summary and description itself when it names none (create-request.ts). */
const FILLED_BY_DEFAULT = ['summary', 'description'];

/** Required fields of the type that the route's requestFields leave out or leave blank. */
export function missingRequiredFields(fields: readonly RequestTypeField[], requestFields: Readonly<Record<string, string>> = {}): RequestTypeField[] {
  const filled = (id: string) => (requestFields[id] === undefined ? FILLED_BY_DEFAULT.includes(id) : requestFields[id].trim() !== '');
  return fields.filter((field) => field.required && !filled(field.fieldId));
}

export type OnlineCheck = [name: string, run: () => Promise<string>];

export interface JsmCheckDeps {
  api: JsmApi;
  resolveServiceDesk: ServiceDeskResolver;
  resolveRequestType: RequestTypeResolver;
}

/** One check for the request type of one route: OK lists the fields (* required); a problem throws its lines. */
export async function checkJsmRoute(deps: JsmCheckDeps, target: JsmTargetFields & { serviceDesk: string; requestType: string }): Promise<string> {
  const desk = await deps.resolveServiceDesk(target.serviceDesk);
  const type = await deps.resolveRequestType(desk.id, target.requestType);
  const { canRaiseOnBehalfOf, fields } = await readRequestTypeFields(deps.api, desk.id, type.id);
  const listed = fields.map((field) => `${field.fieldId}${field.required ? '*' : ''}`).join(', ');
  const missing = missingRequiredFields(fields, target.requestFields);
  const unknown = Object.keys(target.requestFields ?? {}).filter((id) => !fields.some((field) => field.fieldId === id));
  const problems = [
    missing.length === 0 ? undefined : `required field(s) the route leaves empty: ${missing.map((field) => `${field.fieldId} (${field.name})`).join(', ')}`,
    unknown.length === 0 ? undefined : `route field(s) the request type does not have: ${unknown.join(', ')}`,
    target.raiseOnBehalfOf === 'subject' && !canRaiseOnBehalfOf ? "the bridge's account may not raise requests on behalf of others (it needs to be an agent of the service desk)" : undefined,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${problems.join('; ')} (the request type's fields: ${listed === '' ? 'none' : listed}; * required)`);
  return `service desk ${desk.projectKey} is ${desk.id}, request type "${type.name}" is ${type.id}; fields: ${listed === '' ? 'none' : listed} (* required)`;
}

/** The checks for every JSM route, named like the other online checks (`online: <name>: OK, …` / `FAILED, …`). */
export function jsmOnlineChecks(deps: JsmCheckDeps, routes: ReadonlyArray<[who: string, target: JsmTargetFields]>): OnlineCheck[] {
  const checks: OnlineCheck[] = [];
  for (const [who, target] of routes) {
    if (isJsmTarget(target)) checks.push([`Jira Service Management request type of ${who}`, () => checkJsmRoute(deps, target)]);
  }
  return checks;
}
