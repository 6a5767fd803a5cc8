/** The JSM API on Jira Cloud, through jira.js's service-desk client (jira.js `src/serviceDesk/api/*.ts`). */
import type { Client } from 'jira.js/core';
import { createServiceDeskClient } from 'jira.js/serviceDesk';
import type { JsmApi } from './jsm-api.ts';
import { classifyJsmError } from './jsm-error.ts';

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyJsmError(error, action);
  }
}

/** `client` is the jira.js core client the Cloud adapter already holds (one attempt per call; retries are the job's). */
export function createCloudJsmApi(client: Client): JsmApi {
  const desk = createServiceDeskClient(client);
  return {
    serviceDesks: (start, limit) => call('list service desks', () => desk.servicedesk.getServiceDesks({ start, limit })),
    requestTypes: (serviceDeskId, start, limit) =>
      call(`list request types of service desk ${serviceDeskId}`, () => desk.servicedesk.getRequestTypes({ serviceDeskId, start, limit })),
    requestTypeFields: (serviceDeskId, requestTypeId) =>
      call(`read fields of request type ${requestTypeId}`, () => desk.servicedesk.getRequestTypeFields({ serviceDeskId, requestTypeId: Number(requestTypeId) })),
    createRequest: (body) => call('create customer request', () => desk.request.createCustomerRequest(body)),
    getRequest: (issueIdOrKey) => call(`get request ${issueIdOrKey}`, () => desk.request.getCustomerRequestByIdOrKey({ issueIdOrKey })),
    approvals: (issueIdOrKey, start, limit) => call(`list approvals of ${issueIdOrKey}`, () => desk.request.getApprovals({ issueIdOrKey, start, limit })),
  };
}
