/**
 * ServiceNow behind the TicketSystem interface: a Table API record (ServiceNow's reference, "Table API":
 * POST/GET /api/now/table/{tableName}, GET/PATCH /api/now/table/{tableName}/{sys_id}), or a Service Catalog order
 * tracked as its requested item (see catalog-order.ts).
 */
import type { Logger } from 'pino';
import type { ServiceNowConfig } from './servicenow-config.ts';
import type { TicketRequest } from '../../domain/provisioning-request.ts';
import type { ChosenRoute } from '../../domain/routing.ts';
import { DEFAULT_SCOPE_OPTIONS } from '../../domain/template-scope.ts';
import { TicketSystemError } from '../ticket-error.ts';
import type { CreateTicketInput, TicketSystem } from '../ticket-system.ts';
import type { TicketRef, TicketStatus } from '../../domain/ticket.ts';
import { catalogOrderBody, requestedForNote, requestedItemFields } from './catalog-body.ts';
import { afterOrder, createCatalogOrders } from './catalog-order.ts';
import { createUserFinder } from './find-user.ts';
import { createServiceNowClient, serviceNowFailure } from './servicenow-client.ts';
import { serviceNowOutcome } from './servicenow-outcome.ts';
import { createServiceNowApprovals } from './approval-records.ts';
import { serviceNowCorrelationId, serviceNowRecordBody, type RequestedFor, type ServiceNowTarget } from './record-body.ts';

export { serviceNowCorrelationId } from './record-body.ts';

type Table = 'incident' | 'sc_task' | 'sc_req_item';

/** Records read per Table API query (`sys_idIN…`, one page of `sysparm_limit`). */
export const SN_BATCH_SIZE = 100;

const STATE_LABELS: Record<string, Record<number, string>> = {
  incident: { 1: 'New', 2: 'In Progress', 3: 'On Hold', 6: 'Resolved', 7: 'Closed', 8: 'Canceled' },
  sc_task: { 1: 'Open', 2: 'Work in Progress', 3: 'Closed Complete', 4: 'Closed Incomplete', 7: 'Closed Skipped', '-5': 'Pending' },
  sc_req_item: { 1: 'Open', 2: 'Work in Progress', 3: 'Closed Complete', 4: 'Closed Incomplete', 7: 'Closed Skipped', '-5': 'Pending' },
};

export function parseCorrelationId(value: string): { taskId: string; stepId: string } {
  const cut = value.indexOf(':');
  return cut === -1 ? { taskId: value, stepId: value } : { taskId: value.slice(0, cut), stepId: value.slice(cut + 1) };
}

/** The credentials of a `servicenow` section: OAuth client credentials when given, else basic auth. */
export function serviceNowCredentials(config: ServiceNowConfig) {
  const instance = config.instanceUrl.replace(/\/+$/, '');
  return config.oauth !== undefined
    ? { kind: 'oauth' as const, clientId: config.oauth.clientId, clientSecret: config.oauth.clientSecret, tokenUrl: config.oauth.tokenUrl ?? `${instance}/oauth_token.do` }
    : { kind: 'basic' as const, username: config.username ?? '', password: config.password ?? '' };
}

export interface ServiceNowTicketsOptions {
  config: ServiceNowConfig;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** `templates.timeZone`: the zone times are written in on records. */
  timeZone?: string;
  logger?: Logger;
  /** The clock rate-limit resets are measured against (tests). */
  now?: () => number;
}

interface SnRecord {
  sys_id?: string;
  number?: string;
  state?: string;
  stage?: string;
  request?: string;
}

