/**
 * The Jira Service Management REST API (`/rest/servicedeskapi`) calls the bridge makes, the same paths on Cloud and
 * Data Center (jira.js `src/serviceDesk/api/*.ts`; developer.atlassian.com/cloud/jira/service-desk/rest/). Cloud goes
 * through jira.js's service-desk client (jsm-cloud.ts), Data Center over fetch (jsm-datacenter.ts); everything above
 * speaks to this interface and never knows which.
 */
import type { Approval, CustomerRequest, CustomerRequestCreateMeta, RequestType, ServiceDesk } from 'jira.js/serviceDesk';

export type { Approval, CustomerRequest, CustomerRequestCreateMeta, RequestType, ServiceDesk };

/** JSM's paging envelope on every list: `{start, limit, size, isLastPage, values}`. */
export interface JsmPage<T> {
  start?: number | undefined;
  limit?: number | undefined;
  size?: number | undefined;
  isLastPage?: boolean | undefined;
  values?: T[] | undefined;
}

export interface CreateRequestBody {
  serviceDeskId: string;
  requestTypeId: string;
  requestFieldValues: Record<string, unknown>;
  /** Cloud: an accountId; Data Center: a username. */
  raiseOnBehalfOf?: string;
}

export interface JsmApi {
  serviceDesks(start: number, limit: number): Promise<JsmPage<ServiceDesk>>;
  requestTypes(serviceDeskId: string, start: number, limit: number): Promise<JsmPage<RequestType>>;
  requestTypeFields(serviceDeskId: string, requestTypeId: string): Promise<CustomerRequestCreateMeta>;
  createRequest(body: CreateRequestBody): Promise<CustomerRequest>;
  getRequest(issueIdOrKey: string): Promise<CustomerRequest>;
  approvals(issueIdOrKey: string, start: number, limit: number): Promise<JsmPage<Approval>>;
}

/** Most pages read from one list: a desk with more than 50 × 100 entries is not what a route names. */
const MAX_PAGES = 50;
export const JSM_PAGE_LIMIT = 100;

/**
 * Every value of a paged JSM list, following `start` until `isLastPage`. A page that is empty but not marked last
 * ends the walk too, so a desk answering oddly cannot keep the bridge asking.
 */
export async function allPages<T>(read: (start: number, limit: number) => Promise<JsmPage<T>>): Promise<T[]> {
  const all: T[] = [];
  let start = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await read(start, JSM_PAGE_LIMIT);
    const values = answer.values ?? [];
    all.push(...values);
    if (answer.isLastPage !== false || values.length === 0) break;
    start += values.length;
  }
  return all;
}
