/**
 * The fake ServiceNow's Service Catalog, sys_choice and sys_user behaviour, mounted by `servicenow.ts` through one
 * hook. Wire formats from ServiceNow's public reference and C1's own connector:
 * - Service Catalog API (docs.servicenow.com, "Service Catalog API"):
 *   - GET /api/sn_sc/servicecatalog/items?sysparm_text=… → `{"result": [{sys_id, name, short_description}]}`.
 *   - GET /api/sn_sc/servicecatalog/items/{sys_id} → `{"result": {sys_id, name, …, variables: [{name, label, type,
 *     mandatory}]}}`; 400 for an unknown sys_id ("Invalid sys_id").
 *   - POST /api/sn_sc/servicecatalog/items/{sys_id}/order_now `{sysparm_quantity, sysparm_requested_for, variables}`
 *     → `{"result": {request_number, request_id}}` (ConductorOne/baton-servicenow `pkg/servicenow/model.go`
 *     `OrderItemPayload`, `RequestInfo`). An instance with two-step checkout answers `{"result": {cart_id}}` instead
 *     (servicenow.com community itsm-forum, "order_now only returns cart_id").
 *   - POST /api/sn_sc/servicecatalog/cart/submit_order (no body) → `{"result": {request_number, request_id}}`; 400
 *     when the cart is empty (docs.servicenow.com r_SCatAPISubmitOrderPOST). The cart belongs to the caller.
 *   Ordering creates one sc_request (REQ) and one sc_req_item (RITM) per unit of quantity, with `request`,
 *   `cat_item`, `requested_for`, `state` 1 and `stage` request_approved; variables are kept per RITM (`variablesOf`).
 * - Table API encoded queries (`field=value^field=value`, `^^` an escaped caret) on any table, which is how
 *   sys_user (`active=true^email=…`), sys_choice (`name=sc_req_item^element=state^inactive=false`, as
 *   baton-servicenow's `GetServiceCatalogRequestedItemStates` reads it) and RITMs of a request (`request=<sys_id>`)
 *   are read.
 * - Rate limits (docs.servicenow.com, "Inbound REST API rate limiting"): a matching rule adds `X-RateLimit-Limit`,
 *   `X-RateLimit-Reset` (Unix seconds) and `X-RateLimit-Rule`; over the limit, 429 with `Retry-After` (seconds).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from '../../sandbox/listen.ts';

export type Row = Record<string, string> & { sys_id: string };

export interface CatalogVariable {
  name: string;
  label?: string;
  type?: string;
  mandatory?: boolean;
}

export interface CatalogState {
  /** The fake's tables (shared with the Table API). */
  table(name: string): Map<string, Row>;
  nextNumber(prefix: string): string;
  /** Two-step checkout: order_now puts the item in the caller's cart and answers only the cart id. */
  twoStepCheckout: boolean;
}

export interface FakeCatalog {
  /** The sys_user the bridge's credentials act as: what ServiceNow uses when an order names no requested_for. */
  bridgeUserId: string;
  /** Adds an active catalog item with these variables; returns its sys_id. */
  addItem(name: string, variables: CatalogVariable[]): string;
  /** Adds an active sys_user; returns its sys_id. */
  addUser(user: { email: string; name?: string; user_name?: string }): string;
  /** Adds a sys_choice row (`name` = table, `element` = field). */
  addChoice(table: string, element: string, value: string, label: string): void;
  /** The variables a RITM was ordered with. */
  variablesOf(ritmSysId: string): Record<string, string> | undefined;
  /** The body of every order placed, in order. */
  orders: Array<{ item: string; body: Record<string, unknown> }>;
  handle(request: RecordedRequest, response: ServerResponse): boolean;
  reset(): void;
}

const sysId = () => randomBytes(16).toString('hex');

/** `a=b^c=d`, with `^^` an escaped caret inside a value; only equality terms, which is all the bridge sends. */
export function encodedQueryFilter(query: string): (row: Record<string, string>) => boolean {
  if (query === '') return () => true;
  const terms = query
    .replaceAll('^^', '\u0000')
    .split('^')
    .map((term) => term.replaceAll('\u0000', '^'))
    .map((term) => {
      const cut = term.indexOf('=');
      return [term.slice(0, cut), term.slice(cut + 1)] as const;
    });
  return (row) => terms.every(([field, value]) => (row[field] ?? '') === value);
}

const OOB_CHOICES: Array<[table: string, element: string, value: string, label: string]> = [
  // OOB state choices: task's (which sc_task and sc_req_item inherit) and incident's own; typical RITM stages.
  ['task', 'state', '-5', 'Pending'],
  ['task', 'state', '1', 'Open'],
  ['task', 'state', '2', 'Work in Progress'],
  ['task', 'state', '3', 'Closed Complete'],
  ['task', 'state', '4', 'Closed Incomplete'],
  ['task', 'state', '7', 'Closed Skipped'],
  ['incident', 'state', '1', 'New'],
  ['incident', 'state', '2', 'In Progress'],
  ['incident', 'state', '3', 'On Hold'],
  ['incident', 'state', '6', 'Resolved'],
  ['incident', 'state', '7', 'Closed'],
  ['incident', 'state', '8', 'Canceled'],
  ['sc_req_item', 'stage', 'waiting_for_approval', 'Waiting for Approval'],
  ['sc_req_item', 'stage', 'request_approved', 'Request Approved'],
  ['sc_req_item', 'stage', 'fulfillment', 'Fulfillment'],
  ['sc_req_item', 'stage', 'complete', 'Completed'],
  ['sc_req_item', 'stage', 'Request Cancelled', 'Request Cancelled'],
];

