/**
 * A fake Jira Service Management, mounted on the fake Jira Cloud so that a request created here is an issue there
 * (search, properties, labels, status, comments all see it). Wire formats, Cloud and Data Center alike
 * (desks.md §2; developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/ and
 * …/api-group-request/; jira.js `src/serviceDesk/models/*.ts` for the shapes, checked by jira.js in the tests):
 * - GET /rest/servicedeskapi/servicedesk?start&limit → paged `{start, limit, size, isLastPage, values[{id, projectId,
 *   projectKey, projectName}]}`.
 * - GET …/servicedesk/{id}/requesttype?start&limit → paged `{id, name, description, issueTypeId, serviceDeskId}`.
 * - GET …/servicedesk/{id}/requesttype/{id}/field → `{canRaiseOnBehalfOf, canAddRequestParticipants,
 *   requestTypeFields[{fieldId, name, required, visible, validValues, jiraSchema}]}`.
 * - POST /rest/servicedeskapi/request `{serviceDeskId, requestTypeId, requestFieldValues, raiseOnBehalfOf?}` → 201
 *   CustomerRequest `{issueId, issueKey, requestTypeId, serviceDeskId, currentStatus, reporter, requestFieldValues,
 *   _links{web, self, jiraRest}}`. "The JSON request must include … any fields that are required for the request
 *   type" (Create customer request): a missing one, an unknown desk or type, or an unknown `raiseOnBehalfOf` account
 *   is answered 400 in JSM's ErrorResponse `{errorMessage, i18nErrorMessage{i18nKey, parameters}}` (jira.js
 *   `errorResponse.ts`; the message words are the fake's own). A field the type does not have is refused too: desks.md
 *   §2 marks that as assumed (not found in the docs), so the bridge sends only the type's fields either way.
 * - GET /rest/servicedeskapi/request/{issueIdOrKey} → the CustomerRequest with `currentStatus{status,
 *   statusCategory}` in upper case (NEW, INDETERMINATE, DONE).
 * - GET /rest/servicedeskapi/request/{issueIdOrKey}/approval?start&limit → paged Approval `{id, name, finalDecision,
 *   canAnswerApproval, approvers[{approver, approverDecision}], createdDate, completedDate?}`.
 * And the platform API pieces a request needs afterwards (developer.atlassian.com/cloud/jira/platform/rest/v3/):
 * - PUT /rest/api/3/issue/{id} `{"update":{"labels":[{"add":…}]}}` → 204 (api-group-issues, Edit issue).
 * - PUT /rest/api/3/issue/{id}/properties/{key} → 201 new, 200 replaced (api-group-issue-properties).
 * - GET /rest/api/3/user/search?query=&maxResults= → `[{accountId, accountType, emailAddress?, displayName, active}]`;
 *   `query` prefix-matches display name and email, and the email is left out when the user's profile hides it
 *   (api-group-user-search; desks.md §6).
 */
import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from '../../../sandbox/listen.ts';
import { editedLabels, type FakeJiraDc } from '../datacenter/fake-jira-dc.ts';
import type { FakeJira } from '../fake-jira.ts';

/** What the fake JSM needs of the fake Jira it is mounted on (Cloud or Data Center): a request is one of its issues. */
interface HostIssue {
  id: string;
  key: string;
  fields: Record<string, unknown> & { labels: string[] };
  properties: Record<string, unknown>;
  status: { name: string; category: 'new' | 'indeterminate' | 'done' };
}
type JsmHost = Pick<FakeJira, 'url' | 'mount'> & { issues: Map<string, HostIssue>; addIssue(project: string, fields: Record<string, unknown> & { summary: string }, createdAt?: number): HostIssue };

export interface FakeRequestTypeField {
  fieldId: string;
  name: string;
  required: boolean;
}

export interface FakeJsmUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  accountType?: 'atlassian' | 'customer' | 'app';
  /** The user's profile visibility hides the email from the API. */
  emailHidden?: boolean;
  active?: boolean;
}

