/**
 * ServiceNow behind the TicketSystem interface, over the Table API (ServiceNow's reference, "Table API":
 * POST/GET /api/now/table/{tableName}, GET/PATCH /api/now/table/{tableName}/{sys_id}; answers `{"result": …}`,
 * errors `{"error": {"message", "detail"}, "status": "failure"}`).
 */
import type { BridgeConfig } from '../../config/schema.ts';
import type { ChosenRoute } from '../../domain/routing.ts';
import { DEFAULT_SCOPE_OPTIONS } from '../../domain/template-scope.ts';
import { parseRetryAfter, TicketSystemError } from '../ticket-error.ts';
import type { CreateTicketInput, TicketRef, TicketStatus, TicketSystem } from '../ticket-system.ts';
import { createServiceNowAuth } from './servicenow-auth.ts';
import { serviceNowOutcome } from './servicenow-outcome.ts';
import { serviceNowCorrelationId, serviceNowRecordBody } from './record-body.ts';

export { serviceNowCorrelationId } from './record-body.ts';

type ServiceNowConfig = NonNullable<BridgeConfig['servicenow']>;
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

export interface ServiceNowTicketsOptions {
  config: ServiceNowConfig;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** `templates.timeZone`: the zone times are written in on records. */
  timeZone?: string;
}

interface SnRecord {
  sys_id?: string;
  number?: string;
  state?: string;
}

export function createServiceNowTickets(options: ServiceNowTicketsOptions): TicketSystem {
  const { config } = options;
  const fetchImpl = options.fetch ?? fetch;
  const instance = config.instanceUrl.replace(/\/+$/, '');
  const auth = createServiceNowAuth(
    config.oauth !== undefined
      ? { kind: 'oauth', clientId: config.oauth.clientId, clientSecret: config.oauth.clientSecret, tokenUrl: config.oauth.tokenUrl ?? `${instance}/oauth_token.do` }
      : { kind: 'basic', username: config.username ?? '', password: config.password ?? '' },
    fetchImpl,
  );

  const fail = (code: TicketSystemError['code'], message: string, extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) =>
    new TicketSystemError({ system: 'servicenow', code, message, ...extra });

  async function call(action: string, method: string, path: string, body?: unknown): Promise<unknown> {
    // Outside the try: a token refusal is its own (already classified) error, not "no answer".
    const authorization = await auth.header();
    let response: Response;
    try {
      response = await fetchImpl(`${instance}${path}`, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw fail('ticket_system_unavailable', `ServiceNow ${action}: no answer (${(error as Error).message})`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    const what = `ServiceNow ${action}: answered ${response.status.toString()}`;
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw fail('ticket_system_rate_limited', `${what} (rate limited)`, { status: 429, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    if (response.status >= 500) throw fail('ticket_system_unavailable', what, { status: response.status });
    // A hibernating developer instance answers 200 with an HTML wake-up page: no ticket, and worth retrying.
    if (!/^application\/json/i.test(response.headers.get('content-type') ?? '')) {
      throw fail('ticket_system_unavailable', `${what} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON (is the instance hibernating?)`, { status: response.status });
    }
    let json: { result?: unknown; error?: { message?: string; detail?: string } };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (error) {
      throw fail('ticket_system_invalid_answer', `${what} with a body that is not JSON`, { status: response.status, cause: error });
    }
    if (response.status === 401) auth.invalidate();
    if (response.status >= 300) {
      const detail = [json.error?.message, json.error?.detail].filter(Boolean).join(': ');
      throw fail('ticket_system_rejected', `${what}${detail === '' ? '' : `: ${detail}`}`, { status: response.status });
    }
    return json.result;
  }

  const tableOf = (route: ChosenRoute): Table => {
    const table = route.target.servicenow?.table;
    if (table === undefined) throw new Error(`route ${route.name} has no servicenow target`);
    return table;
  };
  const ref = (table: Table, record: SnRecord): TicketRef => {
    if (record.sys_id === undefined) throw fail('ticket_system_invalid_answer', 'ServiceNow: the record has no sys_id');
    return {
      system: 'servicenow',
      key: record.number ?? record.sys_id,
      id: record.sys_id,
      url: `${instance}/${table}.do?sys_id=${encodeURIComponent(record.sys_id)}`,
      container: table,
    };
  };
  const tablePath = (table: string, sysId?: string) => `/api/now/table/${encodeURIComponent(table)}${sysId === undefined ? '' : `/${encodeURIComponent(sysId)}`}`;

  const statusOf = (ticket: TicketRef, record: SnRecord | undefined): TicketStatus => {
    const code = Number.parseInt(record?.state ?? '', 10);
    const label = STATE_LABELS[ticket.container]?.[code];
    return serviceNowOutcome(record?.state, config.states[ticket.container as Table], label === undefined ? undefined : `${label} (${code.toString()})`);
  };

  return {
    name: 'servicenow',
    // The Table API reads the table itself: a record is found by correlation_id as soon as it is created.
    searchLagMs: 0,
    batchSize: SN_BATCH_SIZE,

    async create({ request, route }: CreateTicketInput) {
      const table = tableOf(route);
      const target = route.target.servicenow ?? { table, fields: {} };
      const record = serviceNowRecordBody(target, request, { timeZone: options.timeZone ?? DEFAULT_SCOPE_OPTIONS.timeZone });
      const result = (await call(`create ${table}`, 'POST', `${tablePath(table)}?sysparm_fields=sys_id,number,state`, record)) as SnRecord | undefined;
      return ref(table, result ?? {});
    },

    async findByTask(taskId, stepId, route) {
      const table = tableOf(route);
      // `^` separates terms of an encoded query; ids never hold one, but a stray one must not widen the query.
      const id = serviceNowCorrelationId(taskId, stepId).replaceAll('^', '^^');
      const query = new URLSearchParams({ sysparm_query: `correlation_id=${id}`, sysparm_fields: 'sys_id,number,state', sysparm_limit: '1' });
      const result = (await call(`find ${table} by correlation_id`, 'GET', `${tablePath(table)}?${query.toString()}`)) as SnRecord[] | undefined;
      const first = result?.[0];
      return first === undefined ? undefined : ref(table, first);
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
            sysparm_fields: 'sys_id,number,state',
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
      // The record the bridge created, by its sys_id in its own table: a copy carrying the same correlation_id, or an
      // event naming another table, changes nothing here.
      const query = new URLSearchParams({ sysparm_fields: 'sys_id,number,state' });
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
  };
}
