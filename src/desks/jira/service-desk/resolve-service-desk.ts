/**
 * A route's `serviceDesk` (an id, or a project key: contract §8) → the service desk id the request API takes, read
 * from `GET /rest/servicedeskapi/servicedesk` (paged; `{id, projectId, projectKey, projectName}`, desks.md §2).
 * Answers are kept for the process: desks are configuration, not data.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import { allPages, type JsmApi, type ServiceDesk } from './jsm-api.ts';

export interface ResolvedServiceDesk {
  id: string;
  projectKey: string;
  projectName: string;
}

const notFound = (message: string) => new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message });

export function createServiceDeskResolver(api: JsmApi) {
  let desks: Promise<ServiceDesk[]> | undefined;
  const cache = new Map<string, ResolvedServiceDesk>();
  return async function resolveServiceDesk(given: string): Promise<ResolvedServiceDesk> {
    const cached = cache.get(given);
    if (cached !== undefined) return cached;
    // A failed read is not kept: the next call asks again.
    desks ??= allPages((start, limit) => api.serviceDesks(start, limit)).catch((error: unknown) => {
      desks = undefined;
      throw error;
    });
    const list = await desks;
    const found = list.find((desk) => desk.id === given) ?? list.find((desk) => desk.projectKey?.toUpperCase() === given.toUpperCase());
    if (found?.id === undefined) {
      const known = list.map((desk) => `${desk.projectKey ?? '?'} (id ${desk.id ?? '?'})`).join(', ');
      throw notFound(`Jira Service Management has no service desk "${given}" (by id or project key); the bridge's account sees: ${known === '' ? 'none' : known}`);
    }
    const resolved = { id: found.id, projectKey: found.projectKey ?? '', projectName: found.projectName ?? '' };
    cache.set(given, resolved);
    return resolved;
  };
}

export type ServiceDeskResolver = ReturnType<typeof createServiceDeskResolver>;
