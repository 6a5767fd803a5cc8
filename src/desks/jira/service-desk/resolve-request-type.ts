/**
 * A route's `requestType` (an id, or its name as the portal shows it) → the request type id, read from
 * `GET /rest/servicedeskapi/servicedesk/{id}/requesttype` (paged; `{id, name, issueTypeId, serviceDeskId}`,
 * desks.md §2). Kept for the process per service desk. Names compare ignoring case; two types of one name are
 * refused rather than guessed.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import { allPages, type JsmApi, type RequestType } from './jsm-api.ts';

export interface ResolvedRequestType {
  id: string;
  name: string;
}

const refused = (message: string) => new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message });

export function createRequestTypeResolver(api: JsmApi) {
  const lists = new Map<string, Promise<RequestType[]>>();
  return async function resolveRequestType(serviceDeskId: string, given: string): Promise<ResolvedRequestType> {
    let list = lists.get(serviceDeskId);
    if (list === undefined) {
      list = allPages((start, limit) => api.requestTypes(serviceDeskId, start, limit));
      lists.set(serviceDeskId, list);
      list.catch(() => lists.delete(serviceDeskId));
    }
    const types = await list;
    const byId = types.find((type) => type.id === given);
    const byName = types.filter((type) => type.name?.localeCompare(given, undefined, { sensitivity: 'accent' }) === 0);
    const known = types.map((type) => `"${type.name ?? '?'}" (id ${type.id ?? '?'})`).join(', ');
    if (byId === undefined && byName.length > 1) {
      throw refused(`service desk ${serviceDeskId} has ${byName.length.toString()} request types named "${given}": name it by id (${byName.map((type) => type.id ?? '?').join(', ')})`);
    }
    const found = byId ?? byName[0];
    if (found?.id === undefined) throw refused(`service desk ${serviceDeskId} has no request type "${given}" (by name or id); it has: ${known === '' ? 'none' : known}`);
    return { id: found.id, name: found.name ?? '' };
  };
}

export type RequestTypeResolver = ReturnType<typeof createRequestTypeResolver>;
