/**
 * Ordering a catalog item through ServiceNow's Service Catalog API, which runs the item's flow, variables and
 * approvals (the Table API would skip them):
 * - `GET /api/sn_sc/servicecatalog/items?sysparm_text=…` finds an item by name; `GET …/items/{sys_id}` gives its
 *   variables (name, label, type, mandatory).
 * - `POST …/items/{sys_id}/order_now` answers `{request_number, request_id}`; an instance set up for two-step checkout
 *   answers only `{cart_id}`, and `POST /api/sn_sc/servicecatalog/cart/submit_order` then places the order.
 * - The requested items (RITMs) of the request are `sc_req_item` rows with `request=<request_id>`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TicketSystemError } from '../ticket-error.ts';
import { serviceNowFailure, type ServiceNowCall } from './servicenow-client.ts';

export interface CatalogItemVariable {
  name: string;
  label?: string;
  type?: string;
  mandatory?: boolean | string;
}

export interface CatalogItem {
  sysId: string;
  name: string;
}

export interface PlacedOrder {
  requestNumber: string;
  requestId: string;
}

export interface RequestedItem {
  sys_id: string;
  number: string;
  state?: string;
  stage?: string;
}

const SYS_ID = /^[0-9a-f]{32}$/;
const CATALOG = '/api/sn_sc/servicecatalog';

export function isSysId(value: string): boolean {
  return SYS_ID.test(value);
}

const AFTER_ORDER_TRIES = 5;
const AFTER_ORDER_WAIT_CAP_MS = 30_000;

/**
 * Runs a step that follows a placed order until it succeeds. A retry of the whole job would order the item a second
 * time (the requested items carry no correlation yet), so transient failures (429 with its Retry-After, 5xx, no
 * answer) are waited out here; if they last, the job fails for good with the request's number for a person to see.
 */
export async function afterOrder<T>(order: PlacedOrder, step: () => Promise<T>, wait: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof TicketSystemError)) throw error;
      if (!error.retryable || attempt >= AFTER_ORDER_TRIES) {
        throw serviceNowFailure('ticket_system_rejected', `ServiceNow placed request ${order.requestNumber}, but the bridge could not mark its requested items (${error.message}); not retried, so the item is not ordered twice: mark or cancel ${order.requestNumber} by hand`, { cause: error });
      }
      await wait(Math.min(error.retryAfterMs ?? 500 * 2 ** (attempt - 1), AFTER_ORDER_WAIT_CAP_MS));
    }
  }
}

export function createCatalogOrders(call: ServiceNowCall) {
  const itemIds = new Map<string, CatalogItem>();
  // The cart belongs to the account the bridge signs in as: two orders of this process must not share it.
  let ordering: Promise<unknown> = Promise.resolve();

  async function resolveItem(nameOrId: string): Promise<CatalogItem> {
    if (isSysId(nameOrId)) return { sysId: nameOrId, name: nameOrId };
    const cached = itemIds.get(nameOrId.toLowerCase());
    if (cached !== undefined) return cached;
    const query = new URLSearchParams({ sysparm_text: nameOrId, sysparm_limit: '100' });
    const found = ((await call(`find catalog item "${nameOrId}"`, 'GET', `${CATALOG}/items?${query.toString()}`)) ?? []) as Array<{ sys_id?: string; name?: string }>;
    const same = found.filter((item) => item.name?.toLowerCase() === nameOrId.toLowerCase() && item.sys_id !== undefined);
    if (same.length !== 1) {
      throw serviceNowFailure(
        'ticket_system_rejected',
        same.length === 0 ? `ServiceNow has no catalog item named "${nameOrId}" that the bridge's account may order` : `ServiceNow has ${same.length.toString()} catalog items named "${nameOrId}": give the sys_id`,
      );
    }
    const item = { sysId: same[0]?.sys_id ?? '', name: same[0]?.name ?? nameOrId };
    itemIds.set(nameOrId.toLowerCase(), item);
    return item;
  }

  async function itemVariables(item: CatalogItem): Promise<{ name: string; variables: CatalogItemVariable[] }> {
    const result = (await call(`read catalog item ${item.name}`, 'GET', `${CATALOG}/items/${item.sysId}`)) as { name?: string; variables?: CatalogItemVariable[] } | undefined;
    return { name: result?.name ?? item.name, variables: result?.variables ?? [] };
  }

  async function placeOrder(item: CatalogItem, body: unknown): Promise<PlacedOrder> {
    const run = async (): Promise<PlacedOrder> => {
      let result = (await call(`order ${item.name}`, 'POST', `${CATALOG}/items/${item.sysId}/order_now`, body)) as { request_id?: string; request_number?: string; cart_id?: string } | undefined;
      if (result?.request_id === undefined && result?.cart_id !== undefined) {
        result = (await call(`submit the cart of ${item.name}`, 'POST', `${CATALOG}/cart/submit_order`)) as typeof result;
      }
      if (result?.request_id === undefined || result.request_number === undefined) {
        throw serviceNowFailure('ticket_system_invalid_answer', `ServiceNow order ${item.name}: the answer names no request (request_id, request_number)`);
      }
      return { requestNumber: result.request_number, requestId: result.request_id };
    };
    const placed = ordering.then(run, run);
    ordering = placed.catch(() => undefined);
    return placed;
  }

  async function requestedItems(order: PlacedOrder): Promise<RequestedItem[]> {
    const query = new URLSearchParams({ sysparm_query: `request=${order.requestId}`, sysparm_fields: 'sys_id,number,state,stage', sysparm_limit: '100' });
    const rows = ((await call(`find the requested items of ${order.requestNumber}`, 'GET', `/api/now/table/sc_req_item?${query.toString()}`)) ?? []) as RequestedItem[];
    const items = rows.filter((row) => typeof row.sys_id === 'string' && typeof row.number === 'string').sort((a, b) => a.number.localeCompare(b.number));
    if (items.length === 0) throw serviceNowFailure('ticket_system_invalid_answer', `ServiceNow request ${order.requestNumber} has no requested item`);
    return items;
  }

  return { resolveItem, itemVariables, placeOrder, requestedItems };
}

export type CatalogOrders = ReturnType<typeof createCatalogOrders>;
