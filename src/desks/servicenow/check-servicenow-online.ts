/**
 * What `check-config --online` asks a ServiceNow instance beyond the credentials:
 * - each catalog route's item: its sys_id (resolved from the name), its variables, the mandatory ones the route
 *   leaves unfilled and the route's variables the item does not have (Service Catalog API, `GET …/items/{sys_id}`);
 * - each routed table's `state` choices (`sys_choice`, `name=<table>^element=state`, falling back to the `task`
 *   table's, the way ConductorOne's connector reads them): configured final states the instance does not have, and
 *   closed-looking choices the config leaves open, which would strand a task;
 * - the requested-item `stage` choices, and which of them count as cancelled.
 */
import type { DeskId } from '../desk-module.ts';
import type { ServiceNowConfig } from './servicenow-config.ts';
import { createCatalogOrders } from './catalog-order.ts';
import { createServiceNowClient, type ServiceNowCall } from './servicenow-client.ts';
import { isCancelledStage } from './servicenow-outcome.ts';
import { serviceNowCredentials } from './servicenow-tickets.ts';
import type { ServiceNowTarget } from './record-body.ts';

export type OnlineCheck = [name: string, run: () => Promise<string>];

interface Choice {
  value: string;
  label: string;
}

/** Labels ServiceNow gives to states a record does not leave again (OOB and common customisations). */
const LOOKS_FINAL = /^(closed|resolved|cancel+ed|complete)/i;

async function choices(call: ServiceNowCall, table: string, element: string): Promise<Choice[]> {
  const query = new URLSearchParams({ sysparm_query: `name=${table}^element=${element}^language=en^inactive=false`, sysparm_fields: 'value,label' });
  const rows = ((await call(`read ${table}.${element} choices`, 'GET', `/api/now/table/sys_choice?${query.toString()}`)) ?? []) as Array<Partial<Choice>>;
  return rows.filter((row): row is Choice => typeof row.value === 'string').map((row) => ({ value: row.value, label: row.label ?? row.value }));
}

const named = (list: Choice[]) => (list.length === 0 ? 'none' : list.map((choice) => `${choice.value} (${choice.label})`).join(', '));

async function checkStates(call: ServiceNowCall, config: ServiceNowConfig, table: 'incident' | 'sc_task' | 'sc_req_item'): Promise<string> {
  let list = await choices(call, table, 'state');
  if (list.length === 0) list = await choices(call, 'task', 'state');
  const states = config.states[table] ?? { complete: [], errored: [] };
  const of = (codes: readonly number[]) => list.filter((choice) => codes.includes(Number(choice.value)));
  const final = new Set([...states.complete, ...states.errored]);
  const problems: string[] = [];
  const missing = [...final].filter((code) => !list.some((choice) => Number(choice.value) === code));
  if (missing.length > 0) problems.push(`configured final state(s) ${missing.join(', ')} are not state choices of ${table}`);
  const stranding = list.filter((choice) => LOOKS_FINAL.test(choice.label) && !final.has(Number(choice.value)));
  if (problems.length > 0 || stranding.length > 0) {
    if (stranding.length > 0) problems.push(`${named(stranding)} look final but are in neither list, so a record closed so would never be reported`);
    throw new Error(`${problems.join('; ')}: set servicenow.states.${table} (the instance's states: ${named(list)})`);
  }
  const open = list.filter((choice) => !final.has(Number(choice.value)));
  return `complete ${named(of(states.complete))}; errored ${named(of(states.errored))}; open ${named(open)}`;
}

async function checkStages(call: ServiceNowCall, config: ServiceNowConfig): Promise<string> {
  const list = await choices(call, 'sc_req_item', 'stage');
  const cancelled = list.filter((choice) => isCancelledStage(choice.value, config.cancelledStages));
  return `${list.length.toString()} stage(s); counted as cancelled: ${named(cancelled)}${config.cancelledStages === undefined ? ' (any stage naming a cancellation; set servicenow.cancelledStages to list them)' : ''}`;
}

async function checkCatalogItem(catalog: ReturnType<typeof createCatalogOrders>, target: ServiceNowTarget & { catalogItem: string }): Promise<string> {
  const item = await catalog.resolveItem(target.catalogItem);
  const { name, variables } = await catalog.itemVariables(item);
  const mandatory = (variable: { mandatory?: boolean | string }) => variable.mandatory === true || variable.mandatory === 'true';
  const filled = (variableName: string) => (target.variables[variableName] ?? '').trim() !== '';
  const unfilled = variables.filter((variable) => mandatory(variable) && !filled(variable.name)).map((variable) => variable.name);
  const unknown = Object.keys(target.variables).filter((given) => !variables.some((variable) => variable.name === given));
  const listed = variables.map((variable) => `${variable.name}${mandatory(variable) ? '*' : ''}`).join(', ');
  const problems = [
    unfilled.length === 0 ? undefined : `mandatory variable(s) the route does not fill: ${unfilled.join(', ')}`,
    unknown.length === 0 ? undefined : `route variable(s) the item does not have: ${unknown.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${problems.join('; ')} (the item's variables: ${listed === '' ? 'none' : listed}; * mandatory)`);
  return `"${name}" is ${item.sysId}; variables: ${listed === '' ? 'none' : listed} (* mandatory)`;
}

/** The checks for one ServiceNow desk and the routes (`who`, target) that send tickets to it. */
export function serviceNowOnlineChecks(_desk: DeskId, servicenow: ServiceNowConfig, routes: ReadonlyArray<[string, ServiceNowTarget]>, fetchImpl: typeof fetch): OnlineCheck[] {
  const call = createServiceNowClient({ instanceUrl: servicenow.instanceUrl, credentials: serviceNowCredentials(servicenow), fetch: fetchImpl, timeoutMs: 15_000 });
  const catalog = createCatalogOrders(call);
  const checks: OnlineCheck[] = [];
  for (const [who, target] of routes) {
    const { catalogItem } = target;
    if (catalogItem !== undefined) checks.push([`ServiceNow catalog item of ${who}`, () => checkCatalogItem(catalog, { ...target, catalogItem })]);
  }
  const tables = [...new Set(routes.map(([, target]) => target.table))].sort();
  for (const table of tables) checks.push([`ServiceNow ${table} states`, () => checkStates(call, servicenow, table)]);
  if (tables.includes('sc_req_item')) checks.push(['ServiceNow sc_req_item stages', () => checkStages(call, servicenow)]);
  return checks;
}
