import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { mountFakeJsm } from '../../src/desks/jira/service-desk/fake-jsm.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/desks/servicenow/fake-servicenow.ts';
import { writeConfig } from '../helpers/bridge-process.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { captureIo } from '../helpers/capture-io.ts';

let c1: FakeConductorOne;
let jira: FakeJira;
let sn: FakeServiceNow;
let dc: FakeJiraDc;
beforeAll(async () => {
  [c1, jira, sn, dc] = await Promise.all([startFakeConductorOne(), startFakeJira(), startFakeServiceNow(), startFakeJiraDc()]);
});
// Opening the queues writes their meta keys: they go under this file's own prefix, swept at the end.
const prefix = uniquePrefix('online');
afterAll(async () => {
  await Promise.all([c1.close(), jira.close(), sn.close(), dc.close()]);
  const redis = new Redis(REDIS_URL);
  await deleteUnder(redis, prefix);
  redis.disconnect();
});

function config(jiraToken: string, extra: string[] = []): string {
  return writeConfig(
    [
      'server: { publicUrl: "https://bridge.acme.example" }',
      `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
      `conductorone: { tenant: acme.conductor.one, jwksUrl: "${c1.jwksUrl}" }`,
      `jira: { baseUrl: "${jira.url}", email: bridge@acme.example, apiToken: ${jiraToken} }`,
      `servicenow: { instanceUrl: "${sn.url}", username: bridge, password: sn-password }`,
      ...extra,
    ].join('\n'),
  );
}

describe('check-config --online', () => {
  it('reaches Redis, the JWKS, Jira and ServiceNow with the configured credentials', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--online', '--config', config('jira-api-token')], {}, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.filter((line) => line.startsWith('  online: '))).toEqual([
      `  online: Redis ${REDIS_URL}: OK, answered PONG`,
      `  online: ConductorOne JWKS ${c1.jwksUrl}: OK, 3 key(s): rs256-1 (RS256), es256-1 (ES256), eddsa-1 (EdDSA)`,
      `  online: Jira ${jira.url}: OK, signed in as Provisioning Bridge`,
      `  online: Jira deployment ${jira.url}: OK, Cloud (email + apiToken)`,
      `  online: ServiceNow ${sn.url}: OK, Table API answers with these credentials`,
    ]);
  });

  it('says which dependency refused and exits 1', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['check-config', '--online', '--config', config('wrong-token')], {}, io)).toBe(1);
    expect(err).toEqual([`  online: Jira ${jira.url}: FAILED, Jira who am I: Jira refused with 401: You are not authenticated. Authentication required to perform this operation.`]);
  });

  // Jira Data Center (a fake citing Atlassian's serverInfo and PAT docs): which deployment, and how it is known.
  function dcConfig(jiraLine: string): string {
    return writeConfig(
      [
        'server: { publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        `conductorone: { tenant: acme.conductor.one, jwksUrl: "${c1.jwksUrl}" }`,
        `jira: { baseUrl: "${dc.url}", ${jiraLine} }`,
      ].join('\n'),
    );
  }

  it('says a Data Center found through serverInfo was detected, and one configured was configured', async () => {
    const detected = captureIo();
    expect(await runCli(['check-config', '--online', '--config', dcConfig('token: dc-personal-access-token')], {}, detected.io)).toBe(0);
    expect(detected.err).toEqual([]);
    expect(detected.out.filter((line) => line.startsWith('  online: Jira'))).toEqual([
      `  online: Jira ${dc.url}: OK, signed in as Provisioning Bridge (c1bridge)`,
      `  online: Jira deployment ${dc.url}: OK, Data Center 9.12.3 (detected from serverInfo)`,
    ]);
    const configured = captureIo();
    expect(await runCli(['check-config', '--online', '--config', dcConfig('deployment: datacenter, username: c1bridge, password: dc-password')], {}, configured.io)).toBe(0);
    expect(configured.out.filter((line) => line.startsWith('  online: Jira deployment'))).toEqual([`  online: Jira deployment ${dc.url}: OK, Data Center 9.12.3 (configured)`]);
  });

  it('fails when the configured deployment is not the one serverInfo names', async () => {
    dc.deploymentType = 'Cloud';
    try {
      const { io, err } = captureIo();
      expect(await runCli(['check-config', '--online', '--config', dcConfig('deployment: datacenter, token: dc-personal-access-token')], {}, io)).toBe(1);
      expect(err).toEqual([`  online: Jira deployment ${dc.url}: FAILED, configured as Data Center, but serverInfo says Cloud`]);
    } finally {
      dc.deploymentType = 'Server';
    }
  });

  it("lists each JSM route's request type fields and names the required ones a route leaves empty", async () => {
    const jsm = mountFakeJsm(jira);
    const desk = jsm.addServiceDesk('ITHELP', 'IT Help');
    const type = jsm.addRequestType(desk, 'Request access', [
      { fieldId: 'summary', name: 'Summary', required: true },
      { fieldId: 'description', name: 'Description', required: false },
      { fieldId: 'customfield_10050', name: 'Application', required: true },
    ]);
    const routes = [
      'routes:',
      '  - { name: access-portal, match: { appName: GitHub }, jira: { serviceDesk: ITHELP, requestType: "Request access", raiseOnBehalfOf: subject } }',
      '  - { name: access-full, match: { appName: Okta }, jira: { serviceDesk: ithelp, requestType: "request access", requestFields: { customfield_10050: "{{ app.name }}" } } }',
      '  - { name: wrong-desk, match: { appName: Slack }, jira: { serviceDesk: ITHLP, requestType: "Request access" } }',
    ];
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--online', '--config', config('jira-api-token', routes)], {}, io)).toBe(1);
    expect(out).toContain(`  online: Jira Service Management request type of route "access-full": OK, service desk ITHELP is ${desk}, request type "Request access" is ${type}; fields: summary*, description, customfield_10050* (* required)`);
    expect(err).toEqual([
      '  online: Jira Service Management request type of route "access-portal": FAILED, required field(s) the route leaves empty: customfield_10050 (Application) (the request type\'s fields: summary*, description, customfield_10050*; * required)',
      `  online: Jira Service Management request type of route "wrong-desk": FAILED, Jira Service Management has no service desk "ITHLP" (by id or project key); the bridge's account sees: ITHELP (id ${desk})`,
    ]);
    // It reads, never writes.
    expect(jsm.creates).toEqual([]);
  });
});