export function createServiceNowTickets(options: ServiceNowTicketsOptions): TicketSystem {
  const { config } = options;
  const instance = config.instanceUrl.replace(/\/+$/, '');
  const call = createServiceNowClient({
    instanceUrl: instance,
    credentials: serviceNowCredentials(config),
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const findUser = createUserFinder(call);
  const catalog = createCatalogOrders(call);
  const scope = { timeZone: options.timeZone ?? DEFAULT_SCOPE_OPTIONS.timeZone };

  const targetOf = (route: ChosenRoute): ServiceNowTarget => {
    const target = route.target.servicenow;
    if (target === undefined) throw new Error(`route ${route.name} has no servicenow target`);
    return target;
  };
  const ref = (table: string, record: SnRecord, request?: string): TicketRef => {
    if (record.sys_id === undefined) throw serviceNowFailure('ticket_system_invalid_answer', 'ServiceNow: the record has no sys_id');
    return {
      system: 'servicenow',
      key: record.number ?? record.sys_id,
      id: record.sys_id,
      url: `${instance}/${table}.do?sys_id=${encodeURIComponent(record.sys_id)}`,
      container: table,
      ...(request === undefined ? {} : { request }),
    };
  };
  const tablePath = (table: string, sysId?: string) => `/api/now/table/${encodeURIComponent(table)}${sysId === undefined ? '' : `/${encodeURIComponent(sysId)}`}`;

  /** The task's user as the route wants it: found in sys_user, or a note and a log line (never a failed task). */
  async function requestedFor(target: ServiceNowTarget, request: TicketRequest): Promise<RequestedFor> {
    if (target.requestedFor !== 'subject') return {};
    const found = await findUser(request.subject.email);
    if (found.sysId !== undefined) return { sysId: found.sysId };
    options.logger?.warn({ taskId: request.taskId, stepId: request.stepId, reason: found.reason }, 'requested-for user not found in ServiceNow: the record is requested for the bridge\'s account');
    return { note: requestedForNote(request, found.reason) };
  }

  async function orderFromCatalog(target: ServiceNowTarget & { catalogItem: string }, request: TicketRequest): Promise<TicketRef> {
    const item = await catalog.resolveItem(target.catalogItem);
    const who = await requestedFor(target, request);
    const order = await catalog.placeOrder(item, catalogOrderBody(target, request, scope, who.sysId));
    const items = await afterOrder(order, () => catalog.requestedItems(order));
    const fields = requestedItemFields(target, request, scope, who.note);
    for (const ritm of items) await afterOrder(order, () => call(`mark ${ritm.number}`, 'PATCH', `${tablePath('sc_req_item', ritm.sys_id)}?sysparm_fields=sys_id`, fields));
    const { correlation_id, correlation_display } = fields;
    await afterOrder(order, () => call(`mark ${order.requestNumber}`, 'PATCH', `${tablePath('sc_request', order.requestId)}?sysparm_fields=sys_id`, { correlation_id, correlation_display }));
    const [tracked] = items;
    if (tracked === undefined) throw serviceNowFailure('ticket_system_invalid_answer', `ServiceNow request ${order.requestNumber} has no requested item`);
    options.logger?.info({ taskId: request.taskId, request: order.requestNumber, items: items.map((ritm) => ritm.number) }, 'catalog item ordered');
    return ref('sc_req_item', tracked, order.requestNumber);
  }

  const statusOf = (ticket: TicketRef, record: SnRecord | undefined): TicketStatus => {
    const code = Number.parseInt(record?.state ?? '', 10);
    const label = STATE_LABELS[ticket.container]?.[code];
    return serviceNowOutcome(
      record?.state,
      config.states[ticket.container as Table],
      label === undefined ? undefined : `${label} (${code.toString()})`,
      ticket.container === 'sc_req_item' ? { value: record?.stage, cancelled: config.cancelledStages } : undefined,
    );
  };

  return {
    name: 'servicenow',
    kind: 'servicenow',
    ticketNoun: 'ServiceNow record',
    // The Table API reads the table itself: a record is found by correlation_id as soon as it is created.
    searchLagMs: 0,
    batchSize: SN_BATCH_SIZE,

    async create({ request, route }: CreateTicketInput) {
      const target = targetOf(route);
      if (target.catalogItem !== undefined) return orderFromCatalog({ ...target, catalogItem: target.catalogItem }, request);
      const record = serviceNowRecordBody(target, request, scope, await requestedFor(target, request));
      const result = (await call(`create ${target.table}`, 'POST', `${tablePath(target.table)}?sysparm_fields=sys_id,number,state`, record)) as SnRecord | undefined;
      return ref(target.table, result ?? {});
    },

    async findByTask(taskId, stepId, route) {
      const target = targetOf(route);
      // `^` separates terms of an encoded query; ids never hold one, but a stray one must not widen the query.
      const id = serviceNowCorrelationId(taskId, stepId).replaceAll('^', '^^');
      const query = new URLSearchParams({ sysparm_query: `correlation_id=${id}`, sysparm_fields: 'sys_id,number,state,request', sysparm_limit: '1' });
      const result = (await call(`find ${target.table} by correlation_id`, 'GET', `${tablePath(target.table)}?${query.toString()}`)) as SnRecord[] | undefined;
      const first = result?.[0];
      if (first === undefined) return undefined;
      if (target.catalogItem === undefined || first.request === undefined || first.request === '') return ref(target.table, first);
      const parent = (await call(`read the request of ${first.number ?? ''}`, 'GET', `${tablePath('sc_request', first.request)}?sysparm_fields=number`)) as SnRecord | undefined;
      return ref(target.table, first, parent?.number);
    },

    async getStatuses(tickets) {
      const statuses = new Map<string, TicketStatus>();
      // sys_ids are 32 hex digits; nothing else may reach the encoded query (a comma or `^` would widen it).
      const valid = tickets.filter((ticket) => /^[0-9a-f]{32}$/.test(ticket.id));
      for (const table of new Set(valid.map((ticket) => ticket.container))) {
        const inTable = new Map(valid.filter((ticket) => ticket.container === table).map((ticket) => [ticket.id, ticket]));
        for (let offset = 0; ; offset += SN_BATCH_SIZE) {
          const query = new URLSearchParams({
            sysparm_query: `sys_idIN${[...inTable.keys()].join(',')}`,
            sysparm_fields: table === 'sc_req_item' ? 'sys_id,number,state,stage' : 'sys_id,number,state',
            sysparm_limit: String(SN_BATCH_SIZE),
            sysparm_offset: String(offset),
          });
          const page = ((await call(`read ${inTable.size.toString()} ${table} records`, 'GET', `${tablePath(table)}?${query.toString()}`)) as SnRecord[] | undefined) ?? [];
          for (const record of page) {
            const ticket = record.sys_id === undefined ? undefined : inTable.get(record.sys_id);
            if (ticket !== undefined) statuses.set(ticket.id, statusOf(ticket, record));
          }
          if (page.length < SN_BATCH_SIZE) break;
        }
      }
      return statuses;
    },

    async getStatus(ticket) {
      const ritm = ticket.container === 'sc_req_item';
      // The record the bridge created, by its sys_id in its own table: a copy carrying the same correlation_id, or an
      // event naming another table, changes nothing here. A requested item is decided from its state and stage.
      const query = new URLSearchParams({ sysparm_fields: ritm ? 'sys_id,number,state,stage' : 'sys_id,number,state' });
      let result: SnRecord | undefined;
      try {
        result = (await call(`get ${ticket.key}`, 'GET', `${tablePath(ticket.container, ticket.id)}?${query.toString()}`)) as SnRecord | undefined;
      } catch (error) {
        // "No Record found" (JSON 404 from the Table API): the record was deleted.
        if (error instanceof TicketSystemError && error.status === 404) return { final: true, outcome: 'errored', status: 'deleted', deleted: true };
        throw error;
      }
      return statusOf(ticket, result);
    },

    async probe() {
      const query = new URLSearchParams({ sysparm_limit: '1', sysparm_fields: 'sys_id' });
      await call('read sys_user', 'GET', `${tablePath('sys_user')}?${query.toString()}`);
      return 'Table API answers with these credentials';
    },

    async comment(ticket, text) {
      await call(`work note on ${ticket.key}`, 'PATCH', `${tablePath(ticket.container, ticket.id)}?sysparm_fields=sys_id`, { work_notes: text });
    },

    approvals: createServiceNowApprovals({ call, ref: (table, record) => ref(table, record), tablePath, scope }),
  };
}
