/**
 * Jira Service Management requests behind the jira desk's TicketSystem. A route whose `jira:` target names a service
 * desk and a request type opens a customer request (create-request.ts) instead of a plain issue; everything after the
 * create (status, batch reads, comments, webhooks) goes through the plain issue adapter, because the request is an
 * issue of the service desk's project carrying the same correlation label and property. Cloud speaks through
 * jira.js's service-desk client, Data Center over REST (jsm-datacenter.ts); the two differ only in the pieces built
 * here.
 */
import { browseUrlOf } from '../browse-url.ts';
import type { Client } from 'jira.js/core';
import type { Logger } from 'pino';
import type { ChosenRoute } from '../../../domain/routing.ts';
import type { TicketRef } from '../../../domain/ticket.ts';
import type { ApprovalTickets } from '../../approval-tickets.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import type { CreateTicketInput, TicketSystem } from '../../ticket-system.ts';
import { createDcClient, type DcAuth } from '../datacenter/dc-client.ts';
import { fitWiki } from '../datacenter/dc-tickets.ts';
import { createDcUserFinder } from '../datacenter/find-user-dc.ts';
import { cloudUserSearch, createCloudUserFinder } from '../find-user-cloud.ts';
import { createJsmApprovals, type JsmApprovalsDeps } from './approval-requests.ts';
import { cloudCorrelationWriter, dataCenterCorrelationWriter, type CorrelationWriter } from './correlation-writer.ts';
import { createJsmRequest, type JsmRequestDeps } from './create-request.ts';
import type { CreateRequestBody, JsmApi } from './jsm-api.ts';
import { createCloudJsmApi } from './jsm-cloud.ts';
import { createDataCenterJsmApi } from './jsm-datacenter.ts';
import { isJsmTarget, type JsmTarget, type JsmTargetFields } from './jsm-target.ts';
import { createFieldsReader, jsmOnlineChecks, type OnlineCheck } from './request-type-fields.ts';
import { createRequestTypeResolver } from './resolve-request-type.ts';
import { createServiceDeskResolver } from './resolve-service-desk.ts';

/** The task's user in the desk (Cloud: accountId; Data Center: username), or why the lookup found nobody. */
export type DeskUser = { id: string } | { id?: undefined; reason: string };

export interface JsmRequestsOptions {
  api: JsmApi;
  correlation: CorrelationWriter;
  findUser: (email: string | undefined) => Promise<DeskUser>;
  browseUrl: (key: string) => string;
  timeZone: string;
  logger?: Logger | undefined;
}

export interface JsmRequests {
  create(input: CreateTicketInput, target: JsmTarget): Promise<TicketRef>;
  /** A request found again by its label (crash recovery): its service desk's project and its portal link, as at create. */
  found(ref: TicketRef, target: JsmTarget): Promise<TicketRef>;
  onlineChecks(routes: ReadonlyArray<[who: string, target: JsmTargetFields]>): OnlineCheck[];
  /** Approval requests of `for: approval` JSM routes; the approver's words are the request's last comment (`lastComment`). */
  approvals(lastComment?: JsmApprovalsDeps['lastComment']): ApprovalTickets;
}

export function createJsmRequests(options: JsmRequestsOptions): JsmRequests {
  const { api } = options;
  const deps: JsmRequestDeps = {
    api,
    resolveServiceDesk: createServiceDeskResolver(api),
    resolveRequestType: createRequestTypeResolver(api),
    fieldsOf: createFieldsReader(api),
    correlation: options.correlation,
    browseUrl: options.browseUrl,
  };

  /**
   * `raiseOnBehalfOf: subject`: the user found by email, else the reason it is raised as the bridge's account. A
   * permanent lookup failure counts as not found (the request is still opened); a passing one (429, 5xx) is retried
   * by the job like any call.
   */
  async function onBehalfOf(input: CreateTicketInput, target: JsmTarget): Promise<{ raiseOnBehalfOf?: string; notRaisedForUser?: string }> {
    if (target.raiseOnBehalfOf !== 'subject') return {};
    let user: DeskUser;
    try {
      user = await options.findUser(input.request.subject.email);
    } catch (error) {
      if (!(error instanceof TicketSystemError) || error.retryable) throw error;
      user = { reason: `the user lookup failed (${error.message})` };
    }
    if (user.id !== undefined) return { raiseOnBehalfOf: user.id };
    options.logger?.warn({ taskId: input.request.taskId, stepId: input.request.stepId, route: input.route.name, reason: user.reason }, "raising the request as the bridge's account: the task's user was not found in Jira");
    return { notRaisedForUser: user.reason };
  }

  return {
    async create(input, target) {
      const ref = await createJsmRequest(deps, { target, request: input.request, scope: { timeZone: options.timeZone }, ...(await onBehalfOf(input, target)) });
      // The route's own labels, as a plain issue carries them; the correlation label is already on.
      for (const label of (target as { labels?: readonly string[] }).labels ?? []) await options.correlation.addLabel(ref.id, label);
      return ref;
    },
    async found(ref, target) {
      const desk = await deps.resolveServiceDesk(target.serviceDesk);
      const request = await api.getRequest(ref.id);
      return { ...ref, container: desk.projectKey, url: request._links?.web ?? ref.url };
    },
    onlineChecks: (routes) => jsmOnlineChecks(deps, routes),
    approvals: (lastComment) => createJsmApprovals({ ...deps, ...(lastComment === undefined ? {} : { lastComment }) }, jsmTargetOf, { timeZone: options.timeZone }),
  };
}

