/**
 * JSM requests on Jira Data Center: the desk's Data Center adapter with JSM routes sent through the JSM REST API over
 * fetch, against the fake JSM mounted on the fake Jira DC (so the request is a REST v2 issue there). Wire formats:
 * fake-jsm.ts and fake-jira-dc.ts cite theirs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { chooseRoute, type ChosenRoute } from '../../../src/domain/routing.ts';
import { createJiraDataCenterTickets } from '../../../src/desks/jira/datacenter/dc-tickets.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { JIRA_PROPERTY_KEY } from '../../../src/desks/jira/issue-body.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { dataCenterJsmRequests, withJsmRequests } from '../../../src/desks/jira/service-desk/jsm-tickets.ts';
import type { TicketSystem } from '../../../src/desks/ticket-system.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { fixtureRequest } from '../../helpers/fixture-request.ts';
import { liveMarkup } from '../../helpers/wiki-markup-check.ts';

const PAT = 'dc-personal-access-token';
let fake: FakeJiraDc;
let jsm: FakeJsm;
let deskId: string;
let tickets: TicketSystem;
let route: ChosenRoute;

beforeAll(async () => {
  fake = await startFakeJiraDc({ token: PAT });
  jsm = mountFakeJsm(fake);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  jsm.reset();
  deskId = jsm.addServiceDesk('ITHELP', 'IT Help');
  jsm.addRequestType(deskId, 'Request access', [
    { fieldId: 'summary', name: 'Summary', required: true },
    { fieldId: 'description', name: 'Description', required: false },
    { fieldId: 'customfield_10050', name: 'Application', required: true },
  ]);
  const config = configSchema.parse({
    server: { publicUrl: 'https://bridge.acme.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: fake.url, token: PAT },
    routes: [{ name: 'access-portal', match: { appId: '2pQdAppGH' }, jira: { serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { customfield_10050: '{{ app.name }}' }, raiseOnBehalfOf: 'subject' } }],
  });
  const chosen = chooseRoute(config, fixtureRequest('provision-grant'));
  if (chosen === undefined) throw new Error('no route');
  route = chosen;
  const base = createJiraDataCenterTickets({ config: { baseUrl: fake.url, token: PAT, erroredResolutions: ['Declined'], indexLagSeconds: 0 } });
  tickets = withJsmRequests(base, dataCenterJsmRequests({ baseUrl: fake.url, auth: { token: PAT }, timeZone: 'UTC' }), () => route.target.jira);
});

/** Jane as Data Center knows her (username jdoe) and as JSM may raise for her. */
function addJane(): void {
  fake.users.push({ name: 'jdoe', key: 'JIRAUSER10200', emailAddress: 'jane.doe@acme.com', displayName: 'Jane Doe', active: true });
  jsm.addUser({ accountId: 'jdoe', displayName: 'Jane Doe', emailAddress: 'jane.doe@acme.com' });
}

describe('JSM requests on Jira Data Center', () => {
  it('opens the request for the user by username, labels it and sets the property over REST v2, and finds it again', async () => {
    addJane();
    const request = fixtureRequest('provision-grant');
    const ref = await tickets.create({ request, route });
    const portal = `${fake.url}/servicedesk/customer/portal/${deskId}/ITHELP-1`;
    expect(ref).toMatchObject({ key: 'ITHELP-1', container: 'ITHELP', url: portal });
    expect(jsm.creates[0]).toMatchObject({ serviceDeskId: deskId, raiseOnBehalfOf: 'jdoe', requestFieldValues: { customfield_10050: 'GitHub' } });
    const issue = fake.issues.get('ITHELP-1');
    expect(issue?.fields.labels).toEqual(['c1-task-2pQdTask0001']);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' });
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/rest/servicedeskapi/request');
    expect(create?.headers.authorization).toBe(`Bearer ${PAT}`);
    expect(fake.requests.some((r) => r.method === 'PUT' && r.path === `/rest/api/2/issue/${ref.id}`)).toBe(true);

    // Crash recovery: the label search of the Data Center adapter finds the request, with its portal link.
    expect(await tickets.findByTask(request.taskId, request.stepId, route)).toMatchObject({ key: 'ITHELP-1', id: ref.id, container: 'ITHELP', url: portal });
    expect(await tickets.findByTask(request.taskId, 'another-step', route)).toBeUndefined();

    expect(await tickets.getStatus(ref)).toMatchObject({ final: false });
    fake.transition('ITHELP-1', 'Closed', 'done', 'Declined');
    expect(await tickets.getStatus(ref)).toMatchObject({ final: true, outcome: 'errored' });
    await tickets.comment(ref, 'The bridge reported this task to ConductorOne as errored.');
    expect(fake.issues.get('ITHELP-1')?.comments).toEqual(['The bridge reported this task to ConductorOne as errored.']);
  });

  it("a user Data Center does not know: raised as the bridge's account with a line in the description", async () => {
    await tickets.create({ request: fixtureRequest('provision-grant'), route });
    expect(jsm.creates[0]).not.toHaveProperty('raiseOnBehalfOf');
    expect(String(fake.issues.get('ITHELP-1')?.fields['description'])).toMatch(/^Raised by the bridge's account, not on behalf of the user: no active Jira user has the email jane\.doe@acme\.com\.\n\n/);
  });

  it('a hostile name reaches the description as escaped wiki markup, the text unchanged', async () => {
    const hostile = 'Jane [evil|https://evil.example] *bold* {code}x{code} |cell| ----';
    const request = fixtureRequest('provision-grant');
    const ref = await tickets.create({ request: { ...request, subject: { ...request.subject, name: hostile } }, route });
    const description = String(fake.issues.get(ref.key)?.fields['description']);
    expect(liveMarkup(description)).toBeUndefined();
    expect(wikiToText(description)).toContain(hostile);
  });

  it('the SSO login page instead of JSON is a clear permanent error, and nothing is opened', async () => {
    fake.loginPageOnly = true;
    await expect(tickets.create({ request: fixtureRequest('provision-grant'), route })).rejects.toMatchObject({ code: 'ticket_system_rejected', message: expect.stringContaining('Jira answered with a login page: the token is not accepted') });
    expect(jsm.creates).toHaveLength(0);
  });
});