export interface FakeApproval {
  id: string;
  name: string;
  finalDecision: 'approved' | 'declined' | 'pending';
  approvers: Array<{ accountId: string; decision: 'approved' | 'declined' | 'pending' }>;
}

export interface FakeJsm {
  addServiceDesk(projectKey: string, projectName?: string): string;
  addRequestType(serviceDeskId: string, name: string, fields: FakeRequestTypeField[]): string;
  addUser(user: FakeJsmUser): void;
  /** Every create body received, in order. */
  creates: Array<Record<string, unknown>>;
  /** Whether the bridge's account may raise on behalf of others (an agent: true). */
  canRaiseOnBehalfOf: boolean;
  /** Attaches a pending approval with these approvers to a request; returns its id. */
  addApproval(issueKey: string, name: string, approverIds: string[]): string;
  /** An approver answers; the approval becomes final as the condition "all approvers" (or one decline) decides. */
  decide(issueKey: string, approvalId: string, accountId: string, decision: 'approved' | 'declined'): void;
  approvals(issueKey: string): FakeApproval[];
  reset(): void;
}

const CATEGORY = { new: 'NEW', indeterminate: 'INDETERMINATE', done: 'DONE' } as const;

/**
 * On Data Center the platform calls afterwards (label edit, properties, user search) are the fake Jira DC's own
 * (REST v2); `raiseOnBehalfOf` there is a username, checked against the users added here by `accountId`.
 */