export function createFakeCatalog(state: CatalogState): FakeCatalog {
  const variables = new Map<string, CatalogVariable[]>();
  const ritmVariables = new Map<string, Record<string, string>>();
  const carts = new Map<string, Array<{ item: string; body: Record<string, unknown> }>>();

  const bridgeUserId = sysId();
  const seed = () => {
    for (const [table, element, value, label] of OOB_CHOICES) catalog.addChoice(table, element, value, label);
    state.table('sys_user').set(bridgeUserId, { sys_id: bridgeUserId, email: 'bridge@acme.example', name: 'C1 Ticket Bridge', user_name: 'bridge', active: 'true' });
  };

  const placeOrder = (caller: string, lines: Array<{ item: string; body: Record<string, unknown> }>) => {
    const request: Row = { sys_id: sysId(), number: state.nextNumber('REQ'), request_state: 'requested', state: '1', correlation_id: '' };
    const requestedFor = String(lines[0]?.body['sysparm_requested_for'] ?? caller);
    request['requested_for'] = requestedFor;
    state.table('sc_request').set(request.sys_id, request);
    for (const line of lines) {
      const quantity = Number(line.body['sysparm_quantity'] ?? 1);
      for (let unit = 0; unit < quantity; unit += 1) {
        const ritm: Row = {
          sys_id: sysId(),
          number: state.nextNumber('RITM'),
          request: request.sys_id,
          cat_item: line.item,
          requested_for: String(line.body['sysparm_requested_for'] ?? caller),
          opened_by: caller,
          state: '1',
          stage: 'request_approved',
          correlation_id: '',
          short_description: state.table('sc_cat_item').get(line.item)?.['name'] ?? '',
        };
        state.table('sc_req_item').set(ritm.sys_id, ritm);
        const given = (line.body['variables'] ?? {}) as Record<string, unknown>;
        ritmVariables.set(ritm.sys_id, Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)])));
      }
    }
    return { request_number: request.number, request_id: request.sys_id };
  };

  const catalog: FakeCatalog = {
    bridgeUserId,
    orders: [],
    addItem(name, list) {
      const id = sysId();
      state.table('sc_cat_item').set(id, { sys_id: id, name, short_description: name, active: 'true' });
      variables.set(id, list);
      return id;
    },
    addUser(user) {
      const id = sysId();
      state.table('sys_user').set(id, { sys_id: id, email: user.email, name: user.name ?? user.email, user_name: user.user_name ?? user.email.split('@')[0] ?? '', active: 'true' });
      return id;
    },
    addChoice(table, element, value, label) {
      const id = sysId();
      state.table('sys_choice').set(id, { sys_id: id, name: table, element, value, label, language: 'en', inactive: 'false' });
    },
    variablesOf: (ritm) => ritmVariables.get(ritm),
    handle(request, response) {
      const caller = bridgeUserId;
      const url = new URL(request.path, 'http://fake');
      const path = url.pathname.replace('/api/sn_sc/v1/', '/api/sn_sc/');
      if (!path.startsWith('/api/sn_sc/servicecatalog/')) return false;
      const invalid = (message: string) => sendJson(response, 400, { error: { message, detail: '' }, status: 'failure' });
      if (request.method === 'GET' && path === '/api/sn_sc/servicecatalog/items') {
        const text = (url.searchParams.get('sysparm_text') ?? '').toLowerCase();
        const found = [...state.table('sc_cat_item').values()].filter((item) => item['name']?.toLowerCase().includes(text));
        sendJson(response, 200, { result: found.map((item) => ({ sys_id: item.sys_id, name: item['name'], short_description: item['short_description'] })) });
        return true;
      }
      const item = /^\/api\/sn_sc\/servicecatalog\/items\/([0-9a-f]{32})(\/order_now)?$/.exec(path);
      if (item?.[1] !== undefined) {
        const row = state.table('sc_cat_item').get(item[1]);
        if (row === undefined) {
          invalid('Invalid sys_id');
          return true;
        }
        if (request.method === 'GET' && item[2] === undefined) {
          const list = (variables.get(row.sys_id) ?? []).map((v) => ({ name: v.name, label: v.label ?? v.name, type: v.type ?? '6', mandatory: v.mandatory ?? false }));
          sendJson(response, 200, { result: { sys_id: row.sys_id, name: row['name'], short_description: row['short_description'], variables: list } });
          return true;
        }
        if (request.method === 'POST' && item[2] !== undefined) {
          const body = JSON.parse(request.body === '' ? '{}' : request.body) as Record<string, unknown>;
          const line = { item: row.sys_id, body };
          catalog.orders.push(line);
          if (state.twoStepCheckout) {
            carts.set(caller, [...(carts.get(caller) ?? []), line]);
            sendJson(response, 200, { result: { cart_id: `cart-${caller.slice(0, 8)}` } });
          } else {
            sendJson(response, 200, { result: placeOrder(caller, [line]) });
          }
          return true;
        }
      }
      if (request.method === 'POST' && path === '/api/sn_sc/servicecatalog/cart/submit_order') {
        const lines = carts.get(caller) ?? [];
        carts.delete(caller);
        if (lines.length === 0) invalid('Cart is empty');
        else sendJson(response, 200, { result: placeOrder(caller, lines) });
        return true;
      }
      invalid(`No such Service Catalog resource: ${request.method} ${path}`);
      return true;
    },
    reset() {
      variables.clear();
      ritmVariables.clear();
      carts.clear();
      catalog.orders.length = 0;
      seed();
    },
  };
  seed();
  return catalog;
}