function jsmTargetOf(route: ChosenRoute): JsmTarget | undefined {
  const target = route.target.jira;
  return target !== undefined && isJsmTarget(target) ? target : undefined;
}

/**
 * The plain approval issues of `base`, with those of JSM routes sent to `jsm`: a read goes by the route that opened the
 * ticket (`routeTarget(ref.route)`), so a JSM request is decided by its approvals' finalDecision and a plain issue by
 * its route's status lists. JSM's Approval carries no comment: the approver's words are the request's last comment,
 * read as on a plain issue.
 */
function withJsmApprovals(plain: ApprovalTickets, jsm: JsmRequests, routeTarget: (route: string | undefined) => JsmTargetFields | undefined): ApprovalTickets {
  const requests = jsm.approvals(async (ref) => (await plain.read(ref)).words);
  const isJsmRoute = (route: string | undefined) => {
    const target = routeTarget(route);
    return target !== undefined && isJsmTarget(target);
  };
  return {
    create: (input) => (jsmTargetOf(input.route) === undefined ? plain.create(input) : requests.create(input)),
    read: (ref) => (isJsmRoute(ref.route) ? requests.read(ref) : plain.read(ref)),
  };
}

/**
 * The desk's adapter, with the creates (and the finds after a crash) of JSM routes sent to `jsm`, and their approval
 * requests too; `routeTarget` is a route's jira target by name.
 */
export function withJsmRequests(base: TicketSystem, jsm: JsmRequests, routeTarget: (route: string | undefined) => JsmTargetFields | undefined): TicketSystem {
  return {
    ...base,
    ...(base.approvals === undefined ? {} : { approvals: withJsmApprovals(base.approvals, jsm, routeTarget) }),
    create(input) {
      const target = jsmTargetOf(input.route);
      return target === undefined ? base.create(input) : jsm.create(input, target);
    },
    async findByTask(taskId, stepId, route) {
      const found = await base.findByTask(taskId, stepId, route);
      const target = jsmTargetOf(route);
      return found === undefined || target === undefined ? found : jsm.found(found, target);
    },
  };
}

function wikiDescription(body: CreateRequestBody): CreateRequestBody {
  const description = body.requestFieldValues['description'];
  return typeof description === 'string' ? { ...body, requestFieldValues: { ...body.requestFieldValues, description: fitWiki(description) } } : body;
}


export interface JsmDeskOptions {
  baseUrl: string;
  timeZone: string;
  logger?: Logger | undefined;
}

/** Jira Cloud: jira.js's service-desk client on the desk's core client; the user by `user/search?query=`. */
export function cloudJsmRequests(client: Client, options: JsmDeskOptions): JsmRequests {
  const findUser = createCloudUserFinder(cloudUserSearch(client));
  return createJsmRequests({
    api: createCloudJsmApi(client),
    correlation: cloudCorrelationWriter(client),
    findUser: async (email) => {
      const user = await findUser(email);
      return user.accountId === undefined ? { reason: user.reason } : { id: user.accountId };
    },
    browseUrl: browseUrlOf(options.baseUrl),
    timeZone: options.timeZone,
    logger: options.logger,
  });
}

/** Jira Data Center: the JSM REST API and REST v2 over fetch with the desk's PAT or username and password. */
export function dataCenterJsmRequests(options: JsmDeskOptions & { auth: DcAuth; fetch?: typeof fetch | undefined }): JsmRequests {
  const fetchOption = options.fetch === undefined ? {} : { fetch: options.fetch };
  const client = createDcClient({ baseUrl: options.baseUrl, auth: options.auth, ...fetchOption });
  const findUser = createDcUserFinder(client);
  const auth = 'token' in options.auth ? { type: 'bearer' as const, token: options.auth.token } : { type: 'basic' as const, ...options.auth };
  const api = createDataCenterJsmApi({ baseUrl: options.baseUrl, auth, ...fetchOption });
  return createJsmRequests({
    // Data Center renders a description as wiki markup: the text (C1's values in it) is escaped as on a plain issue.
    api: { ...api, createRequest: (body) => api.createRequest(wikiDescription(body)) },
    correlation: dataCenterCorrelationWriter(client),
    findUser: async (email) => {
      const user = await findUser(email);
      return user.username === undefined ? { reason: user.reason } : { id: user.username };
    },
    browseUrl: browseUrlOf(options.baseUrl),
    timeZone: options.timeZone,
    logger: options.logger,
  });
}