export function mountFakeJsm(host: FakeJira | FakeJiraDc): FakeJsm {
  const jira = host as unknown as JsmHost;
  const desks: Array<{ id: string; projectId: string; projectKey: string; projectName: string }> = [];
  const types: Array<{ id: string; name: string; serviceDeskId: string; fields: FakeRequestTypeField[] }> = [];
  const users: FakeJsmUser[] = [];
  const approvals = new Map<string, FakeApproval[]>();
  let next = 0;
  const nextId = () => String((next += 1));

  const jsmError = (response: ServerResponse, status: number, message: string, i18nKey: string) =>
    sendJson(response, status, { errorMessage: message, i18nErrorMessage: { i18nKey, parameters: [] } });
  const page = <T>(all: T[], url: URL) => {
    const start = Number(url.searchParams.get('start') ?? '0');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? '50'), 50);
    const values = all.slice(start, start + limit);
    return { start, limit, size: values.length, isLastPage: start + limit >= all.length, values, _links: { base: jira.url, context: '' } };
  };
  const issueOf = (idOrKey: string): HostIssue | undefined => jira.issues.get(idOrKey) ?? [...jira.issues.values()].find((issue) => issue.id === idOrKey);
  const userJson = (user: FakeJsmUser) => ({
    accountId: user.accountId,
    accountType: user.accountType ?? 'atlassian',
    displayName: user.displayName,
    active: user.active ?? true,
    timeZone: 'UTC',
    ...(user.emailHidden === true ? {} : { emailAddress: user.emailAddress }),
  });
  const requestJson = (issue: HostIssue) => {
    const meta = issue.properties['fake-jsm'] as { serviceDeskId: string; requestTypeId: string; reporter: string };
    const reporter = users.find((user) => user.accountId === meta.reporter);
    return {
      issueId: issue.id,
      issueKey: issue.key,
      requestTypeId: meta.requestTypeId,
      serviceDeskId: meta.serviceDeskId,
      summary: issue.fields.summary,
      currentStatus: { status: issue.status.name, statusCategory: CATEGORY[issue.status.category], statusDate: { iso8601: new Date().toISOString() } },
      reporter: reporter === undefined ? { accountId: '557058:bridge', displayName: 'Provisioning Bridge', active: true } : userJson(reporter),
      requestFieldValues: Object.entries(issue.fields)
        .filter(([field]) => !['project', 'labels'].includes(field))
        .map(([fieldId, value]) => ({ fieldId, label: fieldId, value })),
      _links: { web: `${jira.url}/servicedesk/customer/portal/${meta.serviceDeskId}/${issue.key}`, self: `${jira.url}/rest/servicedeskapi/request/${issue.id}`, jiraRest: `${jira.url}/rest/api/2/issue/${issue.id}` },
    };
  };
  const approvalJson = (approval: FakeApproval) => ({
    id: approval.id,
    name: approval.name,
    finalDecision: approval.finalDecision,
    canAnswerApproval: false,
    approvers: approval.approvers.map((entry) => {
      const user = users.find((candidate) => candidate.accountId === entry.accountId);
      return { approver: user === undefined ? { accountId: entry.accountId } : userJson(user), approverDecision: entry.decision };
    }),
    createdDate: { iso8601: new Date().toISOString() },
  });

  jira.mount((request: RecordedRequest, response: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (request.method === 'GET' && path === '/rest/servicedeskapi/servicedesk') {
      sendJson(response, 200, page(desks, url));
      return true;
    }
    const typesMatch = /^\/rest\/servicedeskapi\/servicedesk\/([^/]+)\/requesttype(?:\/([^/]+)\/field)?$/.exec(path);
    if (request.method === 'GET' && typesMatch?.[1] !== undefined) {
      const deskId = typesMatch[1];
      if (!desks.some((desk) => desk.id === deskId)) {
        jsmError(response, 404, `The service desk ${deskId} does not exist.`, 'sd.service.desk.not.found');
        return true;
      }
      if (typesMatch[2] === undefined) {
        sendJson(response, 200, page(types.filter((type) => type.serviceDeskId === deskId).map((type) => ({ id: type.id, name: type.name, description: '', issueTypeId: '10001', serviceDeskId: type.serviceDeskId, groupIds: [] })), url));
        return true;
      }
      const type = types.find((candidate) => candidate.id === typesMatch[2] && candidate.serviceDeskId === deskId);
      if (type === undefined) {
        jsmError(response, 404, `The request type ${typesMatch[2]} does not exist.`, 'sd.request.type.not.found');
        return true;
      }
      sendJson(response, 200, {
        canRaiseOnBehalfOf: fake.canRaiseOnBehalfOf,
        canAddRequestParticipants: true,
        requestTypeFields: type.fields.map((field) => ({ ...field, visible: true, validValues: [], presetValues: [], jiraSchema: { type: 'string', system: field.fieldId } })),
      });
      return true;
    }
    if (request.method === 'POST' && path === '/rest/servicedeskapi/request') {
      const body = JSON.parse(request.body) as { serviceDeskId?: string; requestTypeId?: string; requestFieldValues?: Record<string, unknown>; raiseOnBehalfOf?: string };
      fake.creates.push(body);
      const desk = desks.find((candidate) => candidate.id === body.serviceDeskId);
      const type = types.find((candidate) => candidate.id === body.requestTypeId && candidate.serviceDeskId === body.serviceDeskId);
      if (desk === undefined || type === undefined) {
        jsmError(response, 400, 'The request type or service desk you specified does not exist.', 'sd.request.create.error.requesttype.not.found');
        return true;
      }
      const values = body.requestFieldValues ?? {};
      const missing = type.fields.filter((field) => field.required && (values[field.fieldId] === undefined || values[field.fieldId] === ''));
      if (missing.length > 0) {
        jsmError(response, 400, `${missing.map((field) => field.name).join(', ')}: this field is required.`, 'sd.request.create.error.field.required');
        return true;
      }
      const unknown = Object.keys(values).filter((field) => !type.fields.some((candidate) => candidate.fieldId === field));
      if (unknown.length > 0) {
        jsmError(response, 400, `The field(s) ${unknown.join(', ')} are not on the request type's screen.`, 'sd.request.create.error.field.not.found');
        return true;
      }
      if (body.raiseOnBehalfOf !== undefined && (!fake.canRaiseOnBehalfOf || !users.some((user) => user.accountId === body.raiseOnBehalfOf))) {
        jsmError(response, 400, `The user '${body.raiseOnBehalfOf}' does not exist or you may not raise requests on their behalf.`, 'sd.request.create.error.raiseonbehalfof');
        return true;
      }
      const issue = jira.addIssue(desk.projectKey, { ...values, summary: String(values['summary'] ?? '') }, request.receivedAt);
      issue.properties['fake-jsm'] = { serviceDeskId: desk.id, requestTypeId: type.id, reporter: body.raiseOnBehalfOf ?? '557058:bridge' };
      sendJson(response, 201, requestJson(issue));
      return true;
    }
    const requestMatch = /^\/rest\/servicedeskapi\/request\/([^/]+)(\/approval)?$/.exec(path);
    if (request.method === 'GET' && requestMatch?.[1] !== undefined) {
      const issue = issueOf(decodeURIComponent(requestMatch[1]));
      if (issue?.properties['fake-jsm'] === undefined) {
        jsmError(response, 404, 'The request does not exist or you do not have permission to see it.', 'sd.request.not.found');
        return true;
      }
      sendJson(response, 200, requestMatch[2] === undefined ? requestJson(issue) : page((approvals.get(issue.key) ?? []).map(approvalJson), url));
      return true;
    }
    const editMatch = /^\/rest\/api\/3\/issue\/([^/]+)(?:\/properties\/([^/]+))?$/.exec(path);
    if (request.method === 'PUT' && editMatch?.[1] !== undefined) {
      const issue = issueOf(decodeURIComponent(editMatch[1]));
      if (issue === undefined) {
        sendJson(response, 404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
        return true;
      }
      if (editMatch[2] !== undefined) {
        const key = decodeURIComponent(editMatch[2]);
        const existed = key in issue.properties;
        issue.properties[key] = JSON.parse(request.body) as unknown;
        response.statusCode = existed ? 200 : 201;
        response.end();
        return true;
      }
      issue.fields.labels = editedLabels(issue.fields.labels, request.body);
      response.statusCode = 204;
      response.end();
      return true;
    }
    if (request.method === 'GET' && path === '/rest/api/3/user/search') {
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      const max = Number(url.searchParams.get('maxResults') ?? '50');
      const found = users.filter((user) => query !== '' && (user.displayName.toLowerCase().startsWith(query) || user.emailAddress.toLowerCase().startsWith(query)));
      sendJson(response, 200, found.slice(0, max).map(userJson));
      return true;
    }
    return false;
  });

  const fake: FakeJsm = {
    creates: [],
    canRaiseOnBehalfOf: true,
    addServiceDesk(projectKey, projectName = projectKey) {
      const id = nextId();
      desks.push({ id, projectId: String(10000 + Number(id)), projectKey, projectName });
      return id;
    },
    addRequestType(serviceDeskId, name, fields) {
      const id = String(100 + Number(nextId()));
      types.push({ id, name, serviceDeskId, fields });
      return id;
    },
    addUser(user) {
      users.push(user);
    },
    addApproval(issueKey, name, approverIds) {
      const approval: FakeApproval = { id: nextId(), name, finalDecision: 'pending', approvers: approverIds.map((accountId) => ({ accountId, decision: 'pending' })) };
      approvals.set(issueKey, [...(approvals.get(issueKey) ?? []), approval]);
      return approval.id;
    },
    decide(issueKey, approvalId, accountId, decision) {
      const approval = approvals.get(issueKey)?.find((candidate) => candidate.id === approvalId);
      const approver = approval?.approvers.find((entry) => entry.accountId === accountId);
      if (approval === undefined || approver === undefined) throw new Error(`no approval ${approvalId} with approver ${accountId} on ${issueKey}`);
      approver.decision = decision;
      if (decision === 'declined') approval.finalDecision = 'declined';
      else if (approval.approvers.every((entry) => entry.decision === 'approved')) approval.finalDecision = 'approved';
    },
    approvals: (issueKey) => approvals.get(issueKey) ?? [],
    reset() {
      desks.length = 0;
      types.length = 0;
      users.length = 0;
      approvals.clear();
      fake.creates.length = 0;
      fake.canRaiseOnBehalfOf = true;
      next = 0;
    },
  };
  return fake;
}
