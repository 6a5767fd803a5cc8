import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/desks/servicenow/fake-servicenow.ts';
import { writeConfig } from '../../helpers/bridge-process.ts';
import { captureIo } from '../../helpers/capture-io.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../../helpers/redis.ts';

let c1: FakeConductorOne;
let sn: FakeServiceNow;
beforeAll(async () => {
  [c1, sn] = await Promise.all([startFakeConductorOne(), startFakeServiceNow()]);
});
const prefix = uniquePrefix('online-sn');
afterAll(async () => {
  await Promise.all([c1.close(), sn.close()]);
  const redis = new Redis(REDIS_URL);
  await deleteUnder(redis, prefix);
  redis.disconnect();
});
afterEach(() => sn.reset());

function config(routes: string[], servicenow = ''): string {
  return writeConfig(
    [
      'server: { publicUrl: "https://bridge.acme.example" }',
      `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
      `conductorone: { tenant: acme.conductor.one, jwksUrl: "${c1.jwksUrl}" }`,
      `servicenow: { instanceUrl: "${sn.url}", username: bridge, password: sn-password${servicenow} }`,
      'routes:',
      ...routes.map((route) => `  - ${route}`),
    ].join('\n'),
  );
}

async function online(path: string) {
  const { io, out, err } = captureIo();
  const code = await runCli(['check-config', '--online', '--config', path], {}, io);
  return { code, out: out.filter((line) => line.startsWith('  online: ServiceNow ') && !line.includes(sn.url)), err };
}

const ACCESS = '{ name: access, servicenow: { catalogItem: "Access request", variables: { application: "{{ app.name }}", access: "{{ entitlement.name }}" } } }';

describe('check-config --online for ServiceNow catalog routes and states', () => {
  it('resolves the item by name, lists its variables, and reads the states and stages from sys_choice', async () => {
    const id = sn.catalog.addItem('Access request', [{ name: 'application', mandatory: true }, { name: 'access', mandatory: true }, { name: 'justification' }]);
    const result = await online(config([ACCESS, '{ name: inc, servicenow: { table: incident } }']));
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out).toEqual([
      `  online: ServiceNow catalog item of route "access": OK, "Access request" is ${id}; variables: application*, access*, justification (* mandatory)`,
      '  online: ServiceNow incident states: OK, complete 6 (Resolved), 7 (Closed); errored 8 (Canceled); open 1 (New), 2 (In Progress), 3 (On Hold)',
      '  online: ServiceNow sc_req_item states: OK, complete 3 (Closed Complete); errored 4 (Closed Incomplete), 7 (Closed Skipped); open -5 (Pending), 1 (Open), 2 (Work in Progress)',
      '  online: ServiceNow sc_req_item stages: OK, 5 stage(s); counted as cancelled: Request Cancelled (Request Cancelled) (any stage naming a cancellation; set servicenow.cancelledStages to list them)',
    ]);
  });

  it('says which mandatory variable a route leaves empty and which route variable the item lacks, and exits 1', async () => {
    sn.catalog.addItem('Access request', [{ name: 'application', mandatory: true }, { name: 'access', mandatory: true }, { name: 'manager', mandatory: true }]);
    const route = '{ name: access, servicenow: { catalogItem: "Access request", variables: { application: "{{ app.name }}", access: "", colour: blue } } }';
    const result = await online(config([route]));
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      '  online: ServiceNow catalog item of route "access": FAILED, mandatory variable(s) the route does not fill: access, manager; route variable(s) the item does not have: colour (the item\'s variables: application*, access*, manager*; * mandatory)',
    ]);
    expect(sn.catalog.orders).toEqual([]);
  });

  it('an item name the instance does not have, or has twice, is a failure that says so', async () => {
    sn.catalog.addItem('Laptop', []);
    sn.catalog.addItem('Laptop', []);
    const result = await online(config([ACCESS, '{ name: laptop, servicenow: { catalogItem: Laptop } }']));
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      '  online: ServiceNow catalog item of route "access": FAILED, ServiceNow has no catalog item named "Access request" that the bridge\'s account may order',
      '  online: ServiceNow catalog item of route "laptop": FAILED, ServiceNow has 2 catalog items named "Laptop": give the sys_id',
    ]);
  });

  it('a customised state the config leaves open, or a configured state the instance lacks, would strand tasks: exit 1', async () => {
    sn.catalog.addChoice('task', 'state', '9', 'Closed Cancelled');
    const result = await online(config(['{ name: t, servicenow: { table: sc_task } }'], ', states: { sc_task: { complete: [3], errored: [4, 7, 12] } }'));
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      '  online: ServiceNow sc_task states: FAILED, configured final state(s) 12 are not state choices of sc_task; 9 (Closed Cancelled) look final but are in neither list, so a record closed so would never be reported: set servicenow.states.sc_task (the instance\'s states: -5 (Pending), 1 (Open), 2 (Work in Progress), 3 (Closed Complete), 4 (Closed Incomplete), 7 (Closed Skipped), 9 (Closed Cancelled))',
    ]);
  });

  it('with cancelledStages set, exactly those stages count as cancelled', async () => {
    sn.catalog.addItem('Access request', [{ name: 'application', mandatory: true }, { name: 'access' }]);
    const result = await online(config([ACCESS], ', cancelledStages: [fulfillment]'));
    expect(result.code).toBe(0);
    expect(result.out).toContain('  online: ServiceNow sc_req_item stages: OK, 5 stage(s); counted as cancelled: fulfillment (Fulfillment)');
  });
});
